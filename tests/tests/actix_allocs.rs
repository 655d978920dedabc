//! Heap allocations of the `Tagged` 304 path against a bare handler returning a fixed 304,
//! counted with dhat (testing mode) as the global allocator. One test only: the profiler is
//! global to the process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::header;
use actix_web::{App, HttpResponse, test, web};
use etag_actix::{ETag, Tagged};
use serde::Serialize;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

#[derive(Serialize, ETag)]
struct Product {
    #[etag]
    id: u64,
    #[etag]
    version: u64,
    name: String,
}

static PRODUCT: std::sync::LazyLock<Product> = std::sync::LazyLock::new(|| Product {
    id: 1,
    version: 2,
    name: "Widget".into(),
});

async fn bare() -> HttpResponse {
    HttpResponse::NotModified().finish()
}

async fn tagged() -> Tagged<&'static Product> {
    Tagged::new(&*PRODUCT)
}

/// Allocations per request through `app`, requests built beforehand, after a warm-up.
macro_rules! per_request {
    ($app:expr, $tag:expr) => {{
        let make = || {
            test::TestRequest::get()
                .uri("/")
                .insert_header((header::IF_NONE_MATCH, $tag.to_owned()))
                .to_request()
        };
        for _ in 0..20 {
            let res = test::call_service(&$app, make()).await;
            assert_eq!(res.status(), 304);
        }
        let requests: Vec<_> = (0..100).map(|_| make()).collect();
        let before = dhat::HeapStats::get().total_blocks;
        for req in requests {
            drop(test::call_service(&$app, req).await);
        }
        (dhat::HeapStats::get().total_blocks - before) / 100
    }};
}

#[actix_web::test]
async fn tagged_304_allocates_only_the_tag_and_its_header() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let tag = PRODUCT.etag().to_string();
    let bare_app = test::init_service(App::new().route("/", web::get().to(bare))).await;
    let tagged_app = test::init_service(App::new().route("/", web::get().to(tagged))).await;
    let bare = per_request!(bare_app, tag);
    let tagged = per_request!(tagged_app, tag);
    // `ETag::etag()` returns an owned tag (one allocation) and the `ETag` header value
    // needs its bytes (one more); evaluation, the 304 and its other headers allocate nothing.
    assert!(tagged <= bare + 2, "bare {bare}, tagged {tagged}");
}
