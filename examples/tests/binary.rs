//! The `products` example binary itself: configuration, the startup line, one log line
//! per request, and a graceful stop on Ctrl-C (SIGINT) and SIGTERM.
#![cfg(unix)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, ChildStderr, Command, Stdio};

use support::{TempDir, send};

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
            .env_remove("PRODUCTS_BIND")
            .env_remove("PRODUCTS_MAX_AGE")
            .envs(envs.iter().copied())
            .current_dir(dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let line = read_line(&mut stderr);
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

#[test]
fn serves_logs_and_stops_gracefully_on_ctrl_c() {
    let dir = TempDir::new();
    let mut server = Running::start(&dir, &[], &["--db", "shop.db", "--bind", "127.0.0.1:0"]);
    let res = send(server.addr, "GET", "/products/1", &[], b"");
    assert_eq!(res.status, 200);
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    let log = read_line(&mut server.stderr);
    assert!(log.contains(" GET /products/1 200 "), "{log}");

    let rest = server.signal("INT");
    assert!(rest.iter().any(|l| l.contains("shutting down")), "{rest:?}");
    assert!(dir.path().join("shop.db").exists());
}

#[test]
fn reads_the_environment_keeps_data_and_stops_on_sigterm() {
    let dir = TempDir::new();
    let db = dir.path().join("env.db");
    let db = db.to_str().unwrap();
    let env = [
        ("PRODUCTS_DB", db),
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
    server.signal("TERM");

    // A restart on the same file keeps the data and does not seed again.
    let server = Running::start(&dir, &env, &[]);
    let res = send(server.addr, "GET", "/products", &[], b"");
    let items = res.json();
    assert_eq!(items.as_array().unwrap().len(), 3);
    assert_eq!(items[0]["stock"], 1000);
    assert_eq!(items[0]["version"], 2);
}

#[test]
fn help_and_bad_arguments() {
    let out = Command::new(binary()).arg("--help").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("PRODUCTS_DB"));

    let out = Command::new(binary()).arg("--port").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown argument `--port`"));
}
