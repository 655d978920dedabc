//! Reference readings of the RFC, written for the tests without etag-core's parsers: the
//! property and fuzz tests compare etag-core with them.
//!
//! - lists: split every line on the commas outside quotes, trim, drop empty elements, and
//!   check each element against the ABNF as a whole (no incremental scanner);
//! - the evaluator: RFC 9110 §13.2.2 step by step, on those lists;
//! - dates before 1970 (which `httpdate` rejects): day counting year by year.
//!
//! Shared by several test crates, each using part of it.

#![allow(dead_code, unreachable_pub)]

use std::time::{SystemTime, UNIX_EPOCH};

use etag_core::{Conditions, EntityTag, Header, Method, RangeDecision, parse_http_date};

/// `etagc = %x21 / %x23-7E / obs-text`
pub fn is_etagc(b: u8) -> bool {
    b == 0x21 || (0x23..=0x7E).contains(&b) || b >= 0x80
}

/// `bytes` without leading and trailing spaces and tabs.
pub fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// The whole of `bytes` as one `entity-tag`: `(weak, opaque)`.
pub fn tag(bytes: &[u8]) -> Option<(bool, &[u8])> {
    let (weak, rest) = match bytes.strip_prefix(b"W/") {
        Some(rest) => (true, rest),
        None => (false, bytes),
    };
    let opaque = rest.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    opaque
        .iter()
        .all(|&b| is_etagc(b))
        .then_some((weak, opaque))
}

/// An `If-Match` / `If-None-Match` field value.
#[derive(Debug, PartialEq, Eq)]
pub enum List<'a> {
    /// `*`
    Any,
    /// `#entity-tag`, in order: `(weak, opaque)`.
    Tags(Vec<(bool, &'a [u8])>),
}

/// The lines of one list header; `None` when they are not `"*" / #entity-tag`.
pub fn list<'a>(lines: &[&'a [u8]]) -> Option<List<'a>> {
    let mut elements = Vec::new();
    for &line in lines {
        let mut quoted = false;
        let mut start = 0;
        for (i, &b) in line.iter().enumerate() {
            match b {
                b'"' => quoted = !quoted,
                b',' if !quoted => {
                    elements.push(&line[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        elements.push(&line[start..]);
    }
    let elements: Vec<&[u8]> = elements
        .into_iter()
        .map(trim)
        .filter(|e| !e.is_empty())
        .collect();
    if elements.contains(&&b"*"[..]) {
        // `*` is the whole field value.
        return (elements.len() == 1).then_some(List::Any);
    }
    elements
        .into_iter()
        .map(tag)
        .collect::<Option<Vec<_>>>()
        .map(List::Tags)
}

/// Whole seconds since the epoch, rounded down.
pub fn seconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => {
            let before = before.duration();
            -i128::from(before.as_secs()) - i128::from(before.subsec_nanos() > 0)
        }
    }
}

/// An HTTP-date on one line, in seconds: `parse_http_date` from 1970 on, the reference
/// below before.
pub fn date(lines: &[&[u8]]) -> Option<i128> {
    match lines {
        [line] => parse_http_date(line)
            .ok()
            .map(seconds)
            .or_else(|| date_before_1970(line)),
        _ => None,
    }
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

fn is_leap(year: i128) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn number(digits: &[u8]) -> Option<i128> {
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(digits.iter().fold(0, |n, &d| n * 10 + i128::from(d - b'0')))
}

/// An IMF-fixdate or asctime date with a year before 1970, in (negative) seconds.
pub fn date_before_1970(line: &[u8]) -> Option<i128> {
    let s = trim(line);
    // (weekday, day, month, year, time)
    let (weekday, day, month, year, time) = match s.len() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        29 => {
            if &s[3..5] != b", " || s[7] != b' ' || s[11] != b' ' || s[16] != b' ' {
                return None;
            }
            if &s[25..] != b" GMT" {
                return None;
            }
            (
                &s[..3],
                number(&s[5..7])?,
                &s[8..11],
                &s[12..16],
                &s[17..25],
            )
        }
        // Sun Nov  6 08:49:37 1994
        24 => {
            if s[3] != b' ' || s[7] != b' ' || s[10] != b' ' || s[19] != b' ' {
                return None;
            }
            let day = match &s[8..10] {
                [b' ', d] => number(&[*d])?,
                two => number(two)?,
            };
            (&s[..3], day, &s[4..7], &s[20..24], &s[11..19])
        }
        _ => return None,
    };
    let year = number(year)?;
    if year >= 1970 {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == month)?;
    let [h1, h2, b':', m1, m2, b':', s1, s2] = *time else {
        return None;
    };
    let (hour, minute, second) = (number(&[h1, h2])?, number(&[m1, m2])?, number(&[s1, s2])?);
    if hour > 23 || minute > 59 || second > 59 {
        return None;
    }
    let mut lengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    if is_leap(year) {
        lengths[1] = 29;
    }
    if day < 1 || day > lengths[month] {
        return None;
    }
    // Days from 1970-01-01 back to the first of January of `year`, then forward.
    let mut days: i128 = 0;
    for y in year..1970 {
        days -= if is_leap(y) { 366 } else { 365 };
    }
    days += lengths[..month].iter().sum::<i128>() + day - 1;
    // 1970-01-01 was a Thursday.
    const WEEK: [&[u8]; 7] = [b"Thu", b"Fri", b"Sat", b"Sun", b"Mon", b"Tue", b"Wed"];
    if WEEK[days.rem_euclid(7) as usize] != weekday {
        return None;
    }
    Some(days * 86_400 + hour * 3_600 + minute * 60 + second)
}

/// What the reference evaluator answers; a 400 names only the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    Proceed(RangeDecision),
    NotModified,
    Failed(Header),
    Bad(Header),
}

/// RFC 9110 §13.2.2 as DESIGN.md §5 words it, on the reference lists and dates.
pub fn evaluate(
    method: Method,
    c: &Conditions<'_>,
    current: Option<(Option<&EntityTag>, Option<SystemTime>)>,
) -> Answer {
    use Header::{IfMatch, IfNoneMatch, IfUnmodifiedSince};
    if matches!(method, Method::Options | Method::Connect | Method::Trace) {
        return Answer::Proceed(RangeDecision::NotRequested);
    }
    let get_or_head = matches!(method, Method::Get | Method::Head);
    let if_match = (!c.if_match.is_empty()).then(|| list(c.if_match));
    let if_none_match = (!c.if_none_match.is_empty()).then(|| list(c.if_none_match));
    if let Some(None) = if_match {
        return Answer::Bad(IfMatch);
    }
    if let Some(None) = if_none_match
        && !get_or_head
    {
        return Answer::Bad(IfNoneMatch);
    }
    let exists = current.is_some();
    let etag = current
        .and_then(|(etag, _)| etag)
        .map(|t| (t.is_weak(), t.opaque().as_bytes()));
    let modified = current.and_then(|(_, time)| time).map(seconds);

    // 1. If-Match (strong comparison), else 2. If-Unmodified-Since.
    match &if_match {
        Some(Some(list)) => {
            let true_ = match list {
                List::Any => exists,
                List::Tags(tags) => etag.is_some_and(|(weak, opaque)| {
                    !weak && tags.iter().any(|&(w, o)| !w && o == opaque)
                }),
            };
            if !true_ {
                return Answer::Failed(IfMatch);
            }
        }
        _ => {
            if let (Some(modified), Some(since)) = (modified, date(c.if_unmodified_since))
                && modified > since
            {
                return Answer::Failed(IfUnmodifiedSince);
            }
        }
    }
    // 3. If-None-Match (weak comparison), else 4. If-Modified-Since.
    match &if_none_match {
        Some(Some(list)) => {
            let false_ = match list {
                List::Any => exists,
                List::Tags(tags) => {
                    etag.is_some_and(|(_, opaque)| tags.iter().any(|&(_, o)| o == opaque))
                }
            };
            if false_ {
                return if get_or_head {
                    Answer::NotModified
                } else {
                    Answer::Failed(IfNoneMatch)
                };
            }
        }
        // Malformed on GET/HEAD: ignored, but present.
        Some(None) => {}
        None => {
            if get_or_head
                && let (Some(modified), Some(since)) = (modified, date(c.if_modified_since))
                && modified <= since
            {
                return Answer::NotModified;
            }
        }
    }
    // 5. Range and If-Range, GET only.
    if method == Method::Get && c.range {
        let apply = match c.if_range {
            [] => true,
            [line] => match tag(trim(line)) {
                Some((weak, opaque)) => !weak && etag.is_some_and(|(w, o)| !w && o == opaque),
                None => modified.is_some_and(|m| date(std::slice::from_ref(line)) == Some(m)),
            },
            _ => false,
        };
        return Answer::Proceed(if apply {
            RangeDecision::Apply
        } else {
            RangeDecision::Full
        });
    }
    Answer::Proceed(RangeDecision::NotRequested)
}
