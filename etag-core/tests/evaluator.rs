//! RFC 9110 §13.2.2 evaluation, one table row per rule of DESIGN.md §5.
//!
//! Each row: a name, the method as sent on the wire, the conditional header lines (one entry
//! per line, in order; the same header may appear on several lines), whether a `Range` header
//! is present, the current state of the resource, and the expected outcome.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::{
    Conditions, EntityTag, Header, Method, Outcome, RangeDecision, Validators, WriteGuard,
};

use Header::IfUnmodifiedSince as IUS;
use Header::{IfMatch as IM, IfModifiedSince as IMS, IfNoneMatch as INM, IfRange as IR};

/// 784111777 = Sun, 06 Nov 1994 08:49:37 GMT, the RFC's example date.
const T0: i64 = 784_111_777;
/// -315619200 = Fri, 01 Jan 1960 00:00:00 GMT.
const T1960: i64 = -315_619_200;

const T0_IMF: &[u8] = b"Sun, 06 Nov 1994 08:49:37 GMT";
const T0_850: &[u8] = b"Sunday, 06-Nov-94 08:49:37 GMT";
const T0_ASC: &[u8] = b"Sun Nov  6 08:49:37 1994";
const BEFORE_IMF: &[u8] = b"Sun, 06 Nov 1994 08:49:36 GMT";
const BEFORE_850: &[u8] = b"Sunday, 06-Nov-94 08:49:36 GMT";
const BEFORE_ASC: &[u8] = b"Sun Nov  6 08:49:36 1994";
const AFTER_IMF: &[u8] = b"Sun, 06 Nov 1994 08:49:38 GMT";
const AFTER_850: &[u8] = b"Sunday, 06-Nov-94 08:49:38 GMT";
const AFTER_ASC: &[u8] = b"Sun Nov  6 08:49:38 1994";
/// Well-formed dates before 1970, which `httpdate` alone rejects.
const Y1966_IMF: &[u8] = b"Sat, 01 Jan 1966 00:00:00 GMT";
const Y1966_ASC: &[u8] = b"Sat Jan  1 00:00:00 1966";
const Y1960_IMF: &[u8] = b"Fri, 01 Jan 1960 00:00:00 GMT";

/// The current state of the resource.
#[derive(Clone, Copy)]
enum State {
    /// No current representation.
    Missing,
    /// A current representation with these validators: the ETag in header form, and the
    /// modification time as seconds (negative before the epoch) and nanoseconds after them.
    Exists {
        etag: Option<&'static str>,
        modified: Option<(i64, u32)>,
    },
}

/// Strong tag `"v1"`, modified at T0.
const CUR: State = State::Exists {
    etag: Some("\"v1\""),
    modified: Some((T0, 0)),
};
/// Weak tag `W/"v1"`, modified at T0.
const WEAK: State = State::Exists {
    etag: Some("W/\"v1\""),
    modified: Some((T0, 0)),
};
/// No entity tag, modified at T0.
const NO_TAG: State = State::Exists {
    etag: None,
    modified: Some((T0, 0)),
};
/// Strong tag `"v1"`, no modification time.
const NO_LM: State = State::Exists {
    etag: Some("\"v1\""),
    modified: None,
};
/// Neither validator.
const BARE: State = State::Exists {
    etag: None,
    modified: None,
};
/// Strong tag `"v1"`, modified half a second after T0.
const SUBSEC: State = State::Exists {
    etag: Some("\"v1\""),
    modified: Some((T0, 500_000_000)),
};
/// A tag with a comma inside.
const COMMA: State = State::Exists {
    etag: Some("\"a,b\""),
    modified: Some((T0, 0)),
};
/// A tag with non-ASCII UTF-8 (`café`).
const UTF8: State = State::Exists {
    etag: Some("\"caf\u{e9}\""),
    modified: Some((T0, 0)),
};
/// Strong tag `"v1"`, modified at the start of 1960.
const OLD: State = State::Exists {
    etag: Some("\"v1\""),
    modified: Some((T1960, 0)),
};
const MISSING: State = State::Missing;

/// The expected outcome.
#[derive(Clone, Copy, Debug)]
enum Expect {
    Go(RangeDecision),
    NotModified,
    Failed(Header),
    /// 400 for this header, with a reason containing this text.
    Bad(Header, &'static str),
}

const GO: Expect = Expect::Go(RangeDecision::NotRequested);
const APPLY: Expect = Expect::Go(RangeDecision::Apply);
const FULL: Expect = Expect::Go(RangeDecision::Full);
const N304: Expect = Expect::NotModified;
const fn f412(h: Header) -> Expect {
    Expect::Failed(h)
}
const fn bad(h: Header, why: &'static str) -> Expect {
    Expect::Bad(h, why)
}

struct Case {
    name: &'static str,
    method: &'static [u8],
    headers: &'static [(Header, &'static [u8])],
    range: bool,
    state: State,
    expect: Expect,
}

const fn row(
    name: &'static str,
    method: &'static [u8],
    headers: &'static [(Header, &'static [u8])],
    state: State,
    expect: Expect,
) -> Case {
    Case {
        name,
        method,
        headers,
        range: false,
        state,
        expect,
    }
}

const fn ranged(
    name: &'static str,
    method: &'static [u8],
    headers: &'static [(Header, &'static [u8])],
    state: State,
    expect: Expect,
) -> Case {
    Case {
        name,
        method,
        headers,
        range: true,
        state,
        expect,
    }
}

#[rustfmt::skip]
const CASES: &[Case] = &[
    // --- every method class, no conditional header -------------------------------------
    row("get, no headers", b"GET", &[], CUR, GO),
    row("head, no headers", b"HEAD", &[], CUR, GO),
    row("post, no headers", b"POST", &[], CUR, GO),
    row("put, no headers, missing resource", b"PUT", &[], MISSING, GO),
    row("patch, no headers", b"PATCH", &[], CUR, GO),
    row("delete, no headers", b"DELETE", &[], CUR, GO),
    row("options, no headers", b"OPTIONS", &[], CUR, GO),
    row("unknown method, no headers", b"PROPFIND", &[], CUR, GO),

    // --- If-Match (strong comparison, every evaluated method) ---------------------------
    row("if-match strong match, put", b"PUT", &[(IM, b"\"v1\"")], CUR, GO),
    row("if-match mismatch, put", b"PUT", &[(IM, b"\"v0\"")], CUR, f412(IM)),
    row("if-match weak tag in request never matches", b"PUT", &[(IM, b"W/\"v1\"")], CUR, f412(IM)),
    row("if-match against a weak current tag fails", b"PUT", &[(IM, b"\"v1\"")], WEAK, f412(IM)),
    row("if-match list, match in the middle", b"PATCH", &[(IM, b"\"a\", \"v1\", \"b\"")], CUR, GO),
    row("if-match mismatch, patch", b"PATCH", &[(IM, b"\"a\", \"b\"")], CUR, f412(IM)),
    row("if-match match, delete", b"DELETE", &[(IM, b"\"v1\"")], CUR, GO),
    row("if-match mismatch, delete", b"DELETE", &[(IM, b"\"v2\"")], CUR, f412(IM)),
    row("if-match match, post", b"POST", &[(IM, b"\"v1\"")], CUR, GO),
    row("if-match mismatch, unknown method", b"PROPFIND", &[(IM, b"\"v2\"")], CUR, f412(IM)),
    row("if-match mismatch, get", b"GET", &[(IM, b"\"v2\"")], CUR, f412(IM)),
    row("if-match match, head", b"HEAD", &[(IM, b"\"v1\"")], CUR, GO),
    row("if-match *, resource exists", b"PUT", &[(IM, b"*")], CUR, GO),
    row("if-match *, resource exists without any validator", b"PUT", &[(IM, b"*")], BARE, GO),
    row("if-match *, no current representation", b"PUT", &[(IM, b"*")], MISSING, f412(IM)),
    row("if-match tag, no current representation", b"PUT", &[(IM, b"\"v1\"")], MISSING, f412(IM)),
    row("if-match tag, resource has no etag", b"PUT", &[(IM, b"\"v1\"")], NO_TAG, f412(IM)),
    row("if-match empty value matches nothing", b"PUT", &[(IM, b"")], CUR, f412(IM)),
    row("if-match only empty elements matches nothing", b"PUT", &[(IM, b" , ,")], CUR, f412(IM)),
    row("if-match empty elements around a match", b"PUT", &[(IM, b", ,\"v1\",,")], CUR, GO),
    row("if-match comma inside a tag", b"PUT", &[(IM, b"\"x\", \"a,b\"")], COMMA, GO),
    row("if-match comma-split halves do not match", b"PUT", &[(IM, b"\"a\", \"b\"")], COMMA, f412(IM)),
    row("if-match utf-8 obs-text matches", b"PUT", &[(IM, b"\"caf\xc3\xa9\"")], UTF8, GO),
    row("if-match latin-1 obs-text is another tag", b"PUT", &[(IM, b"\"caf\xe9\"")], UTF8, f412(IM)),
    row("if-match two lines, match on the second", b"PUT", &[(IM, b"\"a\""), (IM, b"\"v1\"")], CUR, GO),
    row("if-match two lines, no match", b"PUT", &[(IM, b"\"a\""), (IM, b"\"b\"")], CUR, f412(IM)),
    row("if-match lowercase method is unknown and unsafe", b"get", &[(IM, b"\"v2\"")], CUR, f412(IM)),

    // --- malformed If-Match: 400 for every evaluated method ------------------------------
    row("if-match unquoted", b"PUT", &[(IM, b"v1")], CUR, bad(IM, "quoted")),
    row("if-match missing closing quote", b"PUT", &[(IM, b"\"v1")], CUR, bad(IM, "closing quote")),
    row("if-match lowercase w/", b"PUT", &[(IM, b"w/\"v1\"")], CUR, bad(IM, "W/")),
    row("if-match space inside a tag", b"PUT", &[(IM, b"\"v 1\"")], CUR, bad(IM, "0x20")),
    row("if-match * mixed with tags", b"PUT", &[(IM, b"*, \"v1\"")], CUR, bad(IM, "`*`")),
    row("if-match * on another line than tags", b"PUT", &[(IM, b"\"v1\""), (IM, b"*")], CUR, bad(IM, "`*`")),
    row("if-match * twice", b"PUT", &[(IM, b"*, *")], CUR, bad(IM, "`*`")),
    row("if-match * twice without space", b"PUT", &[(IM, b"*,*")], CUR, bad(IM, "`*`")),
    row("if-match * on two lines", b"PUT", &[(IM, b"*"), (IM, b"*")], CUR, bad(IM, "`*`")),
    row("if-match * with empty elements is one *", b"PUT", &[(IM, b", *,"), (IM, b"")], CUR, GO),
    row("if-match missing comma", b"PUT", &[(IM, b"\"a\" \"v1\"")], CUR, bad(IM, "commas")),
    row("if-match malformed second line", b"PUT", &[(IM, b"\"v1\""), (IM, b"v2")], CUR, bad(IM, "quoted")),
    row("if-match malformed on get", b"GET", &[(IM, b"v1")], CUR, bad(IM, "quoted")),
    row("if-match malformed on head", b"HEAD", &[(IM, b"\"v1")], CUR, bad(IM, "closing quote")),
    row("if-match malformed, missing resource", b"PUT", &[(IM, b"v1")], MISSING, bad(IM, "quoted")),
    row("if-match malformed beats a failing if-unmodified-since", b"PUT", &[(IM, b"v1"), (IUS, BEFORE_IMF)], CUR, bad(IM, "quoted")),

    // --- If-Unmodified-Since --------------------------------------------------------------
    row("ius equal date passes", b"PUT", &[(IUS, T0_IMF)], CUR, GO),
    row("ius later date passes", b"PUT", &[(IUS, AFTER_IMF)], CUR, GO),
    row("ius modified after the date fails", b"PUT", &[(IUS, BEFORE_IMF)], CUR, f412(IUS)),
    row("ius rfc 850 form, modified after", b"DELETE", &[(IUS, BEFORE_850)], CUR, f412(IUS)),
    row("ius rfc 850 form, equal", b"DELETE", &[(IUS, T0_850)], CUR, GO),
    row("ius asctime form, modified after", b"PATCH", &[(IUS, BEFORE_ASC)], CUR, f412(IUS)),
    row("ius asctime form, later", b"PATCH", &[(IUS, AFTER_ASC)], CUR, GO),
    row("ius applies to get", b"GET", &[(IUS, BEFORE_IMF)], CUR, f412(IUS)),
    row("ius invalid date is ignored", b"PUT", &[(IUS, b"yesterday")], CUR, GO),
    row("ius wrong weekday is invalid", b"PUT", &[(IUS, b"Mon, 06 Nov 1994 08:49:36 GMT")], CUR, GO),
    row("ius non-utf-8 date is ignored", b"PUT", &[(IUS, b"Sun, 06 Nov 1994 08:49:36 \xff")], CUR, GO),
    row("ius two lines are invalid", b"PUT", &[(IUS, BEFORE_IMF), (IUS, BEFORE_IMF)], CUR, GO),
    row("ius ignored when if-match present", b"PUT", &[(IM, b"\"v1\""), (IUS, BEFORE_IMF)], CUR, GO),
    row("ius ignored without last-modified", b"PUT", &[(IUS, BEFORE_IMF)], NO_LM, GO),
    row("ius ignored without current representation", b"PUT", &[(IUS, BEFORE_IMF)], MISSING, GO),
    row("ius truncates sub-second modification time", b"PUT", &[(IUS, T0_IMF)], SUBSEC, GO),
    row("ius failure comes before if-none-match", b"GET", &[(IUS, BEFORE_IMF), (INM, b"\"v1\"")], CUR, f412(IUS)),
    row("ius passes, then if-none-match matches", b"GET", &[(IUS, T0_IMF), (INM, b"\"v1\"")], CUR, N304),
    row("ius before 1970, modified after it", b"PUT", &[(IUS, Y1966_IMF)], CUR, f412(IUS)),
    row("ius before 1970, asctime form", b"DELETE", &[(IUS, Y1966_ASC)], CUR, f412(IUS)),
    row("ius year 0000, modified after it", b"PUT", &[(IUS, b"Sat, 01 Jan 0000 00:00:00 GMT")], CUR, f412(IUS)),
    row("ius before 1970, resource modified before it", b"PUT", &[(IUS, Y1966_IMF)], OLD, GO),
    row("ius before 1970, resource modified at it", b"PUT", &[(IUS, Y1960_IMF)], OLD, GO),
    row("ius before 1970 with a wrong weekday is invalid", b"PUT", &[(IUS, b"Sun, 01 Jan 1966 00:00:00 GMT")], CUR, GO),
    row("ius before 1970 with an impossible day is invalid", b"PUT", &[(IUS, b"Thu, 29 Feb 1900 00:00:00 GMT")], CUR, GO),
    row("ius surrounding whitespace is allowed", b"PUT", &[(IUS, b" Sun, 06 Nov 1994 08:49:36 GMT\t")], CUR, f412(IUS)),

    // --- If-None-Match (weak comparison, every method) --------------------------------------
    row("inm match, get", b"GET", &[(INM, b"\"v1\"")], CUR, N304),
    row("inm match, head", b"HEAD", &[(INM, b"\"v1\"")], CUR, N304),
    row("inm weak request tag matches strong current", b"GET", &[(INM, b"W/\"v1\"")], CUR, N304),
    row("inm strong request tag matches weak current", b"GET", &[(INM, b"\"v1\"")], WEAK, N304),
    row("inm mismatch, get", b"GET", &[(INM, b"\"v0\"")], CUR, GO),
    row("inm last of ten tags matches", b"GET", &[(INM, b"\"0\", \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", \"7\", \"8\", \"v1\"")], CUR, N304),
    row("inm match, put", b"PUT", &[(INM, b"\"v1\"")], CUR, f412(INM)),
    row("inm weak match, post", b"POST", &[(INM, b"W/\"v1\"")], CUR, f412(INM)),
    row("inm match, patch", b"PATCH", &[(INM, b"\"v1\"")], CUR, f412(INM)),
    row("inm match, delete", b"DELETE", &[(INM, b"\"v1\"")], CUR, f412(INM)),
    row("inm match, unknown method", b"PROPFIND", &[(INM, b"\"v1\"")], CUR, f412(INM)),
    row("inm mismatch, put", b"PUT", &[(INM, b"\"v0\"")], CUR, GO),
    row("inm *, resource exists, get", b"GET", &[(INM, b"*")], CUR, N304),
    row("inm *, resource exists, put", b"PUT", &[(INM, b"*")], CUR, f412(INM)),
    row("inm *, resource without validators, put", b"PUT", &[(INM, b"*")], BARE, f412(INM)),
    row("inm *, no current representation, put", b"PUT", &[(INM, b"*")], MISSING, GO),
    row("inm *, no current representation, get", b"GET", &[(INM, b"*")], MISSING, GO),
    row("inm tag, no current representation", b"PUT", &[(INM, b"\"v1\"")], MISSING, GO),
    row("inm tag, resource has no etag", b"GET", &[(INM, b"\"v1\"")], NO_TAG, GO),
    row("inm empty elements around a match", b"GET", &[(INM, b" ,\"v0\", , W/\"v1\",")], CUR, N304),
    row("inm empty value is present and matches nothing", b"GET", &[(INM, b""), (IMS, T0_IMF)], CUR, GO),
    row("inm comma inside a tag", b"GET", &[(INM, b"W/\"a,b\"")], COMMA, N304),
    row("inm comma-split halves do not match", b"GET", &[(INM, b"\"a\", \"b\"")], COMMA, GO),
    row("inm utf-8 obs-text matches", b"GET", &[(INM, b"W/\"caf\xc3\xa9\"")], UTF8, N304),
    row("inm non-utf-8 obs-text is valid, no match", b"GET", &[(INM, b"\"\xff\xfe\"")], CUR, GO),
    row("inm two lines, match on the second", b"GET", &[(INM, b"\"a\""), (INM, b"W/\"v1\"")], CUR, N304),
    row("inm passes after if-match passes", b"PUT", &[(IM, b"\"v1\""), (INM, b"\"v0\"")], CUR, GO),
    row("if-match failure comes before if-none-match", b"GET", &[(IM, b"\"v0\""), (INM, b"\"v1\"")], CUR, f412(IM)),

    // --- malformed If-None-Match: 400 for unsafe methods, ignored on GET/HEAD ---------------
    row("inm unquoted, put", b"PUT", &[(INM, b"v1")], CUR, bad(INM, "quoted")),
    row("inm missing closing quote, post", b"POST", &[(INM, b"\"v1")], CUR, bad(INM, "closing quote")),
    row("inm lowercase w/, patch", b"PATCH", &[(INM, b"w/\"v1\"")], CUR, bad(INM, "W/")),
    row("inm space inside, delete", b"DELETE", &[(INM, b"\"v 1\"")], CUR, bad(INM, "0x20")),
    row("inm * mixed, put", b"PUT", &[(INM, b"\"v1\", *")], MISSING, bad(INM, "`*`")),
    row("inm * twice, put", b"PUT", &[(INM, b"*, *")], MISSING, bad(INM, "`*`")),
    row("inm * on two lines, delete", b"DELETE", &[(INM, b"*"), (INM, b" * ")], CUR, bad(INM, "`*`")),
    row("inm * twice on get is ignored", b"GET", &[(INM, b"*,*")], CUR, GO),
    row("inm missing comma, unknown method", b"PROPFIND", &[(INM, b"\"a\"\"v1\"")], CUR, bad(INM, "commas")),
    row("inm malformed after a passing if-match, put", b"PUT", &[(IM, b"\"v1\""), (INM, b"v1")], CUR, bad(INM, "quoted")),
    row("inm malformed beats a failing if-match, put", b"PUT", &[(IM, b"\"v0\""), (INM, b"v1")], CUR, bad(INM, "quoted")),
    row("if-match malformed reported before inm malformed", b"PUT", &[(IM, b"x"), (INM, b"y")], CUR, bad(IM, "quoted")),
    row("inm malformed on get is ignored", b"GET", &[(INM, b"v1")], CUR, GO),
    row("inm malformed on head is ignored", b"HEAD", &[(INM, b"\"v1\" \"v2\"")], CUR, GO),
    row("inm * mixed on get is ignored", b"GET", &[(INM, b"*, \"v1\"")], CUR, GO),
    row("inm malformed on get still disables ims", b"GET", &[(INM, b"v1"), (IMS, T0_IMF)], CUR, GO),
    row("inm malformed on get, if-match still applies", b"GET", &[(IM, b"\"v0\""), (INM, b"v1")], CUR, f412(IM)),

    // --- If-Modified-Since (GET/HEAD only) ----------------------------------------------------
    row("ims equal date, get", b"GET", &[(IMS, T0_IMF)], CUR, N304),
    row("ims later date, get", b"GET", &[(IMS, AFTER_IMF)], CUR, N304),
    row("ims earlier date, get", b"GET", &[(IMS, BEFORE_IMF)], CUR, GO),
    row("ims equal date, head", b"HEAD", &[(IMS, T0_IMF)], CUR, N304),
    row("ims rfc 850 form, equal", b"GET", &[(IMS, T0_850)], CUR, N304),
    row("ims rfc 850 form, later", b"GET", &[(IMS, AFTER_850)], CUR, N304),
    row("ims rfc 850 form, earlier", b"GET", &[(IMS, BEFORE_850)], CUR, GO),
    row("ims asctime form, equal", b"GET", &[(IMS, T0_ASC)], CUR, N304),
    row("ims asctime form, earlier", b"HEAD", &[(IMS, BEFORE_ASC)], CUR, GO),
    row("ims ignored on put", b"PUT", &[(IMS, AFTER_IMF)], CUR, GO),
    row("ims ignored on post", b"POST", &[(IMS, AFTER_IMF)], CUR, GO),
    row("ims invalid date ignored", b"GET", &[(IMS, b"Sun, 06 Nov 1994 25:00:00 GMT")], CUR, GO),
    row("ims lowercase month is invalid", b"GET", &[(IMS, b"Sun, 06 nov 1994 08:49:37 GMT")], CUR, GO),
    row("ims empty value ignored", b"GET", &[(IMS, b"")], CUR, GO),
    row("ims two lines are invalid", b"GET", &[(IMS, T0_IMF), (IMS, T0_IMF)], CUR, GO),
    row("ims ignored when inm present and not matching", b"GET", &[(INM, b"\"v0\""), (IMS, AFTER_IMF)], CUR, GO),
    row("ims ignored without last-modified", b"GET", &[(IMS, AFTER_IMF)], NO_LM, GO),
    row("ims ignored without current representation", b"GET", &[(IMS, AFTER_IMF)], MISSING, GO),
    row("ims truncates sub-second modification time", b"GET", &[(IMS, T0_IMF)], SUBSEC, N304),
    row("ims after a passing if-match", b"GET", &[(IM, b"\"v1\""), (IMS, T0_IMF)], CUR, N304),
    row("ims before 1970, modified since", b"GET", &[(IMS, Y1966_IMF)], CUR, GO),
    row("ims before 1970, resource modified before it", b"GET", &[(IMS, Y1966_IMF)], OLD, N304),
    row("ims before 1970, asctime form, not modified since", b"HEAD", &[(IMS, Y1966_ASC)], OLD, N304),
    row("ims before 1970, resource modified at it", b"GET", &[(IMS, Y1960_IMF)], OLD, N304),
    row("ims after a passing ius", b"GET", &[(IUS, AFTER_IMF), (IMS, T0_IMF)], CUR, N304),

    // --- Range and If-Range (GET only) --------------------------------------------------------
    ranged("range without if-range applies", b"GET", &[], CUR, APPLY),
    ranged("range on head is not requested", b"HEAD", &[], CUR, GO),
    ranged("range on put is not requested", b"PUT", &[(IR, b"\"v1\"")], CUR, GO),
    row("if-range without range is ignored", b"GET", &[(IR, b"\"v0\"")], CUR, GO),
    ranged("if-range strong match applies", b"GET", &[(IR, b"\"v1\"")], CUR, APPLY),
    ranged("if-range mismatch sends full", b"GET", &[(IR, b"\"v0\"")], CUR, FULL),
    ranged("if-range weak request tag never matches", b"GET", &[(IR, b"W/\"v1\"")], CUR, FULL),
    ranged("if-range weak current tag never matches", b"GET", &[(IR, b"\"v1\"")], WEAK, FULL),
    ranged("if-range tag, resource has no etag", b"GET", &[(IR, b"\"v1\"")], NO_TAG, FULL),
    ranged("if-range date exact match applies", b"GET", &[(IR, T0_IMF)], CUR, APPLY),
    ranged("if-range rfc 850 date exact match applies", b"GET", &[(IR, T0_850)], CUR, APPLY),
    ranged("if-range asctime date exact match applies", b"GET", &[(IR, T0_ASC)], CUR, APPLY),
    ranged("if-range earlier date sends full", b"GET", &[(IR, BEFORE_IMF)], CUR, FULL),
    ranged("if-range later date sends full", b"GET", &[(IR, AFTER_IMF)], CUR, FULL),
    ranged("if-range date, sub-second modification time truncates", b"GET", &[(IR, T0_IMF)], SUBSEC, APPLY),
    ranged("if-range date before 1970, exact match applies", b"GET", &[(IR, Y1960_IMF)], OLD, APPLY),
    ranged("if-range date before 1970, later date sends full", b"GET", &[(IR, Y1966_IMF)], OLD, FULL),
    ranged("if-range date, resource has no last-modified", b"GET", &[(IR, T0_IMF)], NO_LM, FULL),
    ranged("if-range invalid value sends full", b"GET", &[(IR, b"v1")], CUR, FULL),
    ranged("if-range two lines send full", b"GET", &[(IR, b"\"v1\""), (IR, b"\"v1\"")], CUR, FULL),
    ranged("if-range list sends full", b"GET", &[(IR, b"\"v1\", \"v2\"")], CUR, FULL),
    ranged("if-range, no current representation", b"GET", &[(IR, b"\"v1\"")], MISSING, FULL),
    ranged("inm match wins over range", b"GET", &[(INM, b"\"v1\""), (IR, b"\"v1\"")], CUR, N304),
    ranged("inm mismatch then if-range match", b"GET", &[(INM, b"\"v0\""), (IR, b"\"v1\"")], CUR, APPLY),
    ranged("if-match pass then if-range mismatch", b"GET", &[(IM, b"\"v1\""), (IR, b"\"v0\"")], CUR, FULL),

    // --- OPTIONS, CONNECT, TRACE ignore every precondition ------------------------------------
    row("options ignores a failing if-match", b"OPTIONS", &[(IM, b"\"v0\"")], CUR, GO),
    row("options ignores a malformed if-match", b"OPTIONS", &[(IM, b"v0")], CUR, GO),
    row("connect ignores if-match *, missing resource", b"CONNECT", &[(IM, b"*")], MISSING, GO),
    row("connect ignores a malformed if-none-match", b"CONNECT", &[(INM, b"\"v1")], CUR, GO),
    row("trace ignores if-none-match *", b"TRACE", &[(INM, b"*")], CUR, GO),
    row("trace ignores if-unmodified-since", b"TRACE", &[(IUS, BEFORE_IMF)], CUR, GO),
    ranged("options ignores range", b"OPTIONS", &[(IR, b"\"v0\"")], CUR, GO),
];

fn system_time((secs, nanos): (i64, u32)) -> SystemTime {
    let whole = Duration::from_secs(secs.unsigned_abs());
    let second = if secs < 0 {
        UNIX_EPOCH - whole
    } else {
        UNIX_EPOCH + whole
    };
    second + Duration::from_nanos(u64::from(nanos))
}

fn lines(case: &Case, header: Header) -> Vec<&'static [u8]> {
    case.headers
        .iter()
        .filter(|(h, _)| *h == header)
        .map(|(_, line)| *line)
        .collect()
}

fn check(case: &Case) -> Result<(), String> {
    let im = lines(case, IM);
    let inm = lines(case, INM);
    let ims = lines(case, IMS);
    let ius = lines(case, IUS);
    let ir = lines(case, IR);
    let conditions = Conditions {
        if_match: &im,
        if_none_match: &inm,
        if_modified_since: &ims,
        if_unmodified_since: &ius,
        if_range: &ir,
        range: case.range,
    };
    let etag: Option<EntityTag> = match case.state {
        State::Exists { etag: Some(t), .. } => Some(t.parse().unwrap()),
        _ => None,
    };
    let current = match case.state {
        State::Missing => None,
        State::Exists { modified, .. } => Some(Validators {
            etag: etag.as_ref(),
            last_modified: modified.map(system_time),
        }),
    };
    let method = Method::from_bytes(case.method);
    let outcome = conditions.evaluate(method, current);
    let ok = match (case.expect, outcome) {
        (Expect::Go(a), Outcome::Proceed(b)) => a == b,
        (Expect::NotModified, Outcome::NotModified) => true,
        (Expect::Failed(a), Outcome::PreconditionFailed(b)) => a == b,
        (Expect::Bad(h, why), Outcome::BadRequest(bad)) => {
            bad.header() == h
                && bad.error().to_string().contains(why)
                && bad.to_string().starts_with(&format!("{}: ", h.as_str()))
        }
        _ => false,
    };
    if !ok {
        return Err(format!(
            "{}: expected {:?}, got {outcome:?}",
            case.name, case.expect
        ));
    }
    // `validate` reports exactly the 400s that `evaluate` reports.
    let validated = conditions.validate(method);
    match (outcome, validated) {
        (Outcome::BadRequest(a), Err(b)) if a == b => {}
        (Outcome::BadRequest(_), _) | (_, Err(_)) => {
            return Err(format!(
                "{}: validate gave {validated:?} but evaluate gave {outcome:?}",
                case.name
            ));
        }
        _ => {}
    }
    // The write guard is "If-Match present; else If-None-Match that is `*`; else an
    // If-Unmodified-Since that the evaluation uses", and `has_write_precondition` is whether
    // there is one. The last two are found by behaviour: `*` alone fails a PUT on a resource
    // without an entity tag (no list of tags can match it), and a usable date fails against
    // a resource modified after every HTTP-date (the year 9999 is the last one).
    let late = Validators {
        etag: None,
        last_modified: Some(UNIX_EPOCH + Duration::from_secs(300_000_000_000)),
    };
    let ius_only = Conditions {
        if_unmodified_since: &ius,
        ..Conditions::default()
    };
    let ius_used = ius_only.evaluate(Method::Put, Some(late)) == Outcome::PreconditionFailed(IUS);
    let untagged = Validators {
        etag: None,
        last_modified: None,
    };
    let inm_only = Conditions {
        if_none_match: &inm,
        ..Conditions::default()
    };
    let inm_star = !inm.is_empty()
        && inm_only.evaluate(Method::Put, Some(untagged)) == Outcome::PreconditionFailed(INM);
    let guard = if !im.is_empty() {
        Some(WriteGuard::Tags)
    } else if inm_star {
        Some(WriteGuard::CreateOnly)
    } else if ius_used {
        Some(WriteGuard::Date)
    } else {
        None
    };
    if conditions.write_guard() != guard {
        return Err(format!("{}: write_guard should be {guard:?}", case.name));
    }
    let write = guard.is_some();
    if conditions.has_write_precondition() != write {
        return Err(format!(
            "{}: has_write_precondition should be {write}",
            case.name
        ));
    }
    Ok(())
}

#[test]
fn table() {
    assert!(CASES.len() >= 70, "only {} cases", CASES.len());
    let mut names = std::collections::HashSet::new();
    for case in CASES {
        assert!(names.insert(case.name), "duplicate row name {}", case.name);
    }
    let failures: Vec<String> = CASES.iter().filter_map(|c| check(c).err()).collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

/// Only what the evaluation would use counts as a write precondition (RFC 6585 §3: the
/// server requires a condition; an ignored one protects nothing).
#[test]
fn write_precondition_needs_if_match_create_only_or_a_usable_date() {
    let with = |im: &'static [&'static [u8]], ius: &'static [&'static [u8]]| Conditions {
        if_match: im,
        if_unmodified_since: ius,
        ..Conditions::default()
    };
    // (If-Match lines, If-Unmodified-Since lines)
    type Lines = &'static [&'static [u8]];
    let counted: &[(Lines, Lines)] = &[
        (&[b"*"], &[]),
        (&[b"\"v1\""], &[]),
        (&[b""], &[]),   // present, empty: it fails, but it is a condition
        (&[b"v1"], &[]), // malformed: a 400, still a condition
        (&[], &[T0_IMF]),
        (&[], &[T0_850]),
        (&[], &[T0_ASC]),
        (&[], &[b" Sun, 06 Nov 1994 08:49:37 GMT\t"]),
        (&[], &[Y1966_IMF]), // before 1970: still a date
        (&[b"*"], &[b"garbage"]),
    ];
    for &(im, ius) in counted {
        assert!(with(im, ius).has_write_precondition(), "{im:?} {ius:?}");
    }
    let ignored: &[Lines] = &[
        &[],
        &[b"garbage"],
        &[b""],
        &[b"Mon, 06 Nov 1994 08:49:37 GMT"], // wrong weekday
        &[T0_IMF, T0_IMF],                   // two lines
        &[b"Sun, 06 Nov 1994 08:49:37 GMT, x"],
    ];
    for &ius in ignored {
        assert!(!with(&[], ius).has_write_precondition(), "{ius:?}");
    }
    // Neither a list of tags in If-None-Match nor If-Modified-Since protects a write.
    let others = Conditions {
        if_none_match: &[b"\"v1\""],
        if_modified_since: &[T0_IMF],
        ..Conditions::default()
    };
    assert!(!others.has_write_precondition());
    // `If-None-Match: *` does ("create only if absent"), as in etag-actix's 428 rule; a
    // malformed one does not.
    let create = Conditions {
        if_none_match: &[b"*"],
        if_modified_since: &[T0_IMF],
        ..Conditions::default()
    };
    assert!(create.has_write_precondition());
    let malformed = Conditions {
        if_none_match: &[b"*, \"v1\""],
        ..Conditions::default()
    };
    assert!(!malformed.has_write_precondition());
}

#[test]
fn methods_are_case_sensitive() {
    let known = [
        (&b"GET"[..], Method::Get),
        (b"HEAD", Method::Head),
        (b"POST", Method::Post),
        (b"PUT", Method::Put),
        (b"PATCH", Method::Patch),
        (b"DELETE", Method::Delete),
        (b"OPTIONS", Method::Options),
        (b"CONNECT", Method::Connect),
        (b"TRACE", Method::Trace),
    ];
    for (name, method) in known {
        assert_eq!(Method::from_bytes(name), method);
        assert_eq!(
            Method::from_bytes(&name.to_ascii_lowercase()),
            Method::Other
        );
    }
    for other in [&b""[..], b"PROPFIND", b"Get", b"GET ", b"\xff"] {
        assert_eq!(Method::from_bytes(other), Method::Other);
    }
}

#[test]
fn header_names() {
    let names = [
        (IM, "If-Match"),
        (INM, "If-None-Match"),
        (IMS, "If-Modified-Since"),
        (IUS, "If-Unmodified-Since"),
        (IR, "If-Range"),
    ];
    for (header, name) in names {
        assert_eq!(header.as_str(), name);
        assert_eq!(header.to_string(), name);
    }
}

#[test]
fn bad_header_message() {
    let conditions = Conditions {
        if_match: &[b"v1"],
        ..Conditions::default()
    };
    let Outcome::BadRequest(bad) = conditions.evaluate(Method::Put, None) else {
        panic!("expected 400");
    };
    assert_eq!(bad.to_string(), "If-Match: entity-tags must be quoted");
    let as_error: &dyn std::error::Error = &bad;
    assert!(as_error.source().is_some());
}
