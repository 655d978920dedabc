//! The request side (crate-internal): the conditional headers of a request as raw lines,
//! and its method, as etag-core's evaluator takes them. What a response sends back is in
//! `validators.rs`.

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use etag_core::{Conditions, Method};

/// How many lines of one header are kept without allocating.
const INLINE_LINES: usize = 4;

/// The core's view of an actix method.
pub(crate) fn core_method(m: &actix_web::http::Method) -> Method {
    use actix_web::http::Method as M;
    match *m {
        M::GET => Method::Get,
        M::HEAD => Method::Head,
        M::POST => Method::Post,
        M::PUT => Method::Put,
        M::PATCH => Method::Patch,
        M::DELETE => Method::Delete,
        M::OPTIONS => Method::Options,
        M::CONNECT => Method::Connect,
        M::TRACE => Method::Trace,
        _ => Method::Other,
    }
}

/// Whether a request carries a condition that can change a `GET`/`HEAD` answer from the
/// full `200` (`If-Match`, `If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since`).
/// `If-Range` only chooses between a range and the whole, and the responders here always
/// send the whole. The common request has none: a few lookups, and nothing to evaluate.
pub(crate) fn any_condition(headers: &HeaderMap) -> bool {
    headers.contains_key(header::IF_NONE_MATCH)
        || headers.contains_key(header::IF_MATCH)
        || headers.contains_key(header::IF_MODIFIED_SINCE)
        || headers.contains_key(header::IF_UNMODIFIED_SINCE)
}

/// The lines of one header, borrowed from the request, without allocating for up to four lines.
#[derive(Debug)]
pub(crate) struct Lines<'a> {
    inline: [&'a [u8]; INLINE_LINES],
    len: usize,
    spill: Vec<&'a [u8]>,
}

impl<'a> Lines<'a> {
    pub(crate) fn collect(values: impl Iterator<Item = &'a HeaderValue>) -> Self {
        let mut lines = Lines {
            inline: [&[]; INLINE_LINES],
            len: 0,
            spill: Vec::new(),
        };
        for value in values {
            let bytes = value.as_bytes();
            if lines.spill.is_empty() && lines.len < INLINE_LINES {
                if let Some(slot) = lines.inline.get_mut(lines.len) {
                    *slot = bytes;
                }
                lines.len += 1;
            } else {
                if lines.spill.is_empty() {
                    lines.spill.extend_from_slice(&lines.inline);
                }
                lines.spill.push(bytes);
            }
        }
        lines
    }

    pub(crate) fn as_slice(&self) -> &[&'a [u8]] {
        if self.spill.is_empty() {
            self.inline.get(..self.len).unwrap_or(&[])
        } else {
            &self.spill
        }
    }
}

/// The five conditional headers (plus whether `Range` is present) of one request.
#[derive(Debug)]
pub(crate) struct RawConditions<'a> {
    if_match: Lines<'a>,
    if_none_match: Lines<'a>,
    if_modified_since: Lines<'a>,
    if_unmodified_since: Lines<'a>,
    if_range: Lines<'a>,
    range: bool,
}

impl<'a> RawConditions<'a> {
    /// Reads the headers from a header map.
    pub(crate) fn from_headers(headers: &'a HeaderMap) -> Self {
        Self::from_fn(
            |name| Lines::collect(headers.get_all(name)),
            headers.contains_key(header::RANGE),
        )
    }

    pub(crate) fn from_fn(mut get: impl FnMut(&HeaderName) -> Lines<'a>, range: bool) -> Self {
        RawConditions {
            if_match: get(&header::IF_MATCH),
            if_none_match: get(&header::IF_NONE_MATCH),
            if_modified_since: get(&header::IF_MODIFIED_SINCE),
            if_unmodified_since: get(&header::IF_UNMODIFIED_SINCE),
            if_range: get(&header::IF_RANGE),
            range,
        }
    }

    /// The core's view, borrowing these lines.
    pub(crate) fn conditions(&self) -> Conditions<'_> {
        Conditions {
            if_match: self.if_match.as_slice(),
            if_none_match: self.if_none_match.as_slice(),
            if_modified_since: self.if_modified_since.as_slice(),
            if_unmodified_since: self.if_unmodified_since.as_slice(),
            if_range: self.if_range.as_slice(),
            range: self.range,
        }
    }
}
