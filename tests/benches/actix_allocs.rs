//! Heap allocations per request (dhat in testing mode as the global allocator): the
//! `Tagged` 304 path against a bare handler returning a fixed 304, and the 200 path
//! against plain `web::Json`. Prints the figures; run with `cargo bench --bench actix_allocs`.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod actix_common;
use actix_common as common;

use actix_web::http::header;
use actix_web::{App, test, web};

use common::{bare_304, plain_json, product_tag, tagged};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const REQUESTS: u64 = 1000;

/// Allocations and bytes per request for `handler`, requests built beforehand.
macro_rules! measure {
    ($rt:expr, $handler:expr, $tag:expr) => {{
        $rt.block_on(async {
            let app = test::init_service(App::new().route("/p", web::get().to($handler))).await;
            let make = || {
                let req = test::TestRequest::get().uri("/p");
                match $tag {
                    Some(tag) => req.insert_header((header::IF_NONE_MATCH, tag)),
                    None => req,
                }
                .to_request()
            };
            for _ in 0..100 {
                drop(test::call_service(&app, make()).await);
            }
            let requests: Vec<_> = (0..REQUESTS).map(|_| make()).collect();
            let before = dhat::HeapStats::get();
            for req in requests {
                let res = test::call_service(&app, req).await;
                let status = res.status();
                drop(res);
                std::hint::black_box(status);
            }
            let after = dhat::HeapStats::get();
            (
                (after.total_blocks - before.total_blocks) as f64 / REQUESTS as f64,
                (after.total_bytes - before.total_bytes) as f64 / REQUESTS as f64,
            )
        })
    }};
}

/// Allocations made by `f`.
fn count<R>(f: impl FnOnce() -> R) -> (u64, R) {
    let before = dhat::HeapStats::get().total_blocks;
    let out = f();
    (dhat::HeapStats::get().total_blocks - before, out)
}

fn main() {
    use etag_actix::{Conditions, ETag, Method, Validators};

    let _profiler = dhat::Profiler::builder().testing().build();
    let rt = actix_web::rt::System::new();
    let tag = product_tag();

    // Where the Tagged 304's extra allocations come from.
    let (etag_allocs, current) = count(|| common::PRODUCT.etag());
    let lines: &[&[u8]] = &[tag.as_bytes()];
    let conditions = Conditions {
        if_none_match: lines,
        ..Conditions::default()
    };
    let validators = Validators {
        etag: Some(&current),
        last_modified: None,
    };
    let (eval_allocs, outcome) = count(|| conditions.evaluate(Method::Get, Some(validators)));

    let rows = [
        ("bare fixed 304", measure!(rt, bare_304, Some(tag.clone()))),
        ("Tagged 304", measure!(rt, tagged, Some(tag.clone()))),
        ("web::Json 200", measure!(rt, plain_json, None::<String>)),
        ("Tagged 200", measure!(rt, tagged, None::<String>)),
    ];
    println!("heap allocations per request (call_service + drop, {REQUESTS} requests):");
    for (name, (blocks, bytes)) in rows {
        println!("  {name:<16} {blocks:>6.2} allocations  {bytes:>8.1} bytes");
    }
    println!(
        "  of which: ETag::etag() {etag_allocs}, Conditions::evaluate {eval_allocs} ({outcome:?})"
    );
}
