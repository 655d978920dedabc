//! A bounded fuzz pass on stable Rust, driven by proptest.
//!
//! Inputs are arbitrary bytes and, structure-aware, valid lists and dates with bytes
//! flipped, inserted and deleted. Invariants: nothing panics; whatever parses re-formats to
//! text that parses to the same thing; lists parse as the reference splitter of
//! `reference/mod.rs` reads them; `evaluate` answers only what its method allows, what the
//! reference evaluator answers, and agrees with `validate`.
//!
//! `cargo test` runs 2,000 cases per target. A long pass:
//!
//! ```text
//! ETAG_FUZZ_CASES=1000000 cargo test -p etag-core --release --test fuzz
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::{
    Conditions, EntityTag, EntityTagRef, Header, Method, Outcome, RangeDecision, TagList,
    Validators, format_http_date, parse_http_date,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use reference::Answer;

mod reference;

fn cases() -> u32 {
    std::env::var("ETAG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
        .unwrap_or(2_000)
}

fn run<S: Strategy>(name: &str, strategy: S, test: impl Fn(S::Value) -> Result<(), TestCaseError>)
where
    S::Value: std::fmt::Debug,
{
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        // Shrinking a long pass can take long; a failing input is printed either way.
        max_shrink_iters: 4_096,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{name}: {e}");
    }
}

// --- inputs ----------------------------------------------------------------------------

/// A valid list, as text: tags (some with commas, spaces around, non-ASCII), empty
/// elements, or `*`.
fn valid_list() -> impl Strategy<Value = Vec<u8>> {
    let pieces = proptest::collection::vec(
        prop_oneof![
            Just(b"a".to_vec()),
            Just(b"Z9".to_vec()),
            Just(b",".to_vec()),
            Just(b"!#~/".to_vec()),
            Just("\u{e9}".as_bytes().to_vec()),
            Just(b"\xff".to_vec()),
        ],
        0..5,
    )
    .prop_map(|p| p.concat());
    // Often exactly one of the tags `state` uses, so that lists match.
    let known = prop_oneof![
        Just(b"".to_vec()),
        Just(b"a".to_vec()),
        Just(b"a,".to_vec()),
        Just("\u{e9}".as_bytes().to_vec()),
        Just(b"Z9".to_vec()),
    ];
    let opaque = prop_oneof![known, pieces];
    let element = (any::<bool>(), opaque).prop_map(|(weak, o)| {
        let mut t = if weak {
            b"W/\"".to_vec()
        } else {
            b"\"".to_vec()
        };
        t.extend_from_slice(&o);
        t.push(b'"');
        t
    });
    let sep = prop_oneof![
        Just(&b","[..]),
        Just(&b", "[..]),
        Just(&b" ,\t"[..]),
        Just(&b", ,"[..])
    ];
    prop_oneof![
        1 => Just(b"*".to_vec()),
        8 => proptest::collection::vec((element, sep), 0..6).prop_map(|parts| {
            let mut out = Vec::new();
            for (e, s) in parts {
                out.extend_from_slice(&e);
                out.extend_from_slice(s);
            }
            out
        }),
    ]
}

fn valid_date() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"Sun, 06 Nov 1994 08:49:37 GMT".to_vec()),
        Just(b"Sunday, 06-Nov-94 08:49:37 GMT".to_vec()),
        Just(b"Sun Nov  6 08:49:37 1994".to_vec()),
        (0..253_402_300_800u64)
            .prop_map(|s| format_http_date(UNIX_EPOCH + Duration::from_secs(s)).into_bytes()),
    ]
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip(usize, u8),
    Insert(usize, u8),
    Delete(usize),
}

fn mutation_byte() -> impl Strategy<Value = u8> {
    prop_oneof![
        Just(b'"'),
        Just(b','),
        Just(b' '),
        Just(b'*'),
        Just(b'W'),
        Just(b'w'),
        Just(b'/'),
        Just(b'\t'),
        any::<u8>(),
    ]
}

fn mutations() -> impl Strategy<Value = Vec<Mutation>> {
    let mutation = prop_oneof![
        (any::<usize>(), mutation_byte()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), mutation_byte()).prop_map(|(i, b)| Mutation::Insert(i, b)),
        any::<usize>().prop_map(Mutation::Delete),
    ];
    proptest::collection::vec(mutation, 1..5)
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        match *m {
            Mutation::Flip(i, b) if !bytes.is_empty() => {
                let i = i % bytes.len();
                bytes[i] = b;
            }
            Mutation::Insert(i, b) => bytes.insert(i % (bytes.len() + 1), b),
            Mutation::Delete(i) if !bytes.is_empty() => {
                bytes.remove(i % bytes.len());
            }
            _ => {}
        }
    }
    bytes
}

/// A header line: random bytes, a valid list or date, or a mutated one.
fn line() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..40),
        2 => valid_list(),
        1 => valid_date(),
        4 => (valid_list(), mutations()).prop_map(|(l, m)| mutate(l, &m)),
        1 => (valid_date(), mutations()).prop_map(|(d, m)| mutate(d, &m)),
    ]
}

fn lines() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop_oneof![
        // Mostly absent, so that the later steps are reached often.
        6 => Just(Vec::new()),
        4 => proptest::collection::vec(line(), 1..2),
        1 => proptest::collection::vec(line(), 2..4),
    ]
}

fn method() -> impl Strategy<Value = Method> {
    prop_oneof![
        Just(b"GET".as_slice()),
        Just(b"HEAD".as_slice()),
        Just(b"POST".as_slice()),
        Just(b"PUT".as_slice()),
        Just(b"PATCH".as_slice()),
        Just(b"DELETE".as_slice()),
        Just(b"OPTIONS".as_slice()),
        Just(b"CONNECT".as_slice()),
        Just(b"TRACE".as_slice()),
        Just(b"PROPFIND".as_slice()),
    ]
    .prop_map(Method::from_bytes)
}

fn state() -> impl Strategy<Value = Option<(Option<EntityTag>, Option<SystemTime>)>> {
    let tag = prop_oneof![
        Just("\"\""),
        Just("\"a\""),
        Just("W/\"a\""),
        Just("\"a,\""),
        Just("\"\u{e9}\""),
        Just("W/\"Z9\""),
    ]
    .prop_map(|t| t.parse::<EntityTag>().unwrap());
    let time = prop_oneof![
        Just(UNIX_EPOCH + Duration::from_secs(784_111_777)),
        Just(UNIX_EPOCH + Duration::from_millis(784_111_777_500)),
        (0..300_000_000_000u64).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s)),
        Just(UNIX_EPOCH - Duration::from_secs(1)),
    ];
    proptest::option::of((proptest::option::of(tag), proptest::option::of(time)))
}

fn as_slices(lines: &[Vec<u8>]) -> Vec<&[u8]> {
    lines.iter().map(Vec::as_slice).collect()
}

// --- invariants --------------------------------------------------------------------------

fn header_form(tag: EntityTagRef<'_>) -> Vec<u8> {
    let mut out = if tag.is_weak() {
        b"W/\"".to_vec()
    } else {
        b"\"".to_vec()
    };
    out.extend_from_slice(tag.opaque());
    out.push(b'"');
    out
}

fn check_list(lines: &[&[u8]]) -> Result<(), TestCaseError> {
    let parsed = TagList::parse(lines);
    prop_assert_eq!(
        parsed.is_ok(),
        reference::list(lines).is_some(),
        "{:?}",
        parsed
    );
    let Ok(list) = parsed else {
        return Ok(());
    };
    let tags: Vec<EntityTagRef<'_>> = list.iter().collect();
    let reformatted = if list.is_any() {
        b"*".to_vec()
    } else {
        tags.iter()
            .map(|&t| header_form(t))
            .collect::<Vec<_>>()
            .join(&b", "[..])
    };
    let again = [reformatted.as_slice()];
    let reparsed = TagList::parse(&again).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(reparsed.is_any(), list.is_any());
    prop_assert_eq!(reparsed.iter().collect::<Vec<_>>(), tags);
    Ok(())
}

fn check_tag(bytes: &[u8]) -> Result<(), TestCaseError> {
    let parsed = EntityTagRef::parse(bytes);
    if let Ok(tag) = parsed {
        let text = header_form(tag);
        prop_assert_eq!(EntityTagRef::parse(&text), Ok(tag));
        // One valid tag is a valid one-element list.
        let lines = [bytes];
        let list = TagList::parse(&lines).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(list.iter().collect::<Vec<_>>(), vec![tag]);
        if let Ok(owned) = EntityTag::parse(bytes) {
            prop_assert_eq!(owned.as_ref(), tag);
            prop_assert_eq!(owned.to_string().into_bytes(), text);
        }
    } else {
        prop_assert!(EntityTag::parse(bytes).is_err());
    }
    Ok(())
}

fn check_date(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(t) = parse_http_date(bytes) {
        let text = format_http_date(t);
        prop_assert_eq!(parse_http_date(text.as_bytes()), Ok(t));
    }
    Ok(())
}

/// Whether `outcome` is an answer `evaluate` may give for this method and these headers.
fn allowed(m: Method, c: &Conditions<'_>, exists: bool, outcome: Outcome) -> bool {
    use Header::{IfMatch, IfNoneMatch, IfUnmodifiedSince};
    if !m.evaluates_preconditions() {
        return outcome == Outcome::Proceed(RangeDecision::NotRequested);
    }
    match outcome {
        Outcome::Proceed(RangeDecision::NotRequested) => !(m == Method::Get && c.range),
        Outcome::Proceed(_) => m == Method::Get && c.range,
        Outcome::NotModified => m.is_get_or_head() && exists,
        Outcome::PreconditionFailed(IfMatch) => !c.if_match.is_empty(),
        Outcome::PreconditionFailed(IfUnmodifiedSince) => {
            c.if_match.is_empty() && exists && c.if_unmodified_since.len() == 1
        }
        Outcome::PreconditionFailed(IfNoneMatch) => {
            !m.is_get_or_head() && exists && !c.if_none_match.is_empty()
        }
        Outcome::PreconditionFailed(_) => false,
        Outcome::BadRequest(bad) => match bad.header() {
            IfMatch => !c.if_match.is_empty(),
            IfNoneMatch => !m.is_get_or_head() && !c.if_none_match.is_empty(),
            _ => false,
        },
    }
}

type Input = (
    Method,
    [Vec<Vec<u8>>; 5],
    bool,
    Option<(Option<EntityTag>, Option<SystemTime>)>,
);

fn check_evaluate((m, headers, range, state): Input) -> Result<(), TestCaseError> {
    let [im, inm, ims, ius, ir] = headers.each_ref().map(|h| as_slices(h));
    let c = Conditions {
        if_match: &im,
        if_none_match: &inm,
        if_modified_since: &ims,
        if_unmodified_since: &ius,
        if_range: &ir,
        range,
    };
    let current = state.as_ref().map(|(etag, last_modified)| Validators {
        etag: etag.as_ref(),
        last_modified: *last_modified,
    });
    let outcome = c.evaluate(m, current);
    prop_assert!(
        allowed(m, &c, current.is_some(), outcome),
        "{m:?} may not answer {outcome:?}"
    );
    // The same answer as the reference reading of §13.2.2.
    let answer = match outcome {
        Outcome::Proceed(range) => Answer::Proceed(range),
        Outcome::NotModified => Answer::NotModified,
        Outcome::PreconditionFailed(header) => Answer::Failed(header),
        Outcome::BadRequest(bad) => Answer::Bad(bad.header()),
    };
    let state = state.as_ref().map(|(etag, time)| (etag.as_ref(), *time));
    prop_assert_eq!(answer, reference::evaluate(m, &c, state));
    // The 400s of `evaluate` are exactly those of `validate`.
    match (outcome, c.validate(m)) {
        (Outcome::BadRequest(a), Err(b)) => prop_assert_eq!(a, b),
        (Outcome::BadRequest(_), Ok(())) | (_, Err(_)) => {
            prop_assert!(false, "validate disagrees with {outcome:?}")
        }
        _ => {}
    }
    Ok(())
}

// --- targets ----------------------------------------------------------------------------

#[test]
fn fuzz_tag_list() {
    run(
        "tag list",
        proptest::collection::vec(line(), 0..4),
        |lines| check_list(&as_slices(&lines)),
    );
}

#[test]
fn fuzz_entity_tag() {
    run("entity tag", line(), |bytes| check_tag(&bytes));
}

#[test]
fn fuzz_http_date() {
    run("http date", line(), |bytes| check_date(&bytes));
}

#[test]
fn fuzz_evaluate() {
    let headers = [lines(), lines(), lines(), lines(), lines()];
    run(
        "evaluate",
        (method(), headers, any::<bool>(), state()),
        check_evaluate,
    );
}
