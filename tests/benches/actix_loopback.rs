//! `Tagged` end to end over loopback: a real actix-web server (one worker, HTTP/1.1
//! keep-alive) and one client connection, like `wrk -t1 -c1`. Each iteration is one request
//! and its complete response, so time per iteration is the inverse of throughput.
//!
//! Bars (DESIGN §6): the Tagged 304 path >= 0.95x the throughput of a bare handler returning a
//! fixed 304; the Tagged 200 path of the ~1 KB model >= 0.97x plain `web::Json` of the same
//! value.
//!
//! Criterion measures the variants one after the other; on a shared machine the load can
//! change between them, so the run ends with a paired measurement (the two variants of a bar
//! alternate in short rounds) and prints the median ratio of each bar.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod actix_common;
use actix_common as common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};

use actix_web::{App, HttpServer, web};
use criterion::{Criterion, criterion_group, criterion_main};

use common::{bare_304, plain_json, product_tag, tagged};

/// A running server and the handle that stops it.
struct Server {
    addr: SocketAddr,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let server = HttpServer::new(|| {
                    App::new()
                        .route("/bare", web::get().to(bare_304))
                        .route("/json", web::get().to(plain_json))
                        .route("/tagged", web::get().to(tagged))
                })
                .workers(1)
                .keep_alive(Duration::from_secs(3600))
                .disable_signals()
                .listen(listener)
                .unwrap()
                .run();
                tx.send(server.handle()).unwrap();
                server.await.unwrap();
            });
        });
        let handle = rx.recv().unwrap();
        Server {
            addr,
            handle,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        actix_web::rt::System::new().block_on(self.handle.stop(true));
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

/// One keep-alive connection sending a fixed request and reading whole responses.
struct Client {
    stream: TcpStream,
    request: Vec<u8>,
    buf: Vec<u8>,
    expect: &'static [u8],
}

impl Client {
    fn new(
        addr: SocketAddr,
        path: &str,
        if_none_match: Option<&str>,
        expect: &'static [u8],
    ) -> Self {
        let stream = TcpStream::connect(addr).unwrap();
        stream.set_nodelay(true).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n");
        if let Some(tag) = if_none_match {
            request.push_str(&format!("If-None-Match: {tag}\r\n"));
        }
        request.push_str("\r\n");
        let mut client = Client {
            stream,
            request: request.into_bytes(),
            buf: Vec::with_capacity(4096),
            expect,
        };
        for _ in 0..100 {
            client.exchange();
        }
        client
    }

    /// Sends the request and reads the response (head, then `Content-Length` bytes).
    fn exchange(&mut self) {
        self.stream.write_all(&self.request).unwrap();
        self.buf.clear();
        let mut chunk = [0u8; 4096];
        loop {
            let n = self.stream.read(&mut chunk).unwrap();
            assert!(n > 0, "connection closed");
            self.buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let head = &self.buf[..end];
                assert!(
                    head.starts_with(self.expect),
                    "{}",
                    String::from_utf8_lossy(head)
                );
                let length = content_length(head);
                if self.buf.len() >= end + 4 + length {
                    return;
                }
            }
        }
    }
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

const ROUNDS: usize = 101;
const PER_ROUND: usize = 1000;

const OK: &[u8] = b"HTTP/1.1 200";
const NOT_MODIFIED: &[u8] = b"HTTP/1.1 304";

fn bench_client(c: &mut Criterion, group: &str, variants: [(&str, &mut Client); 2]) {
    let mut group = c.benchmark_group(group);
    for (name, client) in variants {
        group.bench_function(name, |b| b.iter(|| client.exchange()));
    }
    group.finish();
}

/// Quartiles over rounds of (time of `a`) / (time of `b`) for `n` exchanges each, alternating.
fn paired_ratio(a: &mut Client, b: &mut Client, rounds: usize, n: usize) -> [f64; 3] {
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let time = |client: &mut Client| {
            let start = Instant::now();
            for _ in 0..n {
                client.exchange();
            }
            start.elapsed().as_secs_f64()
        };
        // Alternate which one goes first.
        let (ta, tb) = if round % 2 == 0 {
            let ta = time(a);
            (ta, time(b))
        } else {
            let tb = time(b);
            (time(a), tb)
        };
        ratios.push(ta / tb);
    }
    ratios.sort_by(f64::total_cmp);
    [
        ratios[rounds / 4],
        ratios[rounds / 2],
        ratios[rounds * 3 / 4],
    ]
}

fn loopback(c: &mut Criterion) {
    let server = Server::start();
    let tag = product_tag();
    let mut bare = Client::new(server.addr, "/bare", Some(&tag), NOT_MODIFIED);
    let mut tagged_304 = Client::new(server.addr, "/tagged", Some(&tag), NOT_MODIFIED);
    let mut json = Client::new(server.addr, "/json", None, OK);
    let mut tagged_200 = Client::new(server.addr, "/tagged", None, OK);

    bench_client(
        c,
        "loopback_304",
        [
            ("bare_fixed_304", &mut bare),
            ("tagged_304", &mut tagged_304),
        ],
    );
    bench_client(
        c,
        "loopback_200",
        [("web_json", &mut json), ("tagged_200", &mut tagged_200)],
    );

    // Throughput ratio = inverse of the time ratio.
    let [q1, r304, q3] = paired_ratio(&mut bare, &mut tagged_304, ROUNDS, PER_ROUND);
    println!(
        "paired throughput ratios ({ROUNDS} alternating rounds of {PER_ROUND} requests; median [quartiles]):"
    );
    println!("  Tagged 304 / bare fixed 304: {r304:.3}x [{q1:.3}, {q3:.3}] (bar >= 0.95x)");
    let [q1, r200, q3] = paired_ratio(&mut json, &mut tagged_200, ROUNDS, PER_ROUND);
    let json_bytes = serde_json::to_vec(&*common::PRODUCT).unwrap().len();
    println!(
        "  Tagged 200 / web::Json 200 ({json_bytes} bytes of JSON):  {r200:.3}x [{q1:.3}, {q3:.3}] (bar >= 0.97x)"
    );
    drop((bare, tagged_304, json, tagged_200));
    drop(server);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    targets = loopback
}
criterion_main!(benches);
