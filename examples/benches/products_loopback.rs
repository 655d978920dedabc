//! The products service over loopback with the database in the loop: a real server (one
//! worker, SQLite file, 1,000 products) and one keep-alive client connection per variant,
//! like `wrk -t1 -c1`.
//!
//! Bars (issue "conditional writes as one library call"): the list's 304 at least 0.8x the
//! throughput of a single product's 304 (it reads the catalog version row, no product), and
//! at least 10x the list's 200 (which reads and serializes 1,000 rows).
//!
//! Criterion measures each variant; the run ends with a paired measurement (the variants of
//! a bar alternate in short rounds, so a change of load on the machine hits both) and prints
//! the median throughput ratio of each bar with its quartiles.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use etag_examples::{Db, ProductInput, Service};

const PRODUCTS: usize = 1000;

/// The service on a fresh SQLite file holding `PRODUCTS` products.
struct Server {
    addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
    dir: std::path::PathBuf,
}

impl Server {
    fn start() -> Self {
        let dir = std::env::temp_dir().join(format!("products-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("products.db");
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let db = Db::open(&path).await.unwrap();
                let seeded = db.list().await.unwrap().len();
                for i in seeded..PRODUCTS {
                    let input = ProductInput {
                        name: format!("Product {i}"),
                        description: "A product of the benchmark catalog, with a line of text."
                            .into(),
                        price_cents: 100 + i64::try_from(i).unwrap(),
                        stock: 10,
                    };
                    db.insert(input).await.unwrap();
                }
                let server = Service::new(db).workers(1).serve(listener).unwrap();
                tx.send(server.handle()).unwrap();
                server.await.unwrap();
            });
        });
        let handle = rx.recv_timeout(Duration::from_secs(120)).unwrap();
        Server {
            addr,
            handle,
            thread: Some(thread),
            dir,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(true));
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// One keep-alive connection sending a fixed request and reading whole responses.
struct Client {
    addr: SocketAddr,
    stream: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
    expect: &'static [u8],
}

impl Client {
    fn new(addr: SocketAddr, path: &str, etag: Option<&str>, expect: &'static [u8]) -> Self {
        let stream = connect(addr);
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n");
        if let Some(tag) = etag {
            request.push_str(&format!("If-None-Match: {tag}\r\n"));
        }
        request.push_str("\r\n");
        let mut client = Client {
            addr,
            stream,
            request: request.into_bytes(),
            buf: Vec::with_capacity(256 * 1024),
            expect,
        };
        for _ in 0..20 {
            client.exchange();
        }
        client
    }

    /// Sends the request and reads the response (head, then `Content-Length` bytes). A
    /// connection the server closed while it sat idle (actix-web's keep-alive is 5 s) is
    /// opened again.
    fn exchange(&mut self) {
        if self.stream.write_all(&self.request).is_err() || !self.read_response() {
            self.stream = connect(self.addr);
            self.stream.write_all(&self.request).unwrap();
            assert!(self.read_response(), "connection closed");
        }
    }

    /// Reads one response; `false` when the connection was closed before it began.
    fn read_response(&mut self) -> bool {
        self.buf.clear();
        let mut chunk = [0u8; 64 * 1024];
        let mut wanted = None;
        loop {
            let n = self.stream.read(&mut chunk).unwrap_or(0);
            if n == 0 {
                assert!(self.buf.is_empty(), "connection closed mid-response");
                return false;
            }
            self.buf.extend_from_slice(&chunk[..n]);
            if wanted.is_none()
                && let Some(end) = find(&self.buf, b"\r\n\r\n")
            {
                let head = &self.buf[..end];
                assert!(
                    head.starts_with(self.expect),
                    "{}",
                    String::from_utf8_lossy(head)
                );
                wanted = Some(end + 4 + content_length(head));
            }
            if wanted.is_some_and(|w| self.buf.len() >= w) {
                return true;
            }
        }
    }

    /// The `ETag` of the last response.
    fn etag(&self) -> String {
        let head = String::from_utf8_lossy(&self.buf);
        head.lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case("etag").then(|| v.trim().to_owned())
            })
            .unwrap()
    }
}

fn connect(addr: SocketAddr) -> TcpStream {
    let stream = TcpStream::connect(addr).unwrap();
    stream.set_nodelay(true).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &[u8]) -> usize {
    let head = String::from_utf8_lossy(head);
    head.lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0)
}

const OK: &[u8] = b"HTTP/1.1 200";
const NOT_MODIFIED: &[u8] = b"HTTP/1.1 304";
const ROUNDS: usize = 41;

/// Quartiles over rounds of the throughput of `a` over that of `b`, `na` and `nb` requests
/// a round, alternating which goes first.
fn paired(a: &mut Client, na: usize, b: &mut Client, nb: usize) -> [f64; 3] {
    let per_request = |client: &mut Client, n: usize| {
        let start = Instant::now();
        for _ in 0..n {
            client.exchange();
        }
        start.elapsed().as_secs_f64() / n as f64
    };
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            let (ta, tb) = if round % 2 == 0 {
                let ta = per_request(a, na);
                (ta, per_request(b, nb))
            } else {
                let tb = per_request(b, nb);
                (per_request(a, na), tb)
            };
            tb / ta
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    [
        ratios[ROUNDS / 4],
        ratios[ROUNDS / 2],
        ratios[ROUNDS * 3 / 4],
    ]
}

fn products(c: &mut Criterion) {
    let server = Server::start();
    let mut list_200 = Client::new(server.addr, "/products", None, OK);
    let list_tag = list_200.etag();
    let one_200 = Client::new(server.addr, "/products/1", None, OK);
    let one_tag = one_200.etag();
    drop(one_200);
    let mut list_304 = Client::new(server.addr, "/products", Some(&list_tag), NOT_MODIFIED);
    let mut one_304 = Client::new(server.addr, "/products/1", Some(&one_tag), NOT_MODIFIED);

    let mut group = c.benchmark_group("products_loopback");
    group.bench_function("product_304", |b| b.iter(|| one_304.exchange()));
    group.bench_function("list_304", |b| b.iter(|| list_304.exchange()));
    group.bench_function("list_200", |b| b.iter(|| list_200.exchange()));
    group.finish();

    let [q1, m, q3] = paired(&mut list_304, 500, &mut one_304, 500);
    println!("paired throughput ratios ({ROUNDS} alternating rounds; median [quartiles]):");
    println!(
        "  list 304 / product 304: {m:.3}x [{q1:.3}, {q3:.3}] (bar >= 0.8x; {PRODUCTS} products)"
    );
    let [q1, m, q3] = paired(&mut list_304, 500, &mut list_200, 10);
    println!("  list 304 / list 200:    {m:.1}x [{q1:.1}, {q3:.1}] (bar >= 10x)");
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = products
}
criterion_main!(benches);
