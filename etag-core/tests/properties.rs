//! Property tests: round trips of the tag grammar, the comparison laws, the list parser
//! against a reference splitter, and "never panics" for the parsers on arbitrary bytes. The
//! evaluator's properties (against a reference evaluator, and agreeing with `validate`)
//! are in `fuzz.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::{EntityTag, EntityTagRef, TagList, format_http_date, parse_http_date};
use proptest::prelude::*;
use reference::List;

mod reference;

/// One `etagc` character: `!`, `#`..`~`, or any non-ASCII character (whose UTF-8 bytes are
/// all `obs-text`).
fn etagc() -> impl Strategy<Value = char> {
    prop_oneof![
        Just('!'),
        proptest::char::range('#', '~'),
        any::<char>().prop_filter("non-ASCII", |c| !c.is_ascii()),
    ]
}

fn opaque() -> impl Strategy<Value = String> {
    proptest::collection::vec(etagc(), 0..24).prop_map(|chars| chars.into_iter().collect())
}

fn tag() -> impl Strategy<Value = EntityTag> {
    (any::<bool>(), opaque()).prop_map(|(weak, opaque)| EntityTag::new(weak, &opaque).unwrap())
}

/// A second tag related to `a`: itself, its other-weakness twin, or an unrelated one.
fn tag_pair() -> impl Strategy<Value = (EntityTag, EntityTag)> {
    (tag(), tag(), 0..3u8).prop_map(|(a, other, how)| {
        let b = match how {
            0 => a.clone(),
            1 => EntityTag::new(!a.is_weak(), a.opaque()).unwrap(),
            _ => other,
        };
        (a, b)
    })
}

/// Byte strings biased towards the grammar, so that parsers get past their first byte.
fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    let fragment = prop_oneof![
        Just(b"\"".to_vec()),
        Just(b"W/".to_vec()),
        Just(b"w/".to_vec()),
        Just(b"*".to_vec()),
        Just(b",".to_vec()),
        Just(b" ".to_vec()),
        Just(b"\t".to_vec()),
        Just(b"v1".to_vec()),
        Just(b"\"v1\"".to_vec()),
        Just(b"\xc3\xa9".to_vec()),
        Just(b"\xff".to_vec()),
        Just(b"Sun, 06 Nov 1994 08:49:37 GMT".to_vec()),
        Just(b"Sunday, 06-Nov-94 08:49:37 GMT".to_vec()),
        Just(b"Sun Nov  6 08:49:37 1994".to_vec()),
        proptest::collection::vec(any::<u8>(), 0..8),
    ];
    proptest::collection::vec(fragment, 0..8).prop_map(|parts| parts.concat())
}

fn lines() -> impl Strategy<Value = Vec<Vec<u8>>> {
    proptest::collection::vec(header_bytes(), 0..3)
}

/// Any time from 200 years before the epoch to far beyond the year 9999.
fn time() -> impl Strategy<Value = SystemTime> {
    (any::<bool>(), 0..400_000_000_000u64, 0..1_000_000_000u32).prop_map(|(before, s, n)| {
        let d = Duration::new(s, n);
        if before {
            UNIX_EPOCH - d.min(Duration::from_secs(6_000_000_000))
        } else {
            UNIX_EPOCH + d
        }
    })
}

fn as_slices(lines: &[Vec<u8>]) -> Vec<&[u8]> {
    lines.iter().map(Vec::as_slice).collect()
}

/// The separators a list may use between two elements: commas, whitespace, empty elements,
/// or a new header line (`None`).
fn separator() -> impl Strategy<Value = Option<&'static str>> {
    prop_oneof![
        Just(Some(",")),
        Just(Some(", ")),
        Just(Some(" ,")),
        Just(Some("\t,\t")),
        Just(Some(",,")),
        Just(Some(", ,")),
        Just(Some(" , , ")),
        Just(None),
    ]
}

fn edge() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just(""), Just(" "), Just(","), Just(" , "), Just(",,\t")]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn display_parse_round_trip(t in tag()) {
        let text = t.to_string();
        prop_assert_eq!(text.parse::<EntityTag>().unwrap(), t.clone());
        let borrowed = EntityTagRef::parse(text.as_bytes()).unwrap();
        prop_assert_eq!(borrowed.is_weak(), t.is_weak());
        prop_assert_eq!(borrowed.opaque(), t.opaque().as_bytes());
        prop_assert_eq!(borrowed, t.as_ref());
    }

    #[test]
    fn comparison_laws((a, b) in tag_pair()) {
        prop_assert_eq!(a.strong_eq(&b), b.strong_eq(&a));
        prop_assert_eq!(a.weak_eq(&b), b.weak_eq(&a));
        if a.strong_eq(&b) {
            prop_assert!(a.weak_eq(&b));
        }
        prop_assert!(a.weak_eq(&a));
        prop_assert_eq!(a.strong_eq(&a), !a.is_weak());
        prop_assert_eq!(a.weak_eq(&b), a.opaque() == b.opaque());
        // The borrowed forms, parsed from the header text, against the definitions read
        // off that text: strong needs two strong tags with equal text; weak compares the
        // text without `W/`.
        let (ta, tb) = (a.to_string(), b.to_string());
        let (ra, rb) = (EntityTagRef::parse(ta.as_bytes()).unwrap(), EntityTagRef::parse(tb.as_bytes()).unwrap());
        let unweak = |t: &str| t.strip_prefix("W/").unwrap_or(t).to_owned();
        prop_assert_eq!(ra.strong_eq(rb), !ta.starts_with("W/") && ta == tb);
        prop_assert_eq!(ra.weak_eq(rb), unweak(&ta) == unweak(&tb));
        prop_assert_eq!(a.strong_eq(&b), !ta.starts_with("W/") && ta == tb);
    }

    /// `TagList` against the reference splitter (commas outside quotes, then each element
    /// checked whole): the same lists are valid, with the same tags.
    #[test]
    fn list_parse_agrees_with_the_reference(lines in lines()) {
        let lines = as_slices(&lines);
        let parsed = TagList::parse(&lines);
        match (parsed, reference::list(&lines)) {
            (Ok(list), Some(expected)) => {
                let count = list.iter().count();
                prop_assert!(!(list.is_any() && count > 0));
                let tags: Vec<(bool, &[u8])> =
                    list.iter().map(|t| (t.is_weak(), t.opaque())).collect();
                let found = if list.is_any() { List::Any } else { List::Tags(tags) };
                prop_assert_eq!(list.is_empty(), found == List::Tags(Vec::new()));
                prop_assert_eq!(found, expected);
                let _ = list.to_condition();
            }
            (Err(_), None) => {}
            (parsed, expected) => {
                prop_assert!(false, "{lines:?}: parsed {parsed:?}, reference {expected:?}");
            }
        }
    }

    #[test]
    fn list_parse_never_panics_on_raw_bytes(
        lines in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..48), 0..3)
    ) {
        let lines = as_slices(&lines);
        let _ = TagList::parse(&lines).map(|l| l.iter().count());
    }

    #[test]
    fn joined_valid_tags_parse_to_exactly_those_tags(
        tags in proptest::collection::vec((tag(), separator()), 0..8),
        lead in edge(),
        trail in edge(),
    ) {
        let mut lines: Vec<Vec<u8>> = vec![lead.as_bytes().to_vec()];
        for (i, (t, sep)) in tags.iter().enumerate() {
            let line = lines.last_mut().unwrap();
            line.extend_from_slice(t.to_string().as_bytes());
            if i + 1 < tags.len() {
                match sep {
                    Some(sep) => line.extend_from_slice(sep.as_bytes()),
                    None => lines.push(Vec::new()),
                }
            }
        }
        lines.last_mut().unwrap().extend_from_slice(trail.as_bytes());
        let slices = as_slices(&lines);
        let list = TagList::parse(&slices).unwrap();
        prop_assert!(!list.is_any());
        let parsed: Vec<(bool, &[u8])> = list.iter().map(|t| (t.is_weak(), t.opaque())).collect();
        let expected: Vec<(bool, &[u8])> =
            tags.iter().map(|(t, _)| (t.is_weak(), t.opaque().as_bytes())).collect();
        prop_assert_eq!(parsed, expected);
        for (t, _) in &tags {
            prop_assert!(list.weak_match(t));
            prop_assert_eq!(list.strong_match(t), tags.iter().any(|(u, _)| u.strong_eq(t)));
        }
    }

    #[test]
    fn http_date_round_trip(secs in 0..253_402_300_800u64, nanos in 0..1_000_000_000u32) {
        let t = UNIX_EPOCH + Duration::new(secs, nanos);
        let text = format_http_date(t);
        prop_assert_eq!(text.len(), 29);
        prop_assert_eq!(parse_http_date(text.as_bytes()).unwrap(), UNIX_EPOCH + Duration::from_secs(secs));
    }

    #[test]
    fn http_date_never_panics(bytes in header_bytes(), t in time()) {
        let _ = parse_http_date(&bytes);
        let _ = format_http_date(t);
    }
}
