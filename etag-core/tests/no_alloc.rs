//! Evaluating conditional requests performs no heap allocation.
//!
//! `dhat` provides the counting global allocator (implementing `GlobalAlloc` needs
//! `unsafe`, which this workspace forbids in its own code). Everything this test measures
//! runs in one `#[test]`, because the process has one allocator and one profiler.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::{
    Conditions, EntityTag, HttpDate, Method, Outcome, RangeDecision, TagList, Validators,
    parse_http_date,
};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

const TEN_MATCH_LAST: &[u8] =
    b"\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"xyzzy-v1\"";

/// Runs `f` a few times and returns how many heap blocks it allocated.
fn allocations<R>(mut f: impl FnMut() -> R) -> u64 {
    let before = dhat::HeapStats::get().total_blocks;
    for _ in 0..16 {
        black_box(f());
    }
    dhat::HeapStats::get().total_blocks - before
}

#[test]
fn evaluation_does_not_allocate() {
    let _profiler = dhat::Profiler::builder().testing().build();

    let tag = EntityTag::strong("xyzzy-v1").unwrap();
    let modified = UNIX_EPOCH + Duration::from_millis(784_111_777_250);
    let current = Some(Validators {
        etag: Some(&tag),
        last_modified: Some(modified),
    });
    let proceed = Outcome::Proceed(RangeDecision::NotRequested);

    let cases: Vec<(&str, Method, Conditions<'_>, Outcome)> = vec![
        (
            "If-None-Match, 1 tag",
            Method::Get,
            Conditions {
                if_none_match: &[b"\"xyzzy-v1\""],
                ..Conditions::default()
            },
            Outcome::NotModified,
        ),
        (
            "If-None-Match, 10 tags, match last",
            Method::Get,
            Conditions {
                if_none_match: &[TEN_MATCH_LAST],
                ..Conditions::default()
            },
            Outcome::NotModified,
        ),
        (
            "If-None-Match: *",
            Method::Head,
            Conditions {
                if_none_match: &[b"*"],
                ..Conditions::default()
            },
            Outcome::NotModified,
        ),
        (
            "If-None-Match, no match",
            Method::Get,
            Conditions {
                if_none_match: &[b"W/\"a\", \"b\"", b"\"c\""],
                ..Conditions::default()
            },
            proceed,
        ),
        (
            "If-Match, match",
            Method::Put,
            Conditions {
                if_match: &[b"\"a\", \"xyzzy-v1\""],
                ..Conditions::default()
            },
            proceed,
        ),
        (
            "If-Match, mismatch",
            Method::Delete,
            Conditions {
                if_match: &[b"\"a\""],
                ..Conditions::default()
            },
            Outcome::PreconditionFailed(etag_core::Header::IfMatch),
        ),
        (
            "If-Modified-Since, IMF-fixdate",
            Method::Get,
            Conditions {
                if_modified_since: &[b"Sun, 06 Nov 1994 08:49:37 GMT"],
                ..Conditions::default()
            },
            Outcome::NotModified,
        ),
        (
            "If-Modified-Since, RFC 850",
            Method::Get,
            Conditions {
                if_modified_since: &[b"Sunday, 06-Nov-94 08:49:37 GMT"],
                ..Conditions::default()
            },
            Outcome::NotModified,
        ),
        (
            "If-Modified-Since, asctime",
            Method::Get,
            Conditions {
                if_modified_since: &[b"Sun Nov  6 08:49:37 1994"],
                ..Conditions::default()
            },
            Outcome::NotModified,
        ),
        (
            "If-Unmodified-Since",
            Method::Put,
            Conditions {
                if_unmodified_since: &[b"Sun, 06 Nov 1994 08:49:36 GMT"],
                ..Conditions::default()
            },
            Outcome::PreconditionFailed(etag_core::Header::IfUnmodifiedSince),
        ),
        (
            "If-Range, date",
            Method::Get,
            Conditions {
                if_range: &[b"Sun, 06 Nov 1994 08:49:37 GMT"],
                range: true,
                ..Conditions::default()
            },
            Outcome::Proceed(RangeDecision::Apply),
        ),
        (
            "If-Range, tag",
            Method::Get,
            Conditions {
                if_range: &[b"\"other\""],
                range: true,
                ..Conditions::default()
            },
            Outcome::Proceed(RangeDecision::Full),
        ),
    ];

    let bad = Conditions {
        if_none_match: &[b"\"a\" \"b\""],
        ..Conditions::default()
    };
    let Outcome::BadRequest(_) = bad.evaluate(Method::Put, current) else {
        panic!("expected 400");
    };

    let mut report = Vec::new();
    for (name, method, conditions, expected) in &cases {
        assert_eq!(conditions.evaluate(*method, current), *expected, "{name}");
        let n = allocations(|| black_box(conditions).evaluate(*method, black_box(current)));
        let v = allocations(|| black_box(conditions).validate(*method));
        report.push((*name, n + v));
    }
    report.push((
        "malformed If-None-Match on PUT (400)",
        allocations(|| black_box(&bad).evaluate(Method::Put, current)),
    ));
    report.push((
        "TagList::parse + weak_match",
        allocations(|| {
            TagList::parse(black_box(&[TEN_MATCH_LAST])).map(|list| list.weak_match(&tag))
        }),
    ));
    report.push((
        "parse_http_date",
        allocations(|| parse_http_date(black_box(b"Sunday, 06-Nov-94 08:49:37 GMT"))),
    ));
    report.push((
        "HttpDate::new",
        allocations(|| HttpDate::new(black_box(modified))),
    ));
    report.push((
        "Conditions::write_guard",
        allocations(|| {
            let c = Conditions {
                if_none_match: &[b"*"],
                if_unmodified_since: &[b"Sat, 01 Jan 1966 00:00:00 GMT"],
                ..Conditions::default()
            };
            black_box(c).write_guard()
        }),
    ));
    report.push((
        "no current representation",
        allocations(|| black_box(&cases[4].2).evaluate(Method::Put, None::<Validators<'_>>)),
    ));

    // The check itself is sound: an allocating closure is seen.
    let seen = allocations(|| SystemTime::now().elapsed().map(|d| vec![d]));
    assert!(seen >= 16, "the counting allocator sees nothing ({seen})");

    let allocating: Vec<_> = report.iter().filter(|(_, n)| *n != 0).collect();
    assert!(allocating.is_empty(), "allocations: {allocating:?}");
}
