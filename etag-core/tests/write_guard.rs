//! The one write-precondition rule (RFC 6585 §3): which condition of a request protects a
//! write, for a server that answers `428 Precondition Required` without one.
//!
//! Each row: a name, the conditional header lines, and the guard expected. The rule:
//! `If-Match` present (whatever its value); else `If-None-Match` that parses as `*`; else
//! exactly one `If-Unmodified-Since` line holding a valid HTTP-date, of any year the
//! evaluator reads (dates before 1970 included).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use etag_core::{Conditions, WriteGuard};

const DATE: &[u8] = b"Sun, 06 Nov 1994 08:49:37 GMT";
const Y1966: &[u8] = b"Sat, 01 Jan 1966 00:00:00 GMT";
const Y1966_ASC: &[u8] = b"Sat Jan  1 00:00:00 1966";
const Y0000: &[u8] = b"Sat, 01 Jan 0000 00:00:00 GMT";

struct Row {
    name: &'static str,
    if_match: &'static [&'static [u8]],
    if_none_match: &'static [&'static [u8]],
    if_unmodified_since: &'static [&'static [u8]],
    guard: Option<WriteGuard>,
}

const fn row(
    name: &'static str,
    if_match: &'static [&'static [u8]],
    if_none_match: &'static [&'static [u8]],
    if_unmodified_since: &'static [&'static [u8]],
    guard: Option<WriteGuard>,
) -> Row {
    Row {
        name,
        if_match,
        if_none_match,
        if_unmodified_since,
        guard,
    }
}

use WriteGuard::{CreateOnly, Date, Tags};

const ROWS: &[Row] = &[
    row("nothing", &[], &[], &[], None),
    // If-Match, whatever it holds: a malformed one is a 400 before this matters.
    row("if-match tag", &[b"\"a\""], &[], &[], Some(Tags)),
    row("if-match star", &[b"*"], &[], &[], Some(Tags)),
    row("if-match empty list", &[b" , "], &[], &[], Some(Tags)),
    row("if-match malformed", &[b"a"], &[], &[], Some(Tags)),
    row(
        "if-match beats *",
        &[b"\"a\""],
        &[b"*"],
        &[DATE],
        Some(Tags),
    ),
    // If-None-Match: only `*` protects a write ("create only if absent").
    row("inm star", &[], &[b"*"], &[], Some(CreateOnly)),
    row(
        "inm star with spaces",
        &[],
        &[b" * "],
        &[],
        Some(CreateOnly),
    ),
    row(
        "inm star beats date",
        &[],
        &[b"*"],
        &[DATE],
        Some(CreateOnly),
    ),
    row("inm star on two lines", &[], &[b"*", b"*"], &[], None),
    row("inm star mixed", &[], &[b"*, \"a\""], &[], None),
    row("inm tag", &[], &[b"\"a\""], &[], None),
    row("inm malformed", &[], &[b"a"], &[], None),
    row("inm tag then date", &[], &[b"\"a\""], &[DATE], Some(Date)),
    // If-Unmodified-Since: one line, a valid HTTP-date, any year.
    row("date", &[], &[], &[DATE], Some(Date)),
    row(
        "date rfc 850",
        &[],
        &[],
        &[b"Sunday, 06-Nov-94 08:49:37 GMT"],
        Some(Date),
    ),
    row("date before 1970", &[], &[], &[Y1966], Some(Date)),
    row(
        "date before 1970 asctime",
        &[],
        &[],
        &[Y1966_ASC],
        Some(Date),
    ),
    row("date in year 0", &[], &[], &[Y0000], Some(Date)),
    row("date on two lines", &[], &[], &[DATE, DATE], None),
    row("date invalid", &[], &[], &[b"yesterday"], None),
    row(
        "date wrong weekday",
        &[],
        &[],
        &[b"Mon, 06 Nov 1994 08:49:37 GMT"],
        None,
    ),
    row("date empty", &[], &[], &[b""], None),
];

fn conditions(row: &Row) -> Conditions<'static> {
    Conditions {
        if_match: row.if_match,
        if_none_match: row.if_none_match,
        if_unmodified_since: row.if_unmodified_since,
        ..Conditions::default()
    }
}

#[test]
fn write_guard_table() {
    for row in ROWS {
        assert_eq!(conditions(row).write_guard(), row.guard, "{}", row.name);
    }
}

/// `has_write_precondition` is the same rule: before, it ignored `If-None-Match: *`.
#[test]
fn has_write_precondition_is_the_same_rule() {
    for row in ROWS {
        assert_eq!(
            conditions(row).has_write_precondition(),
            row.guard.is_some(),
            "{}",
            row.name
        );
    }
}

/// The guard ignores the other headers: `If-Modified-Since` and `If-Range` protect nothing.
#[test]
fn read_conditions_guard_nothing() {
    let c = Conditions {
        if_modified_since: &[DATE],
        if_range: &[b"\"a\""],
        range: true,
        ..Conditions::default()
    };
    assert_eq!(c.write_guard(), None);
}

/// Once existence is known (RFC 6585 §3): a guard protects a write against the current
/// representation unless it is `If-Unmodified-Since` and there is no modification time to
/// compare it with (no representation, or one without a date): then the write would go
/// through unchecked, so a server that requires conditional writes answers 428.
#[test]
fn protects_write_once_existence_is_known() {
    use std::time::{Duration, SystemTime};

    use etag_core::{EntityTag, Validators};

    let tag = EntityTag::strong("v1").unwrap();
    let dated = Validators {
        etag: Some(&tag),
        last_modified: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)),
    };
    let undated = Validators {
        etag: Some(&tag),
        last_modified: None,
    };
    for row in ROWS {
        let c = conditions(row);
        for (current, label) in [
            (None, "absent"),
            (Some(undated), "undated"),
            (Some(dated), "dated"),
        ] {
            let expected = match row.guard {
                None => false,
                Some(Tags | CreateOnly) => true,
                Some(Date) => label == "dated",
            };
            assert_eq!(
                c.protects_write(current),
                expected,
                "{} against {label}",
                row.name
            );
        }
    }
}
