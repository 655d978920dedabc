//! The client half over loopback: `Client::get` of a held ~10 KB representation, answered
//! `304 Not Modified`, against a plain awc `GET` of the `200` of the same resource.
//!
//! Bar (issue 10): the 304 path costs at most 0.5x the plain GET (at least 2x the
//! throughput). Both sides end with the same `Order` value: the plain GET reads the body
//! and deserializes it, `Client::get` deserializes the held bytes. A third variant, plain
//! awc reading the body without deserializing, shows what the bytes alone cost.
//!
//! A real actix-web server (one worker, keep-alive) on its own thread; the client on this
//! thread's actix runtime, one connection reused. Criterion measures each variant, then the
//! run ends with a paired measurement (variants alternating in short rounds, so a change of
//! load on the machine hits both) and prints the median ratios.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use actix_web::rt::System;
use actix_web::{App, HttpServer, web};
use criterion::{Criterion, criterion_group, criterion_main};
use etag_actix::client::Client;
use etag_actix::{ETag, Tagged};
use serde::{Deserialize, Serialize};

#[derive(Clone, Serialize, Deserialize)]
struct LineItem {
    sku: String,
    title: String,
    quantity: u32,
    unit_cents: u64,
    discount: Option<f64>,
    backordered: bool,
}

#[derive(Clone, Serialize, Deserialize)]
struct Address {
    street: String,
    city: String,
    postcode: String,
    country: String,
}

/// The model of the derive bench (tests/benches/derive.rs): an order with 60 lines.
#[derive(Clone, Serialize, Deserialize, ETag)]
struct Order {
    #[etag]
    id: u64,
    #[etag]
    version: u64,
    name: String,
    description: String,
    customer: String,
    shipping: Address,
    lines: Vec<LineItem>,
    tags: Vec<String>,
    total_cents: u64,
    paid: bool,
}

fn order() -> Order {
    let lines: Vec<LineItem> = (0..60u32)
        .map(|i| LineItem {
            sku: format!("SKU-{i:06}"),
            title: format!("Stainless steel widget, model {i}, pack of {}", i % 7 + 1),
            quantity: i % 5 + 1,
            unit_cents: 1299 + u64::from(i) * 37,
            discount: (i % 3 == 0).then_some(0.15),
            backordered: i % 11 == 0,
        })
        .collect();
    Order {
        id: 918_273,
        version: 42,
        name: "Quarterly restock for the north-east warehouse".to_owned(),
        description: "Standing order; deliver to the loading dock between 6 and 9 am. ".repeat(12),
        customer: "ACME Industrial Supplies Ltd.".to_owned(),
        shipping: Address {
            street: "1200 Harbour Road, Unit 14".to_owned(),
            city: "Portsmouth".to_owned(),
            postcode: "PO1 3AX".to_owned(),
            country: "GB".to_owned(),
        },
        total_cents: lines
            .iter()
            .map(|l| l.unit_cents * u64::from(l.quantity))
            .sum(),
        lines,
        tags: ["wholesale", "priority", "net-30", "restock", "north-east"]
            .map(String::from)
            .to_vec(),
        paid: false,
    }
}

async fn show(order: web::Data<Order>) -> Tagged<Order> {
    Tagged::new(order.get_ref().clone())
}

/// The server, on its own thread and actix system; stopped on drop.
struct Server {
    url: String,
    handle: actix_web::dev::ServerHandle,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/order", listener.local_addr().unwrap());
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            System::new().block_on(async move {
                let data = web::Data::new(order());
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(data.clone())
                        .route("/order", web::get().to(show))
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
            url,
            handle,
            thread: Some(thread),
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        System::new().block_on(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

/// The three ways of getting the order.
#[derive(Clone, Copy)]
enum Variant {
    /// `Client::get`, answered 304 from the held bytes.
    Revalidated,
    /// awc `GET`, 200, body read and deserialized.
    PlainDecoded,
    /// awc `GET`, 200, body read only.
    PlainBytes,
    /// awc `GET` with `If-None-Match` set by hand, 304: the floor of any 304 through awc.
    RawNotModified,
    /// No request: deserializing the held bytes alone.
    DecodeOnly,
    /// `Client::get` answered 304, into `IgnoredAny` (JSON checked, no value built).
    RevalidatedIgnored,
    /// No request: checking the held bytes into `IgnoredAny` alone.
    IgnoreOnly,
}

struct Bench {
    runtime: actix_web::rt::SystemRunner,
    client: Client,
    http: awc::Client,
    url: String,
    tag: String,
    held: Vec<u8>,
}

impl Bench {
    /// `n` requests of `variant`, timed.
    fn time(&self, variant: Variant, n: u64) -> Duration {
        self.runtime.block_on(async {
            let start = Instant::now();
            for _ in 0..n {
                match variant {
                    Variant::Revalidated => {
                        let order: Order = self.client.get(&self.url).await.unwrap();
                        black_box(order);
                    }
                    Variant::PlainDecoded => {
                        let mut res = self.http.get(&self.url).send().await.unwrap();
                        assert_eq!(res.status(), 200);
                        let body = res.body().limit(2 << 20).await.unwrap();
                        let order: Order = serde_json::from_slice(&body).unwrap();
                        black_box(order);
                    }
                    Variant::PlainBytes => {
                        let mut res = self.http.get(&self.url).send().await.unwrap();
                        assert_eq!(res.status(), 200);
                        black_box(res.body().limit(2 << 20).await.unwrap());
                    }
                    Variant::RawNotModified => {
                        let mut res = self
                            .http
                            .get(&self.url)
                            .insert_header(("if-none-match", self.tag.as_str()))
                            .send()
                            .await
                            .unwrap();
                        assert_eq!(res.status(), 304);
                        black_box(res.body().await.unwrap());
                    }
                    Variant::RevalidatedIgnored => {
                        let any: serde::de::IgnoredAny = self.client.get(&self.url).await.unwrap();
                        black_box(any);
                    }
                    Variant::IgnoreOnly => {
                        let any: serde::de::IgnoredAny =
                            serde_json::from_slice(black_box(&self.held)).unwrap();
                        black_box(any);
                    }
                    Variant::DecodeOnly => {
                        let order: Order = serde_json::from_slice(black_box(&self.held)).unwrap();
                        black_box(order);
                    }
                }
            }
            start.elapsed()
        })
    }
}

const ROUNDS: usize = 101;
const PER_ROUND: u64 = 200;

/// Quartiles over rounds of (time of `a`) / (time of `b`), the two alternating.
fn paired_ratio(bench: &Bench, a: Variant, b: Variant) -> [f64; 3] {
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            let (ta, tb) = if round % 2 == 0 {
                let ta = bench.time(a, PER_ROUND);
                (ta, bench.time(b, PER_ROUND))
            } else {
                let tb = bench.time(b, PER_ROUND);
                (bench.time(a, PER_ROUND), tb)
            };
            ta.as_secs_f64() / tb.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    [
        ratios[ROUNDS / 4],
        ratios[ROUNDS / 2],
        ratios[ROUNDS * 3 / 4],
    ]
}

fn revalidate(c: &mut Criterion) {
    let server = Server::start();
    let runtime = System::new();
    let (client, http) = runtime.block_on(async {
        let http = awc::Client::default();
        (Client::new(http.clone()), http)
    });
    let held = serde_json::to_vec(&order()).unwrap();
    let bench = Bench {
        runtime,
        client,
        http,
        url: server.url.clone(),
        tag: order().etag().to_string(),
        held,
    };
    // Warm up: the first get stores the order; every later one is a 304.
    bench.time(Variant::Revalidated, 100);
    bench.time(Variant::PlainDecoded, 100);
    let stats = bench.client.stats();
    assert_eq!((stats.full, stats.not_modified), (1, 99));
    let size = serde_json::to_vec(&order()).unwrap().len();

    let mut group = c.benchmark_group("client_get_10kb");
    for (name, variant) in [
        ("client_get_304", Variant::Revalidated),
        ("awc_get_200_decoded", Variant::PlainDecoded),
        ("awc_get_200_bytes", Variant::PlainBytes),
        ("awc_get_304_raw", Variant::RawNotModified),
        ("decode_held_bytes", Variant::DecodeOnly),
        ("client_get_304_ignored_any", Variant::RevalidatedIgnored),
        ("ignore_held_bytes", Variant::IgnoreOnly),
    ] {
        group.bench_function(name, |b| b.iter_custom(|n| bench.time(variant, n)));
    }
    group.finish();

    println!("representation: {size} bytes of JSON");
    println!(
        "paired cost ratios ({ROUNDS} alternating rounds of {PER_ROUND} requests; median [quartiles]):"
    );
    let [q1, r, q3] = paired_ratio(&bench, Variant::Revalidated, Variant::PlainDecoded);
    println!("  Client::get 304 / awc GET 200 + decode: {r:.3}x [{q1:.3}, {q3:.3}] (bar <= 0.5x)");
    let [q1, r, q3] = paired_ratio(&bench, Variant::Revalidated, Variant::PlainBytes);
    println!("  Client::get 304 / awc GET 200 bytes:    {r:.3}x [{q1:.3}, {q3:.3}]");
    let [q1, r, q3] = paired_ratio(&bench, Variant::RawNotModified, Variant::PlainDecoded);
    println!("  raw awc 304 / awc GET 200 + decode:     {r:.3}x [{q1:.3}, {q3:.3}] (the floor)");
    let [q1, r, q3] = paired_ratio(&bench, Variant::RevalidatedIgnored, Variant::RawNotModified);
    println!(
        "  Client::get 304 IgnoredAny / raw awc 304: {r:.3}x [{q1:.3}, {q3:.3}] (our overhead)"
    );
    let stats = bench.client.stats();
    assert_eq!(stats.full, 1, "every revalidation must be a 304: {stats:?}");
    drop(bench);
    drop(server);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(5));
    targets = revalidate
}
criterion_main!(benches);
