//! Heap allocations of `TaggedCompress` on hostile `If-None-Match` lists: stripping the
//! coding suffixes costs a bounded number of allocations, not one per member. dhat (testing
//! mode) as the global allocator; one test only, as the profiler is global to the process.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use actix_web::http::header;
use actix_web::{App, test};
use etag_actix::{EntityTag, Tagged, TaggedCompress, get_or_head};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

async fn show() -> Tagged<&'static str> {
    Tagged::with_etag("a body", EntityTag::strong("current").unwrap())
}

/// A list of `n` gzip-suffixed tags that match nothing, then the current one's gzip tag.
fn list(n: usize) -> String {
    let mut list: Vec<String> = (0..n).map(|i| format!("\"old{i}.gzip\"")).collect();
    list.push("\"current.gzip\"".to_owned());
    list.join(", ")
}

#[actix_web::test]
async fn stripping_a_long_list_allocates_no_more_than_a_short_one() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/", get_or_head().to(show)),
    )
    .await;
    let mut per_request = Vec::new();
    for n in [10, 1_000] {
        let value = list(n);
        let make = || {
            test::TestRequest::get()
                .insert_header((header::ACCEPT_ENCODING, "gzip"))
                .insert_header((header::IF_NONE_MATCH, value.clone()))
                .to_request()
        };
        for _ in 0..5 {
            let res = test::call_service(&app, make()).await;
            assert_eq!(res.status(), 304);
            assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"current.gzip\"");
        }
        let requests: Vec<_> = (0..20).map(|_| make()).collect();
        let before = dhat::HeapStats::get().total_blocks;
        for req in requests {
            drop(test::call_service(&app, req).await);
        }
        per_request.push((dhat::HeapStats::get().total_blocks - before) / 20);
    }
    let (short, long) = (per_request[0], per_request[1]);
    // The rewritten line and the members' codings: one buffer each, whatever the length.
    assert!(
        long <= short,
        "10 members: {short} allocations, 1,000: {long}"
    );
}
