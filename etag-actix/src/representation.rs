//! What a `304 Not Modified` stands for, told to the compression-aware tag layer
//! (crate-internal).
//!
//! A 304 has no body, no `Content-Type` and no `Content-Encoding`, yet its `ETag` must be
//! the one of the 200 it stands for (RFC 9111 §4.3.4): behind `TaggedCompress` that tag
//! depends on whether `Compress` would have encoded that 200. The responders of this crate
//! know what the 200 would have carried; when a tag layer marked the request
//! ([`BehindTagLayer`]), they record it on their 304 as a response extension
//! ([`StandsFor`]), where the layer reads it.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpMessage as _, HttpRequest};

/// Request extension: a compression-aware tag layer handles this request (its conditions
/// are rewritten, its response's tag will be). The first layer inserts it; inner layers
/// pass such a request through, and responders record [`StandsFor`] on their 304s.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BehindTagLayer;

/// Whether a tag layer handles `req`.
pub(crate) fn behind_tag_layer(req: &HttpRequest) -> bool {
    req.extensions().contains::<BehindTagLayer>()
}

/// Response extension of a 304: the content metadata of the 200 it stands for.
#[derive(Clone, Debug)]
pub(crate) struct StandsFor {
    /// The 200's `Content-Type` (`None`: it has none).
    pub(crate) content_type: Option<HeaderValue>,
    /// The 200's own `Content-Encoding`, set by the handler.
    pub(crate) content_encoding: Option<HeaderValue>,
    /// Whether the 200's body is empty (`Compress` encodes no empty body).
    pub(crate) empty: bool,
    /// The 200's status.
    pub(crate) status: StatusCode,
}

impl StandsFor {
    /// What a 200 with these headers carries: its body is empty only if they say
    /// `Content-Length: 0`.
    pub(crate) fn of(
        status: StatusCode,
        headers: &HeaderMap,
        default_type: Option<HeaderValue>,
    ) -> Self {
        StandsFor {
            content_type: headers.get(header::CONTENT_TYPE).cloned().or(default_type),
            content_encoding: headers.get(header::CONTENT_ENCODING).cloned(),
            empty: headers
                .get(header::CONTENT_LENGTH)
                .is_some_and(|length| length.as_bytes().trim_ascii() == b"0"),
            status,
        }
    }
}
