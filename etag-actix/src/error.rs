//! [`PreconditionError`]: the 304, 400, 412 and 428 answers of a conditional request.

use core::fmt;
use std::time::SystemTime;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpResponse, ResponseError};

use crate::config::ErrorFormat;

use crate::problem::Problem;
use crate::representation::StandsFor;
use crate::validators::{self, Current, LastModified, tag_value};
use etag_core::{EntityTag, Header, ParseError};

/// Why a conditional request stops before the handler's work is done.
///
/// It is an [`actix_web::ResponseError`], so `?` turns it into the response:
///
/// | status | when | body |
/// |--------|------|------|
/// | `304 Not Modified` | [`Preconditions::not_modified`](crate::Preconditions::not_modified) or a `check` on `GET`/`HEAD` found the client's copy current | none; `ETag`, `Last-Modified` (once its second has passed), a fresh `Date`, `Cache-Control: no-cache`, or the headers given with [`with_headers`](Self::with_headers) |
/// | `400 Bad Request` | a malformed `If-Match` (any method) or `If-None-Match` (methods other than `GET`/`HEAD`) | names the header and what is wrong |
/// | `412 Precondition Failed` | a condition is false; carries the current `ETag` when known | says which header failed and how to recover |
/// | `428 Precondition Required` | a write without `If-Match`, a valid `If-Unmodified-Since` or `If-None-Match: *` when [`PreconditionConfig::require_precondition`](crate::PreconditionConfig::require_precondition) is on (or an `If-Unmodified-Since` alone on a resource without modification time), decided by the checks once the resource is known to exist | says how to resubmit; `Cache-Control: no-store` |
/// | `503 Service Unavailable` | a [`ConditionalWrite`](crate::ConditionalWrite) lost its compare-and-swap on every attempt while the preconditions held | says to resend; `Retry-After` |
///
/// Bodies are `application/problem+json` (RFC 9457: `type`, `title`, `status`, `detail`) or
/// plain text, as the [`PreconditionConfig`](crate::PreconditionConfig) of the request says.
///
/// # Examples
///
/// ```
/// use actix_web::{ResponseError, http::StatusCode};
/// use etag_actix::{EntityTag, PreconditionError};
///
/// let err = PreconditionError::failed(Some(EntityTag::strong("v2")?));
/// assert_eq!(err.status_code(), StatusCode::PRECONDITION_FAILED);
/// let res = err.error_response();
/// assert_eq!(res.headers().get("etag").unwrap(), "\"v2\"");
/// assert_eq!(res.headers().get("content-type").unwrap(), "application/problem+json");
/// # Ok::<(), etag_actix::ParseError>(())
/// ```
#[derive(Clone, Debug)]
pub struct PreconditionError {
    kind: Kind,
    format: ErrorFormat,
    etag: Option<EntityTag>,
    last_modified: LastModified,
    /// The `Date` of a 304 or a 412 (the instant the state was judged at).
    date: Option<SystemTime>,
    /// The headers of the 200 a 304 stands for (boxed: most errors have none).
    headers: Option<Box<HeaderMap>>,
    /// A compression-aware tag layer handles the request: a 304 records what it stands for,
    /// a 200 of this `Content-Type` unless its headers say otherwise (the config's; boxed:
    /// most errors have none, and the error stays small).
    tag_layer: Option<Box<HeaderValue>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    NotModified,
    Malformed(Header, ParseError),
    Failed(Option<Header>),
    Required,
    /// A conditional write kept losing its compare-and-swap while its preconditions held.
    Contended {
        retry_after: u32,
    },
}

impl PreconditionError {
    /// `412 Precondition Failed` carrying the current tag, for a compare-and-swap write that lost
    /// a race (the store found another version than the one checked).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::StatusCode};
    /// use etag_actix::PreconditionError;
    ///
    /// assert_eq!(PreconditionError::failed(None).status_code(), StatusCode::PRECONDITION_FAILED);
    /// ```
    pub fn failed(current: Option<EntityTag>) -> Self {
        Self::new(Kind::Failed(None)).with_etag(current)
    }

    /// `428 Precondition Required`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::StatusCode};
    /// use etag_actix::PreconditionError;
    ///
    /// let res = PreconditionError::required().error_response();
    /// assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
    /// assert_eq!(res.headers().get("cache-control").unwrap(), "no-store");
    /// ```
    pub fn required() -> Self {
        Self::new(Kind::Required)
    }

    /// `503 Service Unavailable` with `Retry-After: seconds`: a conditional write lost its
    /// compare-and-swap to other writers on every attempt while the client's preconditions
    /// still held (so a 412 would be false). What
    /// [`ConditionalWrite`](crate::ConditionalWrite) answers when its retries run out.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::StatusCode};
    /// use etag_actix::PreconditionError;
    ///
    /// let res = PreconditionError::contended(1).error_response();
    /// assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    /// assert_eq!(res.headers().get("retry-after").unwrap(), "1");
    /// assert_eq!(res.headers().get("content-type").unwrap(), "application/problem+json");
    /// ```
    pub fn contended(retry_after: u32) -> Self {
        Self::new(Kind::Contended { retry_after })
    }

    /// The same error with its body written in `format`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::ResponseError;
    /// use etag_actix::{ErrorFormat, PreconditionError};
    ///
    /// let res = PreconditionError::required().with_format(ErrorFormat::PlainText).error_response();
    /// assert_eq!(res.headers().get("content-type").unwrap(), "text/plain; charset=utf-8");
    /// ```
    #[must_use]
    pub fn with_format(mut self, format: ErrorFormat) -> Self {
        self.format = format;
        self
    }

    /// Gives a `304 Not Modified` the headers the 200 would carry, so that a cache updating
    /// its stored response gets the same `Cache-Control`, `Vary`, `Expires`,
    /// `Content-Location`... (RFC 9110 §15.4.5).
    ///
    /// The 304 sends those a 304 keeps (the same rule as [`Tagged`](crate::Tagged)'s: every
    /// header but `Content-*`, except `Content-Location`); a `Cache-Control` among them
    /// replaces the default `no-cache`, and the `ETag`, `Last-Modified` and `Date` the 304
    /// writes itself are not repeated. Without them the 304 carries only `ETag` (with
    /// `Last-Modified` and `Date` when known) and `Cache-Control: no-cache`. Other answers
    /// (400, 412, 428) ignore the headers: they do not stand for the 200.
    ///
    /// Behind [`TaggedCompress`](crate::TaggedCompress), a `Content-Type` among them names
    /// the 200 the 304 stands for, whose coding its tag follows; without one, the 304 stands
    /// for a 200 of the type [`PreconditionConfig::content_type`](crate::PreconditionConfig::content_type)
    /// names (JSON by default). A `Content-Length: 0` among them says that 200 is empty
    /// (`Compress` encodes no empty body, so its tag stays plain); like every `Content-*`
    /// header but `Content-Location`, it is not sent on the 304.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{ResponseError, http::header::{self, HeaderMap, HeaderValue}, test::TestRequest};
    /// use etag_actix::{EntityTag, Preconditions};
    ///
    /// let mut cache = HeaderMap::new();
    /// cache.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=60"));
    /// cache.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    ///
    /// let req = TestRequest::get().insert_header(("if-none-match", "\"v9\"")).to_http_request();
    /// let pre = Preconditions::from_req(&req)?;
    /// let err = pre.not_modified(&EntityTag::strong("v9")?).unwrap_err().with_headers(cache);
    /// let res = err.error_response();
    /// assert_eq!(res.status(), 304);
    /// assert_eq!(res.headers().get("cache-control").unwrap(), "private, max-age=60");
    /// assert_eq!(res.headers().get("vary").unwrap(), "Accept-Language");
    /// assert_eq!(res.headers().get("etag").unwrap(), "\"v9\"");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_headers(mut self, headers: HeaderMap) -> Self {
        self.headers = Some(Box::new(headers));
        self
    }

    /// The HTTP status of the answer (304, 400, 412, 428 or 503).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::PreconditionError;
    ///
    /// assert_eq!(PreconditionError::required().status(), StatusCode::PRECONDITION_REQUIRED);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self.kind {
            Kind::NotModified => StatusCode::NOT_MODIFIED,
            Kind::Malformed(..) => StatusCode::BAD_REQUEST,
            Kind::Failed(_) => StatusCode::PRECONDITION_FAILED,
            Kind::Required => StatusCode::PRECONDITION_REQUIRED,
            Kind::Contended { .. } => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// Whether this is the `304 Not Modified` answer (the client's copy is current).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::PreconditionError;
    ///
    /// assert!(!PreconditionError::required().is_not_modified());
    /// ```
    pub fn is_not_modified(&self) -> bool {
        self.kind == Kind::NotModified
    }

    /// The conditional header that caused the answer, when one did.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::PreconditionError;
    ///
    /// assert_eq!(PreconditionError::required().header(), None);
    /// ```
    pub fn header(&self) -> Option<Header> {
        match self.kind {
            Kind::Malformed(h, _) => Some(h),
            Kind::Failed(h) => h,
            Kind::NotModified | Kind::Required | Kind::Contended { .. } => None,
        }
    }

    /// Why the header was malformed, for a 400.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::PreconditionError;
    ///
    /// assert!(PreconditionError::required().parse_error().is_none());
    /// ```
    pub fn parse_error(&self) -> Option<ParseError> {
        match self.kind {
            Kind::Malformed(_, e) => Some(e),
            _ => None,
        }
    }

    /// The current entity tag sent with the answer, if known.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, PreconditionError};
    ///
    /// let tag = EntityTag::strong("v2")?;
    /// assert_eq!(PreconditionError::failed(Some(tag.clone())).etag(), Some(&tag));
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn etag(&self) -> Option<&EntityTag> {
        self.etag.as_ref()
    }

    const fn new(kind: Kind) -> Self {
        Self {
            kind,
            format: ErrorFormat::ProblemJson,
            etag: None,
            last_modified: LastModified::None,
            date: None,
            headers: None,
            tag_layer: None,
        }
    }

    /// Marks the answer to a request that a compression-aware tag layer handles.
    pub(crate) fn behind_tag_layer(mut self, content_type: Option<HeaderValue>) -> Self {
        self.tag_layer = content_type.map(Box::new);
        self
    }

    pub(crate) fn not_modified(
        etag: Option<EntityTag>,
        last_modified: LastModified,
        date: Option<SystemTime>,
    ) -> Self {
        let mut err = Self::new(Kind::NotModified).with_etag(etag);
        err.last_modified = last_modified;
        err.date = date;
        err
    }

    pub(crate) fn malformed(header: Header, error: ParseError) -> Self {
        Self::new(Kind::Malformed(header, error))
    }

    pub(crate) fn failed_on(header: Header, current: Option<EntityTag>) -> Self {
        Self::new(Kind::Failed(Some(header))).with_etag(current)
    }

    /// Dates the answer: a 412 that carries the current tag is a statement about the
    /// current state, so it gets the `Date` its 200 would get, not actix-web's (up to
    /// 500 ms old).
    pub(crate) fn dated(mut self, date: Option<SystemTime>) -> Self {
        self.date = date;
        self
    }

    fn with_etag(mut self, etag: Option<EntityTag>) -> Self {
        self.etag = etag;
        self
    }

    fn title(&self) -> &'static str {
        match self.kind {
            Kind::NotModified => "Not Modified",
            Kind::Malformed(..) => "Bad Request",
            Kind::Failed(_) => "Precondition Failed",
            Kind::Required => "Precondition Required",
            Kind::Contended { .. } => "Service Unavailable",
        }
    }

    fn type_uri(&self) -> &'static str {
        match self.kind {
            Kind::NotModified => "https://www.rfc-editor.org/rfc/rfc9110#name-304-not-modified",
            Kind::Malformed(..) => "https://www.rfc-editor.org/rfc/rfc9110#name-400-bad-request",
            Kind::Failed(_) => {
                "https://www.rfc-editor.org/rfc/rfc9110#name-412-precondition-failed"
            }
            Kind::Required => "https://www.rfc-editor.org/rfc/rfc6585#section-3",
            Kind::Contended { .. } => {
                "https://www.rfc-editor.org/rfc/rfc9110#name-503-service-unavailable"
            }
        }
    }
}

impl fmt::Display for PreconditionError {
    /// The `detail` of the problem document.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::NotModified => f.write_str("the client's copy of the resource is current"),
            Kind::Malformed(h, e) => write!(f, "malformed {} header: {e}", h.as_str()),
            Kind::Failed(Some(Header::IfMatch)) | Kind::Failed(None) => f.write_str(
                "the resource has changed since the client fetched it (its entity-tag no longer \
                 matches If-Match); fetch it again and resubmit the change with the new ETag",
            ),
            Kind::Failed(Some(Header::IfUnmodifiedSince)) => f.write_str(
                "the resource was modified after the If-Unmodified-Since date; fetch it again and \
                 resubmit the change",
            ),
            Kind::Failed(Some(Header::IfNoneMatch)) => f.write_str(
                "a current representation matches If-None-Match (with `*`: the resource already \
                 exists)",
            ),
            Kind::Failed(Some(h)) => write!(f, "the {} condition is false", h.as_str()),
            Kind::Required => f.write_str(
                "this request must be conditional: fetch the resource, then resend the request \
                 with an If-Match header carrying its ETag (or If-None-Match: * to create a \
                 resource that must not exist yet)",
            ),
            Kind::Contended { retry_after } => write!(
                f,
                "the resource kept changing while this write was applied, although its \
                 preconditions still hold; nothing was changed: resend the same request after \
                 {retry_after} second{}",
                if retry_after == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for PreconditionError {}

impl ResponseError for PreconditionError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        if self.kind == Kind::NotModified {
            // What the 200 carries: the headers given for it, else the config's type.
            let stands_for = self.tag_layer.as_ref().map(|content_type| {
                let empty = HeaderMap::new();
                let given = self.headers.as_deref().unwrap_or(&empty);
                StandsFor::of(
                    StatusCode::OK,
                    given,
                    Some(HeaderValue::clone(content_type)),
                )
            });
            let current = Current {
                etag: self.etag.as_ref(),
                last_modified: self.last_modified,
                // Without an instant (never the case for a 304 this crate makes), the
                // service's own clock.
                date: self.date.unwrap_or_else(SystemTime::now),
            };
            return validators::not_modified(&current, self.headers.as_deref(), true, stands_for);
        }
        let mut problem = Problem::new(self.status(), self.to_string())
            .with_type(self.type_uri())
            .with_title(self.title())
            .with_format(self.format);
        if let Some(value) = self.etag.as_ref().and_then(tag_value) {
            problem = problem.insert_header((header::ETAG, value));
        }
        if let Some(value) = self.date.and_then(validators::date_value) {
            problem = problem.insert_header((header::DATE, value));
        }
        if let Kind::Contended { retry_after } = self.kind {
            problem = problem.retry_after(retry_after);
        }
        if self.kind == Kind::Required {
            problem = problem
                .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        }
        problem.error_response()
    }
}
