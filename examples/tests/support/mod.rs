//! Test support: the products service on a real SQLite file and a loopback port, and a
//! small blocking HTTP/1.1 client over `std::net::TcpStream` (one connection per request,
//! raw header lines, so tests can send exactly the bytes they mean; bodies by
//! Content-Length or chunked).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    unreachable_pub
)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread::JoinHandle;
use std::time::Duration;

use actix_web::dev::ServerHandle;
use etag_examples::{AccessLog, Db, Service};

/// A temporary directory, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "etag-examples-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
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

/// The service, running on its own actix system in a background thread; stops on drop.
pub struct Server {
    pub addr: SocketAddr,
    pub db_path: PathBuf,
    log: Arc<Mutex<Vec<String>>>,
    handle: Option<ServerHandle>,
    thread: Option<JoinHandle<()>>,
    // Dropped last: the database file lives here.
    _dir: TempDir,
}

impl Server {
    /// Starts the service on 127.0.0.1:0 with a fresh (seeded) database file.
    pub fn start() -> Self {
        let dir = TempDir::new();
        let db_path = dir.path().join("products.db");
        let db = Db::open(&db_path).unwrap();
        let log = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&log);
        let access_log = AccessLog::new(move |line| sink.lock().unwrap().push(line.to_owned()));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_web::rt::System::new();
            system.block_on(async move {
                let server = Service::new(db)
                    .access_log(access_log)
                    .workers(2)
                    .serve(listener)
                    .unwrap();
                tx.send(server.handle()).unwrap();
                server.await.unwrap();
            });
        });
        let handle = rx.recv_timeout(Duration::from_secs(30)).unwrap();
        Server {
            addr,
            db_path,
            log,
            handle: Some(handle),
            thread: Some(thread),
            _dir: dir,
        }
    }

    /// The access log lines written so far.
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
    stream.write_all(&bytes).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw, method == "HEAD")
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
