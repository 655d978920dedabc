//! The derive as re-exported by etag-actix: the generated code names `::etag_actix` only, so
//! a user who depends on etag-actix alone can derive. (This file never names `etag_core`.)

use etag_actix::{ETag, TagEncoder};

#[derive(ETag)]
#[etag(weak)]
struct Product {
    #[etag]
    id: u64,
    #[etag]
    version: u64,
    #[etag(last_modified)]
    updated: Option<std::time::SystemTime>,
}

#[test]
fn derives_through_etag_actix() {
    let product = Product {
        id: 1,
        version: 2,
        updated: None,
    };
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &1u64);
    by_hand.field("version", &2u64);
    assert_eq!(product.etag(), by_hand.finish_tag(true));
    assert_eq!(product.last_modified(), None);
}
