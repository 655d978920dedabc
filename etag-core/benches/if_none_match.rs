//! If-None-Match: etag-core against actix-web's typed header, on the same raw header.
//!
//! Each group times, on one request built beforehand:
//! - `etag-core TagList`: `TagList::parse` + `weak_match` on the raw header value;
//! - `etag-core evaluate`: `Conditions::evaluate` for GET on the raw header value;
//! - `etag-core TagList + lookup`: the same as the first, plus finding the header in the
//!   request's header map (which actix-web's `parse` does inside);
//! - `actix-web IfNoneMatch`: `IfNoneMatch::parse(&req)` + `weak_eq` over its items;
//! - `headers IfNoneMatch`: hyperium/headers' `IfNoneMatch::decode` from the header value
//!   (an `http` 1 `HeaderValue` holding the same bytes, as hyper hands it over) +
//!   `precondition_passes`. Neither side looks the header up in a map. Decoding clones the
//!   value: for a value backed by shared bytes (`from_bytes`, and what hyper hands over),
//!   an atomic reference count;
//! - `headers IfNoneMatch (static)`: the same on a `HeaderValue::from_static`, whose clone
//!   costs nothing: the baseline at its fastest.
//!
//! Run: `cargo bench -p etag-core --bench if_none_match`.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;

use actix_web::HttpRequest;
use actix_web::http::header::{self, Header as _, IF_NONE_MATCH, IfNoneMatch};
use actix_web::test::TestRequest;
use criterion::{Criterion, criterion_group, criterion_main};
use etag_core::{Conditions, EntityTag, Method, Outcome, TagList, Validators};
use headers::Header as _;

const CURRENT: &str = "2jmj7l5rSw0yVb_vlWAYkK_YBwk";

const CASES: &[(&str, &str)] = &[
    ("1 tag", "\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\""),
    (
        "10 tags, match last",
        "\"TDKG_J_zAnfB_QxdsNxfk6sLgB0\", \"TDKG_J_zAnfB_QxdsNxfk6sLgB1\", \
         \"TDKG_J_zAnfB_QxdsNxfk6sLgB2\", \"TDKG_J_zAnfB_QxdsNxfk6sLgB3\", \
         \"TDKG_J_zAnfB_QxdsNxfk6sLgB4\", \"TDKG_J_zAnfB_QxdsNxfk6sLgB5\", \
         \"TDKG_J_zAnfB_QxdsNxfk6sLgB6\", \"TDKG_J_zAnfB_QxdsNxfk6sLgB7\", \
         \"TDKG_J_zAnfB_QxdsNxfk6sLgB8\", \"2jmj7l5rSw0yVb_vlWAYkK_YBwk\"",
    ),
    ("*", "*"),
];

fn ours_list(raw: &[u8], current: &EntityTag) -> bool {
    let lines = [raw];
    TagList::parse(&lines).is_ok_and(|list| list.weak_match(current))
}

fn ours_lookup(req: &HttpRequest, current: &EntityTag) -> bool {
    req.headers()
        .get(IF_NONE_MATCH)
        .is_some_and(|value| ours_list(value.as_bytes(), current))
}

fn ours_evaluate(raw: &[u8], current: &EntityTag) -> bool {
    let lines = [raw];
    let conditions = Conditions {
        if_none_match: &lines,
        ..Conditions::default()
    };
    let validators = Validators {
        etag: Some(current),
        last_modified: None,
    };
    conditions.evaluate(Method::Get, Some(validators)) == Outcome::NotModified
}

fn actix(req: &HttpRequest, current: &header::EntityTag) -> bool {
    match IfNoneMatch::parse(req) {
        Ok(IfNoneMatch::Any) => true,
        Ok(IfNoneMatch::Items(items)) => items.iter().any(|t| t.weak_eq(current)),
        Err(_) => false,
    }
}

fn hyperium(value: &headers::HeaderValue, current: &headers::ETag) -> bool {
    headers::IfNoneMatch::decode(&mut core::iter::once(value))
        .is_ok_and(|inm| !inm.precondition_passes(current))
}

fn bench(c: &mut Criterion) {
    let ours_current = EntityTag::strong(CURRENT).unwrap();
    let actix_current = header::EntityTag::new_strong(CURRENT.to_owned());
    let hyperium_current: headers::ETag = format!("\"{CURRENT}\"").parse().unwrap();
    for &(name, raw) in CASES {
        let req = TestRequest::default()
            .insert_header((IF_NONE_MATCH, raw))
            .to_http_request();
        let raw = req.headers().get(IF_NONE_MATCH).unwrap().as_bytes();
        // All agree before anything is timed.
        assert!(ours_list(raw, &ours_current), "{name}");
        assert!(ours_evaluate(raw, &ours_current), "{name}");
        assert!(ours_lookup(&req, &ours_current), "{name}");
        assert!(actix(&req, &actix_current), "{name}");
        let value = headers::HeaderValue::from_bytes(raw).unwrap();
        assert!(hyperium(&value, &hyperium_current), "{name}");
        let leaked: &'static [u8] = Vec::leak(raw.to_vec());
        let static_value = headers::HeaderValue::from_static(core::str::from_utf8(leaked).unwrap());
        assert!(hyperium(&static_value, &hyperium_current), "{name}");

        let mut group = c.benchmark_group(name);
        group.bench_function("etag-core TagList", |b| {
            b.iter(|| ours_list(black_box(raw), black_box(&ours_current)))
        });
        group.bench_function("etag-core evaluate", |b| {
            b.iter(|| ours_evaluate(black_box(raw), black_box(&ours_current)))
        });
        group.bench_function("etag-core TagList + lookup", |b| {
            b.iter(|| ours_lookup(black_box(&req), black_box(&ours_current)))
        });
        group.bench_function("actix-web IfNoneMatch", |b| {
            b.iter(|| actix(black_box(&req), black_box(&actix_current)))
        });
        group.bench_function("headers IfNoneMatch", |b| {
            b.iter(|| hyperium(black_box(&value), black_box(&hyperium_current)))
        });
        group.bench_function("headers IfNoneMatch (static)", |b| {
            b.iter(|| hyperium(black_box(&static_value), black_box(&hyperium_current)))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
