//! `Tagged` end to end in process (`init_service` + `call_service`): the 304 path against a
//! bare handler returning a fixed 304, and the 200 path against plain `web::Json`.
//!
//! Bars (DESIGN §6): Tagged 304 >= 0.95x the bare 304's throughput; Tagged 200 >= 0.95x
//! `web::Json`'s. Compare the `time` estimates of each group from one run.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod actix_common;
use actix_common as common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use actix_web::http::header;
use actix_web::{App, test, web};
use criterion::{Criterion, criterion_group, criterion_main};

use common::{bare_304, plain_json, product_tag, tagged};

/// Measures `iters` requests through a fresh in-process app serving `handler` at `/p`.
macro_rules! bench_app {
    ($group:expr, $name:expr, $handler:expr, $request:expr) => {{
        let rt = actix_web::rt::System::new();
        let app = rt.block_on(test::init_service(
            App::new().route("/p", web::get().to($handler)),
        ));
        let make = $request;
        $group.bench_function($name, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let start = Instant::now();
                    for _ in 0..iters {
                        let res = test::call_service(&app, make()).await;
                        black_box(actix_web::body::to_bytes(res.into_body()).await.ok());
                    }
                    start.elapsed()
                })
            })
        });
    }};
}

fn not_modified(c: &mut Criterion) {
    let tag = product_tag();
    let request = move || {
        let tag = tag.clone();
        move || {
            test::TestRequest::get()
                .uri("/p")
                .insert_header((header::IF_NONE_MATCH, tag.clone()))
                .to_request()
        }
    };
    let mut group = c.benchmark_group("actix_304");
    bench_app!(group, "bare_fixed_304", bare_304, request());
    bench_app!(group, "tagged_304", tagged, request());
    group.finish();
}

fn full(c: &mut Criterion) {
    let request = || || test::TestRequest::get().uri("/p").to_request();
    let mut group = c.benchmark_group("actix_200");
    bench_app!(group, "web_json", plain_json, request());
    bench_app!(group, "tagged_200", tagged, request());
    group.finish();
}

/// The pieces of the 304 path, outside the service stack.
fn parts(c: &mut Criterion) {
    use actix_web::Responder as _;
    use etag_actix::{Conditions, ETag, Method, Tagged, Validators};

    let tag = product_tag();
    let current = common::PRODUCT.etag();
    let mut group = c.benchmark_group("actix_304_parts");
    group.bench_function("derived_etag", |b| {
        b.iter(|| black_box(&*common::PRODUCT).etag())
    });
    group.bench_function("evaluate", |b| {
        b.iter(|| {
            let lines: &[&[u8]] = &[black_box(tag.as_bytes())];
            let conditions = Conditions {
                if_none_match: lines,
                ..Conditions::default()
            };
            let validators = Validators {
                etag: Some(&current),
                last_modified: None,
            };
            conditions.evaluate(Method::Get, Some(validators))
        })
    });
    let req = test::TestRequest::get()
        .insert_header((header::IF_NONE_MATCH, tag.clone()))
        .to_http_request();
    group.bench_function("tagged_respond_to_304", |b| {
        b.iter(|| Tagged::new(black_box(&*common::PRODUCT)).respond_to(&req))
    });
    group.bench_function("bare_respond_to_304", |b| {
        b.iter(|| {
            actix_web::HttpResponse::NotModified()
                .finish()
                .respond_to(&req)
        })
    });
    group.finish();

    let plain = test::TestRequest::get().to_http_request();
    let mut group = c.benchmark_group("actix_200_parts");
    group.bench_function("tagged_respond_to_200", |b| {
        b.iter(|| Tagged::new(black_box(&*common::PRODUCT)).respond_to(&plain))
    });
    group.bench_function("json_respond_to_200", |b| {
        b.iter(|| web::Json(black_box(&*common::PRODUCT)).respond_to(&plain))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(60)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(6));
    targets = not_modified, full, parts
}
criterion_main!(benches);
