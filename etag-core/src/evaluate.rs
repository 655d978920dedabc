//! The RFC 9110 §13.2.2 evaluator. (Signatures fixed; bodies are being written.)

use std::time::SystemTime;

use crate::entity_tag::EntityTag;
use crate::error::ParseError;

/// The request method, as far as conditional requests care.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `HEAD`
    Head,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `OPTIONS` (preconditions are ignored)
    Options,
    /// `CONNECT` (preconditions are ignored)
    Connect,
    /// `TRACE` (preconditions are ignored)
    Trace,
    /// Any other method (treated as unsafe).
    Other,
}

impl Method {
    /// The method named by `name` (case-sensitive, as RFC 9110 §9.1 says).
    pub fn from_bytes(name: &[u8]) -> Self {
        let _ = name;
        todo!()
    }
}

/// A conditional request header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Header {
    /// `If-Match`
    IfMatch,
    /// `If-None-Match`
    IfNoneMatch,
    /// `If-Modified-Since`
    IfModifiedSince,
    /// `If-Unmodified-Since`
    IfUnmodifiedSince,
    /// `If-Range`
    IfRange,
}

/// A malformed conditional header: which one, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadHeader {
    header: Header,
    error: ParseError,
}

/// The conditional headers of a request, as raw lines. An empty slice means "absent".
#[derive(Clone, Copy, Debug, Default)]
pub struct Conditions<'a> {
    /// `If-Match` lines.
    pub if_match: &'a [&'a [u8]],
    /// `If-None-Match` lines.
    pub if_none_match: &'a [&'a [u8]],
    /// `If-Modified-Since` lines.
    pub if_modified_since: &'a [&'a [u8]],
    /// `If-Unmodified-Since` lines.
    pub if_unmodified_since: &'a [&'a [u8]],
    /// `If-Range` lines.
    pub if_range: &'a [&'a [u8]],
    /// Whether the request has a `Range` header.
    pub range: bool,
}

/// The current state's validators.
#[derive(Clone, Copy, Debug, Default)]
pub struct Validators<'a> {
    /// The current entity tag, if the resource has one.
    pub etag: Option<&'a EntityTag>,
    /// The current modification time, if the resource has one.
    pub last_modified: Option<SystemTime>,
}

/// What to do with the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Perform the method.
    Proceed(RangeDecision),
    /// `304 Not Modified`.
    NotModified,
    /// `412 Precondition Failed`, because of this header.
    PreconditionFailed(Header),
    /// `400 Bad Request`.
    BadRequest(BadHeader),
}

/// Whether a `Range` request still applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeDecision {
    /// No `Range` header, or a method other than GET.
    NotRequested,
    /// Serve the requested range.
    Apply,
    /// `If-Range` did not match: ignore `Range` and send the full representation.
    Full,
}

impl Conditions<'_> {
    /// Evaluates the conditions against the current state (`None`: no current representation).
    pub fn evaluate(&self, method: Method, current: Option<Validators<'_>>) -> Outcome {
        let _ = (method, current);
        todo!()
    }
}
