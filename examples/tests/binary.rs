//! The `products` example binary itself: configuration (clap, environment), the startup
//! line, one log line per request (actix-web's `Logger` through env_logger), and actix-web's
//! own signal handling: a clean exit on Ctrl-C (SIGINT, at once) and SIGTERM (graceful).
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};

use support::{TempDir, TestDb, send};

/// `target/<profile>/examples/products`, built by `cargo test` with the other targets.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(|deps| deps.parent()).unwrap();
    let path = profile_dir
        .join("examples")
        .join(format!("products{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.exists(),
        "{} is missing: run `cargo test -p etag-examples`, which builds the examples",
        path.display()
    );
    path
}

struct Running {
    child: Child,
    stderr: BufReader<ChildStderr>,
    addr: SocketAddr,
}

impl Running {
    fn start(dir: &TempDir, envs: &[(&str, &str)], args: &[&str]) -> Self {
        let mut child = Command::new(binary())
            .args(args)
            .env_remove("PRODUCTS_DB")
            .env_remove("DATABASE_URL")
            .env_remove("PRODUCTS_BIND")
            .env_remove("PRODUCTS_MAX_AGE")
            .env_remove("PRODUCTS_WORKERS")
            .env_remove("RUST_LOG")
            .envs(envs.iter().copied())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        // actix-server logs its own lines around ours.
        let line = read_until(&mut stderr, "listening on http://");
        let addr = line
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .parse()
            .unwrap();
        Running {
            child,
            stderr,
            addr,
        }
    }

    fn signal(&mut self, name: &str) -> Vec<String> {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "exit after SIG{name}: {exit}");
        let mut rest = Vec::new();
        loop {
            let line = read_line(&mut self.stderr);
            if line.is_empty() {
                return rest;
            }
            rest.push(line);
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_line(r: &mut impl BufRead) -> String {
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    line.trim_end().to_owned()
}

/// The first of the next lines (at most 50) that contains `needle`.
fn read_until(r: &mut impl BufRead, needle: &str) -> String {
    let mut seen = Vec::new();
    for _ in 0..50 {
        let line = read_line(r);
        if line.contains(needle) {
            return line;
        }
        if line.is_empty() {
            break;
        }
        seen.push(line);
    }
    panic!("no line with {needle:?} in {seen:?}");
}

#[test]
fn serves_logs_and_stops_on_ctrl_c() {
    let dir = TempDir::new();
    let mut server = Running::start(&dir, &[], &["--db", "shop.db", "--bind", "127.0.0.1:0"]);
    let res = send(server.addr, "GET", "/products/1", &[], b"");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    let log = read_until(&mut server.stderr, "/products/1 HTTP/1.1");
    assert!(log.contains(r#""GET /products/1 HTTP/1.1" 200 "#), "{log}");

    let rest = server.signal("INT");
    assert!(
        rest.iter()
            .any(|l| l.contains("SIGINT received; starting forced shutdown")),
        "{rest:?}"
    );
    assert!(
        rest.last().is_some_and(|l| l.ends_with("stopped")),
        "{rest:?}"
    );
    assert!(dir.path().join("shop.db").exists());
}

#[test]
fn reads_the_environment_keeps_data_and_stops_on_sigterm() {
    // On PostgreSQL too, with PRODUCTS_TEST_POSTGRES.
    let db = TestDb::new();
    let dir = TempDir::new();
    let env = [
        ("PRODUCTS_DB", db.url.as_str()),
        ("PRODUCTS_BIND", "127.0.0.1:0"),
        ("PRODUCTS_MAX_AGE", "30"),
    ];
    let mut server = Running::start(&dir, &env, &[]);
    let res = send(server.addr, "GET", "/products/1", &[], b"");
    assert_eq!(res.header("cache-control"), Some("max-age=30"));
    let etag = res.header("etag").unwrap().to_owned();
    let res = send(
        server.addr,
        "PATCH",
        "/products/1",
        &[
            ("If-Match", &etag),
            ("Content-Type", "application/merge-patch+json"),
        ],
        br#"{"stock": 1000}"#,
    );
    assert_eq!(res.status, 200, "{}", res.text());
    let rest = server.signal("TERM");
    assert!(
        rest.iter()
            .any(|l| l.contains("SIGTERM received; starting graceful shutdown")),
        "{rest:?}"
    );

    // A restart on the same database keeps the data and does not seed again.
    let server = Running::start(&dir, &env, &[]);
    let res = send(server.addr, "GET", "/products", &[], b"");
    let items = res.json();
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert_eq!(items[0]["stock"], 1000);
    assert_eq!(items[0]["version"], 2);
}

#[test]
fn database_url_is_the_fallback_and_products_db_wins_over_it() {
    let dir = TempDir::new();
    let url = format!("sqlite:{}?mode=rwc", dir.path().join("url.db").display());
    let server = Running::start(&dir, &[("DATABASE_URL", &url)], &["--bind", "127.0.0.1:0"]);
    assert_eq!(
        send(server.addr, "GET", "/products/1", &[], b"").status,
        200
    );
    assert!(dir.path().join("url.db").exists());
    assert!(!dir.path().join("products.db").exists());
    drop(server);

    let env = [("DATABASE_URL", url.as_str()), ("PRODUCTS_DB", "env.db")];
    let server = Running::start(&dir, &env, &["--bind", "127.0.0.1:0"]);
    assert_eq!(
        send(server.addr, "GET", "/products/1", &[], b"").status,
        200
    );
    assert!(dir.path().join("env.db").exists());
}

#[test]
fn a_database_that_cannot_be_opened_is_a_clean_failure() {
    let dir = TempDir::new();
    let out = Command::new(binary())
        .args([
            "--db",
            "mysql://nobody@127.0.0.1/none",
            "--bind",
            "127.0.0.1:0",
        ])
        .current_dir(dir.path())
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot open the database"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(binary()).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for option in [
        "--db",
        "--bind",
        "--max-age",
        "--workers",
        "PRODUCTS_DB",
        "DATABASE_URL",
    ] {
        assert!(help.contains(option), "{option} missing from {help}");
    }

    let out = Command::new(binary()).arg("--port").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--port'"));
}
