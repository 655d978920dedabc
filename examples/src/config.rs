//! Command line and environment: `--db` / `PRODUCTS_DB`, `--bind` / `PRODUCTS_BIND`.

use std::fmt;
use std::path::PathBuf;

/// Database file used when neither `--db` nor `PRODUCTS_DB` is given (relative: in the
/// current directory).
///
/// # Examples
///
/// ```
/// use etag_examples::config::{Command, DEFAULT_DB};
///
/// let Ok(Command::Run(config)) = Command::parse(Vec::<String>::new(), |_| None) else { unreachable!() };
/// assert_eq!(config.db, std::path::Path::new(DEFAULT_DB));
/// ```
pub const DEFAULT_DB: &str = "products.db";
/// Listening address used when neither `--bind` nor `PRODUCTS_BIND` is given.
///
/// # Examples
///
/// ```
/// use etag_examples::config::{Command, DEFAULT_BIND};
///
/// let Ok(Command::Run(config)) = Command::parse(Vec::<String>::new(), |_| None) else { unreachable!() };
/// assert_eq!(config.bind, DEFAULT_BIND);
/// assert!(DEFAULT_BIND.parse::<std::net::SocketAddr>().is_ok());
/// ```
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// The `--help` text.
///
/// # Examples
///
/// ```
/// use etag_examples::config::{Command, USAGE};
///
/// assert_eq!(Command::parse(["--help".to_owned()], |_| None), Ok(Command::Help));
/// for option in ["--db", "--bind", "--max-age", "PRODUCTS_DB", "PRODUCTS_BIND"] {
///     assert!(USAGE.contains(option), "{option}");
/// }
/// ```
pub const USAGE: &str = "\
products: a product catalog with ETags and conditional requests

USAGE:
    cargo run --example products -- [--db PATH] [--bind ADDR] [--max-age N]

OPTIONS:
    --db PATH      SQLite database file, created and seeded if missing
                   [env: PRODUCTS_DB] [default: products.db]
    --bind ADDR    address to listen on, host:port
                   [env: PRODUCTS_BIND] [default: 127.0.0.1:8080]
    --max-age N    let caches reuse a response for N seconds without asking
                   [env: PRODUCTS_MAX_AGE] [default: none, i.e. `no-cache`:
                   caches revalidate every time, which costs a 304]
    -h, --help     print this help

A command-line option wins over its environment variable.";

/// Where the service keeps its data, where it listens, and how long caches may reuse a
/// response.
///
/// # Examples
///
/// ```
/// use etag_examples::config::{Command, Config};
///
/// let args = ["--db", "/var/lib/shop.db", "--max-age", "5"].map(String::from);
/// let Ok(Command::Run(config)) = Command::parse(args, |_| None) else { unreachable!() };
/// assert_eq!(
///     config,
///     Config { db: "/var/lib/shop.db".into(), bind: "127.0.0.1:8080".into(), max_age: Some(5) }
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// The SQLite database file.
    pub db: PathBuf,
    /// The `host:port` to bind.
    pub bind: String,
    /// `Cache-Control: max-age` of product responses; `None` sends `no-cache`.
    pub max_age: Option<u32>,
}

/// What the command line asks for.
///
/// # Examples
///
/// ```
/// use etag_examples::config::Command;
///
/// match Command::parse(std::env::args().skip(1), |name| std::env::var(name).ok()) {
///     Ok(Command::Run(config)) => println!("would serve {} on {}", config.db.display(), config.bind),
///     Ok(Command::Help) => println!("{}", etag_examples::config::USAGE),
///     Err(err) => eprintln!("{err}"),
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// Serve with this configuration.
    Run(Config),
    /// Print [`USAGE`] and exit.
    Help,
}

/// A command line that cannot be understood; its message says what is wrong.
///
/// # Examples
///
/// ```
/// use etag_examples::config::Command;
///
/// let err = Command::parse(["--port".to_owned(), "1".to_owned()], |_| None).unwrap_err();
/// assert_eq!(err.to_string(), "unknown argument `--port`; try --help");
/// let err = Command::parse(["--db".to_owned()], |_| None).unwrap_err();
/// assert_eq!(err.to_string(), "`--db` needs a value");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Command {
    /// Reads the arguments (without the program name) and the environment through `env`.
    ///
    /// Both `--db PATH` and `--db=PATH` are accepted; an empty value is refused.
    ///
    /// # Errors
    ///
    /// An unknown argument, an option without its value, or an empty value.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::config::{Command, Config};
    ///
    /// let env = |name: &str| (name == "PRODUCTS_DB").then(|| "/tmp/shop.db".to_owned());
    /// let cmd = Command::parse(["--bind=0.0.0.0:9000".to_owned()], env).unwrap();
    /// assert_eq!(
    ///     cmd,
    ///     Command::Run(Config { db: "/tmp/shop.db".into(), bind: "0.0.0.0:9000".into(), max_age: None })
    /// );
    /// ```
    pub fn parse<I, E>(args: I, env: E) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = String>,
        E: Fn(&str) -> Option<String>,
    {
        let mut db = None;
        let mut bind = None;
        let mut max_age = None;
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name.to_owned(), Some(value)),
                _ => (arg.clone(), None),
            };
            let slot = match name.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "--db" => &mut db,
                "--bind" => &mut bind,
                "--max-age" => &mut max_age,
                _ => return Err(ConfigError(format!("unknown argument `{arg}`; try --help"))),
            };
            let value = match inline {
                Some(v) => v.to_owned(),
                None => args
                    .next()
                    .ok_or_else(|| ConfigError(format!("`{name}` needs a value")))?,
            };
            if value.is_empty() {
                return Err(ConfigError(format!("`{name}` must not be empty")));
            }
            *slot = Some(value);
        }
        let from_env = |name: &str| env(name).filter(|v| !v.is_empty());
        Ok(Command::Run(Config {
            db: db
                .or_else(|| from_env("PRODUCTS_DB"))
                .unwrap_or_else(|| DEFAULT_DB.to_owned())
                .into(),
            bind: bind
                .or_else(|| from_env("PRODUCTS_BIND"))
                .unwrap_or_else(|| DEFAULT_BIND.to_owned()),
            max_age: match max_age.or_else(|| from_env("PRODUCTS_MAX_AGE")) {
                None => None,
                Some(n) => Some(n.parse().map_err(|_| {
                    ConfigError(format!("max-age must be a number of seconds, not `{n}`"))
                })?),
            },
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn run(db: &str, bind: &str) -> Command {
        Command::Run(Config {
            db: db.into(),
            bind: bind.into(),
            max_age: None,
        })
    }

    #[test]
    fn max_age() {
        let cmd = Command::parse(args(&["--max-age", "5"]), no_env).unwrap();
        assert!(matches!(
            cmd,
            Command::Run(Config {
                max_age: Some(5),
                ..
            })
        ));
        let env = |name: &str| (name == "PRODUCTS_MAX_AGE").then(|| "7".to_owned());
        let cmd = Command::parse(args(&[]), env).unwrap();
        assert!(matches!(
            cmd,
            Command::Run(Config {
                max_age: Some(7),
                ..
            })
        ));
        for bad in ["-1", "soon", "1.5"] {
            assert!(Command::parse(args(&["--max-age", bad]), no_env).is_err());
        }
    }

    #[test]
    fn defaults() {
        assert_eq!(
            Command::parse(args(&[]), no_env),
            Ok(run("products.db", "127.0.0.1:8080"))
        );
    }

    #[test]
    fn environment_then_flags() {
        let env = |name: &str| match name {
            "PRODUCTS_DB" => Some("env.db".to_owned()),
            "PRODUCTS_BIND" => Some("127.0.0.1:1".to_owned()),
            _ => None,
        };
        assert_eq!(
            Command::parse(args(&[]), env),
            Ok(run("env.db", "127.0.0.1:1"))
        );
        assert_eq!(
            Command::parse(args(&["--db", "flag.db", "--bind=[::1]:2"]), env),
            Ok(run("flag.db", "[::1]:2"))
        );
    }

    #[test]
    fn empty_environment_values_are_unset() {
        let env = |_: &str| Some(String::new());
        assert_eq!(
            Command::parse(args(&[]), env),
            Ok(run("products.db", "127.0.0.1:8080"))
        );
    }

    #[test]
    fn help() {
        assert_eq!(
            Command::parse(args(&["--db", "x", "-h"]), no_env),
            Ok(Command::Help)
        );
    }

    #[test]
    fn errors() {
        for bad in [
            &["--port", "1"][..],
            &["--db"],
            &["--db="],
            &["--bind", ""],
            &["products.db"],
        ] {
            assert!(
                Command::parse(args(bad), no_env).is_err(),
                "{bad:?} should be refused"
            );
        }
    }
}
