//! The command line, with clap: every option has a flag, an environment variable and a
//! default, and `--help` documents each once.

use std::num::NonZeroUsize;

use clap::Parser;

/// Database used when neither `--db`, `PRODUCTS_DB` nor `DATABASE_URL` is given: an SQLite
/// file in the current directory.
///
/// # Examples
///
/// ```
/// use clap::Parser as _;
/// use etag_examples::config::{Config, DEFAULT_DB};
///
/// let config = Config::parse_from(["products"]);
/// assert_eq!(config.database_or(None), DEFAULT_DB);
/// ```
pub const DEFAULT_DB: &str = "products.db";

/// Listening address used when neither `--bind` nor `PRODUCTS_BIND` is given.
///
/// # Examples
///
/// ```
/// assert!(etag_examples::config::DEFAULT_BIND.parse::<std::net::SocketAddr>().is_ok());
/// ```
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// A product catalog with ETags and conditional requests (the products service).
///
/// Each option also reads an environment variable; an option given on the command line
/// wins over it.
///
/// # Examples
///
/// ```
/// use clap::Parser as _;
/// use etag_examples::Config;
///
/// let config = Config::try_parse_from(["products", "--db", "/var/lib/shop.db", "--max-age", "5"])?;
/// assert_eq!(config.database_or(None), "/var/lib/shop.db");
/// assert_eq!(config.bind, "127.0.0.1:8080");
/// assert_eq!(config.max_age, Some(5));
///
/// let err = Config::try_parse_from(["products", "--port", "1"]).unwrap_err();
/// assert_eq!(err.exit_code(), 2);
/// # Ok::<(), clap::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Parser)]
#[command(name = "products", version, about, long_about = None)]
#[command(after_help = "Examples:\n  \
    products --db products.db\n  \
    products --db postgres://shop@127.0.0.1:5432/shop --bind 127.0.0.1:8081 --max-age 2")]
pub struct Config {
    /// Database: a path to an SQLite file (created and seeded if missing; WAL mode), or a
    /// URL: `sqlite:PATH` (`sqlite:PATH?mode=rwc` creates it), or
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (the database must exist). The
    /// schema is created, and three products seeded, if the database has none. Without
    /// it, DATABASE_URL, then products.db in the current directory.
    #[arg(long, env = "PRODUCTS_DB", value_name = "PATH|URL")]
    pub db: Option<String>,

    /// The `host:port` to listen on (`127.0.0.1:0`: any free port, printed at startup).
    #[arg(long, env = "PRODUCTS_BIND", value_name = "ADDR", default_value = DEFAULT_BIND)]
    pub bind: String,

    /// Let caches reuse a product response for this many seconds without asking
    /// (`Cache-Control: max-age=N`). Without it: `no-cache`, caches revalidate every time,
    /// which costs a 304.
    #[arg(long, env = "PRODUCTS_MAX_AGE", value_name = "SECONDS")]
    pub max_age: Option<u32>,

    /// Worker threads serving requests (default: one per CPU core).
    #[arg(long, env = "PRODUCTS_WORKERS", value_name = "N")]
    pub workers: Option<NonZeroUsize>,
}

impl Config {
    /// The database to open: `--db` (or `PRODUCTS_DB`), else `database_url` (the
    /// `DATABASE_URL` that sqlx users set), else [`DEFAULT_DB`]. Empty values count as
    /// unset.
    ///
    /// # Examples
    ///
    /// ```
    /// use clap::Parser as _;
    /// use etag_examples::Config;
    ///
    /// let config = Config::parse_from(["products"]);
    /// let url = Some("postgres://shop@db/shop".to_owned());
    /// assert_eq!(config.database_or(url.clone()), "postgres://shop@db/shop");
    /// let config = Config::parse_from(["products", "--db", "mine.db"]);
    /// assert_eq!(config.database_or(url), "mine.db");
    /// ```
    pub fn database_or(&self, database_url: Option<String>) -> String {
        self.db
            .clone()
            .filter(|db| !db.is_empty())
            .or(database_url.filter(|url| !url.is_empty()))
            .unwrap_or_else(|| DEFAULT_DB.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory as _;

    use super::*;

    fn parse(args: &[&str]) -> Result<Config, clap::Error> {
        Config::try_parse_from(std::iter::once("products").chain(args.iter().copied()))
    }

    #[test]
    fn the_definition_is_consistent() {
        Config::command().debug_assert();
    }

    #[test]
    fn defaults() {
        let config = parse(&[]).unwrap();
        assert_eq!(config.bind, DEFAULT_BIND);
        assert_eq!(config.max_age, None);
        assert_eq!(config.workers, None);
        assert_eq!(config.database_or(None), "products.db");
        assert_eq!(config.database_or(Some(String::new())), "products.db");
    }

    #[test]
    fn flags() {
        let config = parse(&["--db", "flag.db", "--bind=[::1]:2", "--workers", "3"]).unwrap();
        assert_eq!(config.database_or(Some("postgres://x/y".into())), "flag.db");
        assert_eq!(config.bind, "[::1]:2");
        assert_eq!(config.workers, NonZeroUsize::new(3));
        assert_eq!(parse(&["--max-age", "5"]).unwrap().max_age, Some(5));
    }

    #[test]
    fn errors() {
        for bad in [
            &["--port", "1"][..],
            &["--db"],
            &["products.db"],
            &["--max-age", "-1"],
            &["--max-age", "soon"],
            &["--max-age", "1.5"],
            &["--workers", "0"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn help_documents_every_option_and_its_environment_variable() {
        let help = Config::command().render_long_help().to_string();
        for needle in [
            "--db",
            "PRODUCTS_DB",
            "DATABASE_URL",
            "--bind",
            "PRODUCTS_BIND",
            "--max-age",
            "PRODUCTS_MAX_AGE",
            "--workers",
            "PRODUCTS_WORKERS",
            "postgres://",
        ] {
            assert!(help.contains(needle), "{needle} missing from\n{help}");
        }
    }
}
