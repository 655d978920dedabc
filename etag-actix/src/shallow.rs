//! [`ShallowEtag`]: tags for handlers that do not use [`Tagged`](crate::Tagged).

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::{self, BodySize, BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::web::Bytes;
use actix_web::{Error, HttpResponse, ResponseError};
use etag_core::{EntityTag, Method, Validators};
use futures_util::future::LocalBoxFuture;

use crate::conditions::{RawConditions, any_condition, core_method};
use crate::config::PreconditionConfig;
use crate::decide::{self, Decision};
use crate::representation::{StandsFor, behind_tag_layer};
use crate::validators::{self, Current, LastModified};

/// The default largest body [`ShallowEtag`] buffers: 1 MiB.
const DEFAULT_MAX_SIZE: usize = 1 << 20;

/// Tags `GET`/`HEAD` responses by hashing their bytes, and answers conditional requests with
/// `304`/`412` (what Spring's `ShallowEtagHeaderFilter` does).
///
/// It is *shallow*: the handler runs and serializes in full, only the transfer is saved.
/// Prefer [`Tagged`](crate::Tagged), which skips serialization (and with
/// [`Preconditions::not_modified`](crate::Preconditions::not_modified) even the load), and
/// use this layer for handlers that cannot.
///
/// A response is tagged when all of these hold:
/// - the method is `GET` or `HEAD`, and the status is 2xx other than `206`;
/// - it has no `ETag` yet (a handler's own tag wins);
/// - its body has a known size of at most [`max_size`](Self::max_size) bytes (default
///   1 MiB): streaming bodies and larger ones pass through untouched, and so does an empty
///   body on `HEAD` (it is not the `GET`'s body, so its hash would be wrong).
///
/// The tag is strong: `"base64url(xxh3-128(body))"` (22 characters). A body tag only has
/// to change when the bytes change, on this URL; it is not the canonical encoding of
/// derived tags, which is SHA-1 so that other programs can compute it. xxh3 is the hash of
/// the xxHash family built for speed: about an order of magnitude faster than SHA-1 on
/// large bodies, which this layer hashes on every `200`, and 128 bits make an accidental
/// collision between two versions of one resource negligible. It is not collision-resistant
/// against someone who crafts two bodies on purpose: a resource whose bytes an adversary
/// controls should be tagged by [`Tagged`](crate::Tagged) from a version.
///
/// The request's conditions are then evaluated against the tag (and against the
/// response's `Last-Modified`, if any): `304` keeps every header but `Content-*` (except
/// `Content-Location`), `412` and `400` are answered as [`PreconditionError`](crate::PreconditionError)s.
///
/// The handler's `Last-Modified` follows the rule of [`Tagged`](crate::Tagged#last-modified-within-its-own-second):
/// while its second is still the current one, it is removed from the response, not used
/// for `If-Modified-Since`, and any `If-Unmodified-Since` up to now fails.
///
/// Behind [`TaggedCompress`](crate::TaggedCompress), wrap this layer first (inside) so it
/// hashes the uncompressed bytes.
///
/// # Examples
///
/// ```
/// use actix_web::{App, HttpResponse, test, web, http::header};
/// use etag_actix::ShallowEtag;
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new()
///         .wrap(ShallowEtag::new().max_size(64 * 1024))
///         .route("/", web::get().to(|| async { HttpResponse::Ok().body("hello") })),
/// ).await;
/// let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
/// let tag = res.headers().get(header::ETAG).unwrap().clone();
///
/// let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, tag));
/// let res = test::call_service(&app, req.to_request()).await;
/// assert_eq!(res.status(), 304);
/// # });
/// ```
#[derive(Clone, Copy, Debug)]
pub struct ShallowEtag {
    max_size: usize,
}

impl Default for ShallowEtag {
    fn default() -> Self {
        Self {
            max_size: DEFAULT_MAX_SIZE,
        }
    }
}

impl ShallowEtag {
    /// The layer with the default limit (1 MiB).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::ShallowEtag;
    ///
    /// assert_eq!(ShallowEtag::new().limit(), 1 << 20);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the largest body (in bytes) that is buffered and tagged.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::ShallowEtag;
    ///
    /// assert_eq!(ShallowEtag::new().max_size(10).limit(), 10);
    /// ```
    #[must_use]
    pub fn max_size(mut self, bytes: usize) -> Self {
        self.max_size = bytes;
        self
    }

    /// The largest body (in bytes) that is buffered and tagged.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::ShallowEtag;
    ///
    /// assert_eq!(ShallowEtag::default().limit(), 1 << 20);
    /// ```
    pub fn limit(&self) -> usize {
        self.max_size
    }
}

impl<S, B> Transform<S, ServiceRequest> for ShallowEtag
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Transform = ShallowEtagMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(ShallowEtagMiddleware {
            service: Rc::new(service),
            max_size: self.max_size,
        }))
    }
}

/// The service made by [`ShallowEtag`].
///
/// # Examples
///
/// ```
/// use actix_web::App;
/// use etag_actix::ShallowEtag;
///
/// // Built for you by `wrap`:
/// let app = App::new().wrap(ShallowEtag::new());
/// # drop(app);
/// ```
#[derive(Debug)]
pub struct ShallowEtagMiddleware<S> {
    service: Rc<S>,
    max_size: usize,
}

impl<S, B> Service<ServiceRequest> for ShallowEtagMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B, BoxBody>>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let method = core_method(req.method());
        let service = Rc::clone(&self.service);
        let max_size = self.max_size;
        Box::pin(async move {
            let res = service.call(req).await?;
            if !matches!(method, Method::Get | Method::Head) || !eligible(&res, method, max_size) {
                return Ok(res.map_into_left_body());
            }
            let (req, res) = res.into_parts();
            let (head, body) = res.into_parts();
            let bytes = match body.try_into_bytes() {
                Ok(bytes) => bytes,
                Err(body) => body::to_bytes(body)
                    .await
                    .map_err(|e| actix_web::error::ErrorInternalServerError(e.into()))?,
            };
            let tag = BodyTag::of(&bytes);
            let res = respond(&req, head, bytes, &tag, method);
            Ok(ServiceResponse::new(req, res.map_into_right_body()))
        })
    }
}

/// Whether the response is one this layer tags.
fn eligible<B: MessageBody>(res: &ServiceResponse<B>, method: Method, max_size: usize) -> bool {
    let status = res.status();
    if !status.is_success() || status == StatusCode::PARTIAL_CONTENT {
        return false;
    }
    if res.headers().contains_key(header::ETAG) {
        return false;
    }
    match res.response().body().size() {
        BodySize::Sized(0) => method == Method::Get,
        BodySize::Sized(n) => usize::try_from(n).is_ok_and(|n| n <= max_size),
        BodySize::None | BodySize::Stream => false,
    }
}

/// A body's tag, `"base64url(xxh3-128(bytes))"`: the hash's 16 bytes little-endian, 22
/// characters, kept as the header's 24 bytes (quotes included). The [`EntityTag`] is only
/// built when a request has conditions to evaluate against it.
struct BodyTag {
    quoted: [u8; 24],
}

impl BodyTag {
    fn of(bytes: &[u8]) -> Self {
        use base64::Engine as _;
        let hash = xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes();
        let mut quoted = [b'"'; 24];
        if let Some(opaque) = quoted.get_mut(1..23) {
            // 16 bytes are exactly 22 base64url characters: this cannot fail.
            let _ = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode_slice(hash, opaque);
        }
        BodyTag { quoted }
    }

    /// The `ETag` header value (base64url characters are all etagc: always valid).
    fn header_value(&self) -> Option<HeaderValue> {
        HeaderValue::from_bytes(&self.quoted).ok()
    }

    /// The strong entity-tag (always valid, see [`header_value`](Self::header_value)).
    fn entity_tag(&self) -> Option<EntityTag> {
        let opaque = self.quoted.get(1..23)?;
        EntityTag::strong(core::str::from_utf8(opaque).ok()?).ok()
    }
}

/// The 200 with its new tag, or the 304 / 412 / 400 the conditions call for.
fn respond(
    req: &actix_web::HttpRequest,
    mut head: HttpResponse<()>,
    bytes: Bytes,
    tag: &BodyTag,
    method: Method,
) -> HttpResponse<BoxBody> {
    if let Some(value) = tag.header_value() {
        head.headers_mut().insert(header::ETAG, value);
    }
    let config = PreconditionConfig::from_req(req);
    // Only a request with a condition needs the tag as an `EntityTag`.
    let conditional = any_condition(req.headers());
    let entity_tag = if conditional { tag.entity_tag() } else { None };
    let current = Current::judge(
        Validators {
            etag: entity_tag.as_ref(),
            last_modified: head
                .headers()
                .get(header::LAST_MODIFIED)
                .and_then(|v| etag_core::parse_http_date(v.as_bytes()).ok()),
        },
        config.now(),
    );
    if let LastModified::Unsettled { .. } = current.last_modified {
        // Not a validator yet (the same-second rule): not sent either.
        head.headers_mut().remove(header::LAST_MODIFIED);
    }
    // Like every response this crate tags, the 200 and the 304: a `Date` of the instant
    // it was judged at, unless the handler set its own.
    if !head.headers().contains_key(header::DATE)
        && let Some(date) = validators::date_value(current.date)
    {
        head.headers_mut().insert(header::DATE, date);
    }
    // Without a condition, nothing to evaluate: the 200 as it is.
    let decision = if conditional {
        let raw = RawConditions::from_headers(req.headers());
        decide::decide(method, &raw.conditions(), Some(current))
    } else {
        Decision::Proceed
    };
    match decision {
        Decision::Proceed => head.set_body(BoxBody::new(bytes)),
        // The handler's head becomes the 304: it holds the validators already (the tag,
        // a settled Last-Modified, the Date), and keeps every header a 304 repeats (not
        // `Content-*`, but `Content-Location`). No new header map is built.
        Decision::NotModified => {
            if let Some(stands_for) = behind_tag_layer(req).then(|| StandsFor {
                empty: bytes.is_empty(),
                ..StandsFor::of(head.status(), head.headers(), None)
            }) {
                head.extensions_mut().insert(stands_for);
            }
            *head.status_mut() = StatusCode::NOT_MODIFIED;
            head.headers_mut()
                .retain(|name, _| validators::kept_on_304(name));
            head.set_body(BoxBody::new(body::None::new()))
        }
        Decision::Stop(err) => err.with_format(config.format()).error_response(),
    }
}
