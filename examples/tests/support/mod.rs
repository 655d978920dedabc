//! Test support: the products service on a fresh database and a loopback port, and a
//! small blocking HTTP/1.1 client over `std::net::TcpStream` (one connection per request,
//! raw header lines, so tests can send exactly the bytes they mean; bodies by
//! Content-Length or chunked).
//!
//! The database is a fresh SQLite file per server, or, when `PRODUCTS_TEST_POSTGRES` holds
//! an admin URL (`postgres://postgres@127.0.0.1:PORT/postgres`), a fresh PostgreSQL
//! database created for each server and dropped afterwards.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    unreachable_pub
)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::AtomicU64;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use actix_web::dev::ServerHandle;
use etag_actix::Clock;
use etag_examples::db::{Backend, DbStats};
use etag_examples::{Db, Service};
use sqlx::{ConnectOptions as _, Connection as _, Executor as _};

/// The environment variable naming a PostgreSQL admin URL to run the tests on.
pub const POSTGRES_ENV: &str = "PRODUCTS_TEST_POSTGRES";

/// A temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        let path = std::env::temp_dir().join(format!(
            "etag-examples-{}-{}",
            std::process::id(),
            next_number()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn next_number() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The PostgreSQL admin URL of `PRODUCTS_TEST_POSTGRES`, if set.
pub fn postgres_admin() -> Option<String> {
    std::env::var(POSTGRES_ENV).ok().filter(|v| !v.is_empty())
}

/// `url` with its database (the path) replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |i| scheme_end + i);
    format!("{}/{name}{query}", &base[..host_end])
}

/// Runs `f` on a runtime of its own (sqlx needs tokio).
fn block_on<F: Future>(f: F) -> F::Output {
    actix_web::rt::System::new().block_on(f)
}

/// A fresh database for one server: an SQLite file in a temporary directory, or a
/// PostgreSQL database dropped with it.
pub struct TestDb {
    /// What `--db` would say: the SQLite path, or the PostgreSQL URL.
    pub url: String,
    pub backend: Backend,
    /// The SQLite file (for PostgreSQL, a path that does not exist).
    pub path: PathBuf,
    admin: Option<(String, String)>,
    _dir: TempDir,
}

impl TestDb {
    /// On PostgreSQL when `PRODUCTS_TEST_POSTGRES` is set, else on SQLite.
    pub fn new() -> Self {
        match postgres_admin() {
            Some(admin) => TestDb::postgres(&admin),
            None => TestDb::sqlite(),
        }
    }

    pub fn sqlite() -> Self {
        let dir = TempDir::new();
        let path = dir.path().join("products.db");
        TestDb {
            url: path.to_str().unwrap().to_owned(),
            backend: Backend::Sqlite,
            path,
            admin: None,
            _dir: dir,
        }
    }

    /// A new database on the server that `admin` (a URL to any database there) reaches.
    pub fn postgres(admin: &str) -> Self {
        let dir = TempDir::new();
        let name = format!("etag_test_{}_{}", std::process::id(), next_number());
        block_on(async {
            let mut conn = sqlx::PgConnection::connect(admin)
                .await
                .unwrap_or_else(|e| panic!("{POSTGRES_ENV}={admin}: {e}"));
            conn.execute(&*format!(r#"DROP DATABASE IF EXISTS "{name}""#))
                .await
                .unwrap();
            conn.execute(&*format!(r#"CREATE DATABASE "{name}""#))
                .await
                .unwrap();
            conn.close().await.unwrap();
        });
        TestDb {
            url: with_database(admin, &name),
            backend: Backend::Postgres,
            path: dir.path().join("no-such-file"),
            admin: Some((admin.to_owned(), name)),
            _dir: dir,
        }
    }

    /// Runs SQL on this database from a connection of its own (e.g. to break it).
    pub fn execute(&self, sql: &str) {
        block_on(async {
            match self.backend {
                Backend::Sqlite => {
                    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
                        .filename(&self.path)
                        .connect()
                        .await
                        .unwrap();
                    conn.execute(sql).await.unwrap();
                    conn.close().await.unwrap();
                }
                Backend::Postgres => {
                    let mut conn = sqlx::PgConnection::connect(&self.url).await.unwrap();
                    conn.execute(sql).await.unwrap();
                    conn.close().await.unwrap();
                }
            }
        });
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = self.admin.take() {
            block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin).await {
                    let _ = conn
                        .execute(&*format!(
                            r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                        ))
                        .await;
                    let _ = conn.close().await;
                }
            });
        }
    }
}

/// The request log lines of each running server, by its log target.
type Sinks = Mutex<HashMap<String, Arc<Mutex<Vec<String>>>>>;

fn sinks() -> &'static Sinks {
    static SINKS: OnceLock<Sinks> = OnceLock::new();
    SINKS.get_or_init(|| {
        // One logger per process: it hands each server's request log lines to that
        // server, and prints warnings and errors from anything else.
        struct Capture;
        impl log::Log for Capture {
            fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
                metadata.level() <= log::Level::Info
            }
            fn log(&self, record: &log::Record<'_>) {
                let sink = sinks().lock().unwrap().get(record.target()).cloned();
                match sink {
                    Some(sink) => sink.lock().unwrap().push(record.args().to_string()),
                    None if record.level() <= log::Level::Warn => {
                        eprintln!("[{} {}] {}", record.level(), record.target(), record.args());
                    }
                    None => {}
                }
            }
            fn flush(&self) {}
        }
        let _ = log::set_boxed_logger(Box::new(Capture));
        log::set_max_level(log::LevelFilter::Info);
        Mutex::new(HashMap::new())
    })
}

/// The service, running on its own actix system in a background thread; stops on drop.
pub struct Server {
    pub addr: SocketAddr,
    /// The SQLite file (on PostgreSQL, a path that does not exist: see [`Server::db`]).
    pub db_path: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    log_target: String,
    handle: Option<ServerHandle>,
    store: Option<Db>,
    thread: Option<JoinHandle<()>>,
    // Dropped last: the database lives here.
    db: TestDb,
}

/// A clock the test moves by hand (whole milliseconds), for a server started with
/// [`Server::start_with_clock`]: rounds that must fall within one second, or past it, do so
/// whatever the real clock does.
#[derive(Clone)]
pub struct HandClock(Arc<AtomicU64>);

impl HandClock {
    /// A clock reading `at`.
    pub fn at(at: SystemTime) -> Self {
        let clock = HandClock(Arc::new(AtomicU64::new(0)));
        clock.set(at);
        clock
    }

    /// Moves it to `at`.
    pub fn set(&self, at: SystemTime) {
        let millis = at.duration_since(UNIX_EPOCH).unwrap().as_millis();
        self.0
            .store(u64::try_from(millis).unwrap(), Ordering::SeqCst);
    }

    /// What it reads.
    pub fn now(&self) -> SystemTime {
        UNIX_EPOCH + Duration::from_millis(self.0.load(Ordering::SeqCst))
    }

    /// The `Clock` the service reads it through.
    pub fn clock(&self) -> Clock {
        let millis = Arc::clone(&self.0);
        Clock::from_fn(move || UNIX_EPOCH + Duration::from_millis(millis.load(Ordering::SeqCst)))
    }
}

impl Server {
    /// Starts the service on 127.0.0.1:0 with a fresh (seeded) database: PostgreSQL when
    /// `PRODUCTS_TEST_POSTGRES` is set, else an SQLite file.
    pub fn start() -> Self {
        Server::start_on(TestDb::new())
    }

    /// Starts the service on `db`.
    pub fn start_on(db: TestDb) -> Self {
        Server::start_with(db, Clock::system())
    }

    /// Starts the service on a fresh database with `clock` for its writes and for judging
    /// requests (`Db::with_clock`).
    pub fn start_with_clock(clock: Clock) -> Self {
        Server::start_with(TestDb::new(), clock)
    }

    fn start_with(db: TestDb, clock: Clock) -> Self {
        let log_target = format!("products-test-{}", next_number());
        let log = Arc::new(Mutex::new(Vec::new()));
        sinks()
            .lock()
            .unwrap()
            .insert(log_target.clone(), Arc::clone(&log));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        let url = db.url.clone();
        let target = log_target.clone();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let store = Db::connect(&url).await.unwrap().with_clock(clock);
                let server = Service::new(store.clone())
                    .log_target(target)
                    .workers(2)
                    .serve(listener)
                    .unwrap();
                tx.send((server.handle(), store.clone())).unwrap();
                server.await.unwrap();
                store.close().await;
            });
        });
        let (handle, store) = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        Server {
            addr,
            db_path: db.path.clone(),
            log,
            log_target,
            handle: Some(handle),
            store: Some(store),
            thread: Some(thread),
            db,
        }
    }

    /// Which database the server runs on.
    pub fn backend(&self) -> Backend {
        self.db.backend
    }

    /// The server's database.
    pub fn db(&self) -> &TestDb {
        &self.db
    }

    /// What the server's store has read so far.
    pub fn stats(&self) -> DbStats {
        self.store.as_ref().unwrap().stats()
    }

    /// Closes the store's pool under the running service: every database call fails from
    /// now on, as in an outage.
    pub fn close_store(&self) {
        let store = self.store.clone().unwrap();
        block_on(async move { store.close().await });
    }

    /// The request log lines written so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Sends one request and reads the whole response.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        send(self.addr, method, path, headers, body)
    }

    pub fn get(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        self.send("GET", path, headers, b"")
    }

    /// Sends a JSON body (`Content-Type: application/json` unless `headers` names one).
    pub fn send_json(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &serde_json::Value,
    ) -> Response {
        let mut all = headers.to_vec();
        if !headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
        {
            all.push(("Content-Type", "application/json"));
        }
        self.send(method, path, &all, body.to_string().as_bytes())
    }

    /// Sets the `stock` of the product at `path` with a merge patch under `If-Match` of the
    /// tag just read; asserts 200 and returns the response.
    pub fn set_stock(&self, path: &str, stock: i64) -> Response {
        let (etag, _) = self.fetch(path);
        let res = self.send_json(
            "PATCH",
            path,
            &[
                ("If-Match", &etag),
                ("Content-Type", "application/merge-patch+json"),
            ],
            &serde_json::json!({ "stock": stock }),
        );
        assert_eq!(res.status, 200, "PATCH {path}: {}", res.text());
        res
    }

    /// `GET path`, asserting 200, returning (ETag, JSON body).
    pub fn fetch(&self, path: &str) -> (String, serde_json::Value) {
        let res = self.get(path, &[]);
        assert_eq!(res.status, 200, "GET {path}: {}", res.text());
        (res.header("etag").unwrap().to_owned(), res.json())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take() {
            actix_web::rt::System::new().block_on(handle.stop(true));
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.store = None;
        sinks().lock().unwrap().remove(&self.log_target);
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn has_header(&self, name: &str) -> bool {
        self.header(name).is_some()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text()))
    }

    /// Asserts an `application/problem+json` body with this status, and returns it.
    pub fn problem(&self, status: u16) -> serde_json::Value {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json"),
            "{}",
            self.text()
        );
        let p = self.json();
        assert_eq!(p["status"], status, "{p}");
        assert!(p["title"].is_string() && p["detail"].is_string(), "{p}");
        p
    }
}

/// One request on a fresh connection (`Connection: close`), response read to EOF.
pub fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    stream
        .write_all(&request(addr, method, path, headers, body))
        .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw, method == "HEAD")
}

/// [`send`], with a refused or broken connection (or a response cut off before its
/// headers end) as an error instead of a panic: for load tests where instances die.
pub fn try_send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.write_all(&request(addr, method, path, headers, body))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    if !raw.windows(4).any(|w| w == b"\r\n\r\n") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            "the connection closed before the end of the response headers",
        ));
    }
    Ok(parse(&raw, method == "HEAD"))
}

fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Vec<u8> {
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        req.push_str(&format!("{name}: {value}\r\n"));
    }
    if !body.is_empty() || matches!(method, "POST" | "PUT" | "PATCH") {
        req.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    req.push_str("\r\n");
    let mut bytes = req.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn parse(raw: &[u8], head: bool) -> Response {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no end of headers in {:?}", String::from_utf8_lossy(raw)));
    let head_text = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head_text.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    let rest = &raw[split + 4..];
    let is_chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    let body = if head {
        assert!(rest.is_empty(), "HEAD response with a body");
        Vec::new()
    } else if is_chunked {
        dechunk(rest)
    } else {
        if let Some((_, len)) = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            assert_eq!(
                rest.len(),
                len.parse::<usize>().unwrap(),
                "Content-Length mismatch"
            );
        }
        rest.to_vec()
    };
    Response {
        status,
        headers,
        body,
    }
}

/// Decodes a chunked body (RFC 9112 §7.1), ignoring extensions and trailers.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let eol = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let line = std::str::from_utf8(&raw[..eol]).unwrap();
        let size = usize::from_str_radix(line.split(';').next().unwrap().trim(), 16).unwrap();
        raw = &raw[eol + 2..];
        if size == 0 {
            return body;
        }
        body.extend_from_slice(&raw[..size]);
        assert_eq!(&raw[size..size + 2], b"\r\n", "chunk not terminated");
        raw = &raw[size + 2..];
    }
}
