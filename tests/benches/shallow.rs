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

/// Measures requests through a fresh in-process app that wraps `layer` around a handler
/// returning `body`; `inm` chooses the 200 (`false`) or the 304 (`true`) path.
macro_rules! bench_layer {
    ($group:expr, $name:expr, $layer:expr, $body:expr, $inm:expr) => {{
        let rt = actix_web::rt::System::new();
        let body: Bytes = $body;
        let app = rt.block_on(test::init_service(App::new().wrap($layer).route(
            "/b",
            web::get().to(move || {
                let body = body.clone();
                async move {
                    HttpResponse::Ok()
                        .content_type("application/json")
                        .body(body)
                }
            }),
        )));
        // The tag this layer gives the body, for the 304 path.
        let first = rt.block_on(test::call_service(
            &app,
            test::TestRequest::get().uri("/b").to_request(),
        ));
        assert_eq!(first.status(), 200);
        let tag = first.headers().get(header::ETAG).unwrap().clone();
        let check = rt.block_on(test::call_service(
            &app,
            test::TestRequest::get()
                .uri("/b")
                .insert_header((header::IF_NONE_MATCH, tag.clone()))
                .to_request(),
        ));
        assert_eq!(check.status(), 304, "{}", $name);
        let inm: bool = $inm;
        $group.bench_function($name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let mut req = test::TestRequest::get().uri("/b");
                        if inm {
                            req = req.insert_header((header::IF_NONE_MATCH, tag.clone()));
                        }
                        let res = test::call_service(&app, req.to_request()).await;
                        black_box(actix_web::body::to_bytes(res.into_body()).await.ok());
                    }
                    start.elapsed()
                })
            })
        });
    }};
}

fn layers(c: &mut Criterion) {
    for (size, label) in [(1024, "1KB"), (100 * 1024, "100KB")] {
        for (inm, status) in [(false, "200"), (true, "304")] {
            let mut group = c.benchmark_group(format!("shallow_{label}_{status}"));
            bench_layer!(
                group,
                "etag_actix_middleware",
                etag_actix_middleware::ETag::strong(),
                body_of(size),
                inm
            );
            bench_layer!(
                group,
                "shallow_etag",
                etag_actix::ShallowEtag::new(),
                body_of(size),
                inm
            );
            group.finish();
        }
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
