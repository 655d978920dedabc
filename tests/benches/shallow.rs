//! `ShallowEtag` against `etag-actix-middleware` (its `ETag` layer, strong tags), the
//! body-hashing middleware of the ecosystem, on the same handler and bodies.
//!
//! Each group serves one body (1 KB or 100 KB of JSON-like bytes) through one of the two
//! layers, in process (`init_service` + `call_service`, the body read to the end), and
//! times a `200` (no condition) and a `304` (`If-None-Match` with the tag the same layer
//! gave). Bar: ShallowEtag at least as fast as the other layer in all four cases; compare
//! the `time` estimates of the two functions of a group from one run.
//!
//! Run: `cargo bench -p etag-tests --bench shallow`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{App, HttpResponse, test, web};
use criterion::{Criterion, criterion_group, criterion_main};

/// A body of `n` bytes: a JSON array of numbered strings, cut to size.
fn body_of(n: usize) -> Bytes {
    let mut text = String::from("[");
    let mut i = 0;
    while text.len() < n {
        text.push_str(&format!("\"item number {i}\","));
        i += 1;
    }
    text.truncate(n - 1);
    text.push(']');
    Bytes::from(text)
}

/// An in-process app that wraps `layer` around a handler returning `body`.
macro_rules! app_with {
    ($rt:expr, $layer:expr, $body:expr) => {{
        let body: Bytes = $body;
        $rt.block_on(test::init_service(App::new().wrap($layer).route(
            "/b",
            web::get().to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )))
    }};
}

/// Sends `n` requests to `app` (with `If-None-Match: tag` when `tag` is given), reading
/// every body to the end; the time they took.
macro_rules! run {
    ($app:expr, $tag:expr, $n:expr) => {{
        let start = Instant::now();
        for _ in 0..$n {
            let mut req = test::TestRequest::get().uri("/b");
            if let Some(tag) = $tag {
                req = req.insert_header((header::IF_NONE_MATCH, tag.clone()));
            }
            let res = test::call_service($app, req.to_request()).await;
            black_box(actix_web::body::to_bytes(res.into_body()).await.ok());
        }
        start.elapsed()
    }};
}

/// The tag `app` gives its body, checked to revalidate with a 304.
macro_rules! tag_of {
    ($rt:expr, $app:expr) => {{
        let first = $rt.block_on(test::call_service(
            $app,
            test::TestRequest::get().uri("/b").to_request(),
        ));
        assert_eq!(first.status(), 200);
        let tag = first.headers().get(header::ETAG).unwrap().clone();
        let check = $rt.block_on(test::call_service(
            $app,
            test::TestRequest::get()
                .uri("/b")
                .insert_header((header::IF_NONE_MATCH, tag.clone()))
                .to_request(),
        ));
        assert_eq!(check.status(), 304);
        tag
    }};
}

/// Rounds of the paired measurement, and requests per round.
const ROUNDS: usize = 101;
const PER_ROUND: usize = 2_000;

fn layers(c: &mut Criterion) {
    let rt = actix_web::rt::System::new();
    let mut summary = Vec::new();
    for (size, label) in [(1024, "1KB"), (100 * 1024, "100KB")] {
        let theirs = app_with!(rt, etag_actix_middleware::ETag::strong(), body_of(size));
        let ours = app_with!(rt, etag_actix::ShallowEtag::new(), body_of(size));
        let their_tag = tag_of!(rt, &theirs);
        let our_tag = tag_of!(rt, &ours);
        for (inm, status) in [(false, "200"), (true, "304")] {
            let (their_tag, our_tag) = (inm.then_some(&their_tag), inm.then_some(&our_tag));
            let mut group = c.benchmark_group(format!("shallow_{label}_{status}"));
            group.bench_function("etag_actix_middleware", |b| {
                b.iter_custom(|iters| rt.block_on(async { run!(&theirs, their_tag, iters) }))
            });
            group.bench_function("shallow_etag", |b| {
                b.iter_custom(|iters| rt.block_on(async { run!(&ours, our_tag, iters) }))
            });
            group.finish();
            // Paired: the two layers alternate in short rounds, so that a change of load
            // hits both; the median of the per-round throughput ratios (ours / theirs).
            let per_round = if size > 10_000 {
                PER_ROUND / 10
            } else {
                PER_ROUND
            };
            let mut ratios: Vec<f64> = (0..ROUNDS)
                .map(|_| {
                    rt.block_on(async {
                        let t = run!(&theirs, their_tag, per_round);
                        let o = run!(&ours, our_tag, per_round);
                        t.as_secs_f64() / o.as_secs_f64()
                    })
                })
                .collect();
            ratios.sort_by(f64::total_cmp);
            let q = |f: f64| ratios[((ratios.len() - 1) as f64 * f) as usize];
            summary.push(format!(
                "  {label} {status}: ShallowEtag / etag-actix-middleware throughput {:.3}x [{:.3}, {:.3}] (bar >= 1.0x)",
                q(0.5),
                q(0.25),
                q(0.75)
            ));
        }
    }
    println!("paired throughput ratios ({ROUNDS} alternating rounds; median [quartiles]):");
    for line in summary {
        println!("{line}");
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = layers
}
criterion_main!(benches);
