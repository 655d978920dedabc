//! The [`Tagged`] responder.

use std::time::SystemTime;

use actix_web::body::{self, BoxBody};
use actix_web::error::HttpError;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, HeaderMap, HeaderName, HeaderValue, TryIntoHeaderPair, TryIntoHeaderValue,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};
use etag_core::{ETag, EntityTag, Method, Outcome, Validators};
use serde::Serialize;

use crate::config::PreconditionConfig;
use crate::decide;
use crate::error::PreconditionError;
use crate::headers::{NO_CACHE, RawConditions, core_method, http_date, kept_on_304, tag_value};

/// A JSON response with validators: `ETag` (and `Last-Modified`), answering conditional
/// `GET` and `HEAD` requests itself.
///
/// For `GET` and `HEAD` (when the status is 2xx) it evaluates the request's conditions
/// (RFC 9110 §13.2.2) before serializing anything:
/// - `304 Not Modified` with the `ETag`, `Last-Modified`, `Cache-Control`, `Vary`, `Expires`
///   and `Content-Location` the 200 would carry (and a fresh `Date`), no body, no
///   `Content-Type`/`Content-Length`; the value is **not serialized** on this path;
/// - `412 Precondition Failed` (an `If-Match` or `If-Unmodified-Since` that fails), with the
///   current `ETag`; `400` for a malformed `If-Match`;
/// - else the 200 (or the status you set) with `Content-Type: application/json`.
///
/// A `HEAD` is answered like the `GET`: same status and headers, and the JSON body is still
/// produced so that actix writes the `GET`'s `Content-Length` (actix's HTTP/1 and HTTP/2
/// layers never send the body of a `HEAD` response). Route `HEAD` to your `GET` handlers
/// with [`get_or_head`](crate::get_or_head).
///
/// For other methods it only sends the tag of the new state: a precondition belongs before
/// the write (see [`Preconditions`](crate::Preconditions)), not against its result.
///
/// # Cache-Control
///
/// Unless you set one, responses carry `Cache-Control: no-cache`: caches may store the
/// response but must revalidate it before each reuse. For an API resource that can change at
/// any moment this is what entity tags are for: each reuse costs a round trip but no body
/// (a 304), and no client ever acts on a stale copy. Set
/// [`cache_control`](Self::cache_control) (e.g. `private, max-age=60`) when some staleness
/// is acceptable.
///
/// # Examples
///
/// ```
/// use actix_web::{get, web};
/// use etag_actix::{ETag, Tagged};
/// use serde::Serialize;
///
/// #[derive(Serialize, ETag)]
/// struct Product {
///     #[etag]
///     id: u64,
///     #[etag]
///     version: u64,
///     name: String,
/// }
///
/// #[get("/products/{id}")]
/// async fn show(id: web::Path<u64>) -> Tagged<Product> {
///     Tagged::new(Product { id: *id, version: 1, name: "Widget".into() })
/// }
/// # let _ = actix_web::App::new().service(show);
/// ```
#[derive(Debug)]
pub struct Tagged<T> {
    value: T,
    etag: EntityTag,
    last_modified: Option<SystemTime>,
    status: StatusCode,
    headers: HeaderMap,
    error: Option<HttpError>,
}

impl<T: ETag> Tagged<T> {
    /// Tags `value` with its [`ETag::etag`] and [`ETag::last_modified`].
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{ETag, Tagged};
    ///
    /// #[derive(serde::Serialize, ETag)]
    /// struct Note { #[etag] version: u32 }
    ///
    /// let tagged = Tagged::new(Note { version: 1 });
    /// assert_eq!(tagged.entity_tag(), &Note { version: 1 }.etag());
    /// ```
    pub fn new(value: T) -> Self {
        let etag = value.etag();
        let last_modified = value.last_modified();
        Self::with_etag(value, etag).with_last_modified(last_modified)
    }
}

impl<T> Tagged<T> {
    /// Tags `value` with an explicit entity tag (no `Last-Modified` unless set).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(vec![1, 2, 3], EntityTag::strong("list-v7")?);
    /// assert_eq!(tagged.entity_tag().opaque(), "list-v7");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn with_etag(value: T, etag: EntityTag) -> Self {
        Self {
            value,
            etag,
            last_modified: None,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            error: None,
        }
    }

    /// Sets (or, with `None`, removes) the `Last-Modified` time. HTTP dates have whole
    /// seconds: the time is truncated when sent and compared.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// let tagged = Tagged::with_etag("x", EntityTag::strong("x")?).last_modified(when);
    /// assert_eq!(tagged.modified(), Some(when));
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn last_modified(self, time: impl Into<Option<SystemTime>>) -> Self {
        self.with_last_modified(time.into())
    }

    fn with_last_modified(mut self, time: Option<SystemTime>) -> Self {
        self.last_modified = time;
        self
    }

    /// Replaces the entity tag.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?).etag(EntityTag::weak("b")?);
    /// assert_eq!(tagged.entity_tag().to_string(), "W/\"b\"");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn etag(mut self, etag: EntityTag) -> Self {
        self.etag = etag;
        self
    }

    /// Sets the status of the non-304 response (default `200 OK`). Conditions are evaluated
    /// only when it is 2xx.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?).status(StatusCode::ACCEPTED);
    /// assert_eq!(tagged.status_code(), StatusCode::ACCEPTED);
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// `201 Created` with a `Location` header: the answer to a `POST` that created the resource.
    /// An invalid header value turns the response into a 500, as actix's `customize()` does.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{http::StatusCode, test::TestRequest, Responder};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?).created("/products/1");
    /// let res = tagged.respond_to(&TestRequest::post().to_http_request());
    /// assert_eq!(res.status(), StatusCode::CREATED);
    /// assert_eq!(res.headers().get("location").unwrap(), "/products/1");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn created(self, location: impl TryIntoHeaderValue) -> Self {
        self.status(StatusCode::CREATED)
            .set_header(header::LOCATION, location)
    }

    /// Sets `Cache-Control` (default: `no-cache`, see the type docs); sent on the 304 too.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{test::TestRequest, Responder};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?).cache_control("private, max-age=60");
    /// let res = tagged.respond_to(&TestRequest::get().to_http_request());
    /// assert_eq!(res.headers().get("cache-control").unwrap(), "private, max-age=60");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn cache_control(self, value: impl TryIntoHeaderValue) -> Self {
        self.set_header(header::CACHE_CONTROL, value)
    }

    /// Sets `Vary` (e.g. `Accept-Language`); sent on the 304 too.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{test::TestRequest, Responder};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?).vary("Accept-Language");
    /// let res = tagged.respond_to(&TestRequest::get().to_http_request());
    /// assert_eq!(res.headers().get("vary").unwrap(), "Accept-Language");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn vary(self, value: impl TryIntoHeaderValue) -> Self {
        self.set_header(header::VARY, value)
    }

    /// Inserts a header, replacing any of the same name. On a 304 only the headers that
    /// guide cache updates are kept (`Cache-Control`, `Content-Location`, `Expires`, `Vary` and
    /// any other non-`Content-*` field); `Content-*` fields are dropped. Set the tag with
    /// [`etag`](Self::etag), not here.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{test::TestRequest, Responder};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?)
    ///     .insert_header(("expires", "Thu, 01 Dec 2044 16:00:00 GMT"));
    /// let res = tagged.respond_to(&TestRequest::get().to_http_request());
    /// assert_eq!(res.headers().get("expires").unwrap(), "Thu, 01 Dec 2044 16:00:00 GMT");
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn insert_header(mut self, header: impl TryIntoHeaderPair) -> Self {
        match header.try_into_pair() {
            Ok((name, value)) => {
                self.headers.insert(name, value);
            }
            Err(err) => {
                if self.error.is_none() {
                    self.error = Some(err.into());
                }
            }
        }
        self
    }

    fn set_header(mut self, name: HeaderName, value: impl TryIntoHeaderValue) -> Self {
        match value.try_into_value() {
            Ok(value) => {
                self.headers.insert(name, value);
            }
            Err(err) => {
                if self.error.is_none() {
                    self.error = Some(err.into());
                }
            }
        }
        self
    }

    /// The value to be serialized.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// assert_eq!(*Tagged::with_etag(5, EntityTag::strong("a")?).value(), 5);
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The entity tag to be sent.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tag = EntityTag::strong("a")?;
    /// assert_eq!(Tagged::with_etag(5, tag.clone()).entity_tag(), &tag);
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn entity_tag(&self) -> &EntityTag {
        &self.etag
    }

    /// The `Last-Modified` time to be sent, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// assert_eq!(Tagged::with_etag(5, EntityTag::strong("a")?).modified(), None);
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn modified(&self) -> Option<SystemTime> {
        self.last_modified
    }

    /// The status of the non-304 response.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::StatusCode;
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// assert_eq!(Tagged::with_etag(5, EntityTag::strong("a")?).status_code(), StatusCode::OK);
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn status_code(&self) -> StatusCode {
        self.status
    }

    /// The value, dropping the response metadata.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// assert_eq!(Tagged::with_etag(5, EntityTag::strong("a")?).into_inner(), 5);
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

/// Everything but the value: the non-generic part of the responder.
struct Meta {
    etag: EntityTag,
    last_modified: Option<SystemTime>,
    status: StatusCode,
    headers: HeaderMap,
}

enum Decision {
    Respond(HttpResponse<BoxBody>),
    Serialize,
}

impl<T: Serialize> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse<Self::Body> {
        let Tagged {
            value,
            etag,
            last_modified,
            status,
            headers,
            error,
        } = self;
        if let Some(err) = error {
            return HttpResponse::from_error(err);
        }
        let meta = Meta {
            etag,
            last_modified,
            status,
            headers,
        };
        match decide_response(&meta, req) {
            Decision::Respond(res) => res,
            Decision::Serialize => match to_json(&value) {
                Ok(body) => full_response(meta, body),
                Err(err) => {
                    HttpResponse::from_error(actix_web::error::JsonPayloadError::Serialize(err))
                }
            },
        }
    }
}

/// The JSON body, written into a buffer sized for a typical API document so that it is not
/// regrown from 8 bytes up (what `serde_json::to_vec` does).
fn to_json<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let mut body = Vec::with_capacity(JSON_CAPACITY);
    serde_json::to_writer(&mut body, value)?;
    Ok(body)
}

/// Initial capacity of the JSON body buffer.
const JSON_CAPACITY: usize = 512;

fn decide_response(meta: &Meta, req: &HttpRequest) -> Decision {
    let method = core_method(req.method());
    if !meta.status.is_success() || !matches!(method, Method::Get | Method::Head) {
        return Decision::Serialize;
    }
    let raw = RawConditions::from_headers(req.headers());
    let conditions = raw.conditions();
    let current = Validators {
        etag: Some(&meta.etag),
        last_modified: meta.last_modified,
    };
    if let Err(err) = decide::validate(method, &conditions) {
        return Decision::Respond(error_response(err, req));
    }
    match conditions.evaluate(method, Some(current)) {
        Outcome::Proceed(_) => Decision::Serialize,
        Outcome::NotModified => Decision::Respond(not_modified(meta)),
        Outcome::PreconditionFailed(header) => Decision::Respond(error_response(
            PreconditionError::failed_on(header, Some(meta.etag.clone())),
            req,
        )),
        Outcome::BadRequest(bad) => Decision::Respond(error_response(
            PreconditionError::malformed(bad.header(), bad.error()),
            req,
        )),
    }
}

fn error_response(err: PreconditionError, req: &HttpRequest) -> HttpResponse<BoxBody> {
    err.with_format(PreconditionConfig::from_req(req).format())
        .error_response()
}

fn write_validators(meta: &Meta, headers: &mut HeaderMap) {
    if let Some(value) = tag_value(&meta.etag) {
        headers.insert(header::ETAG, value);
    }
    if let Some(modified) = meta.last_modified {
        // RFC 9110 §8.8.2.1: Last-Modified must not be later than the response's Date.
        // actix refreshes its cached Date only every 500 ms, so a resource written just now
        // could look modified in the future: send a fresh Date, and cap Last-Modified at it
        // (which also covers a writer whose clock runs ahead of this instance).
        let now = SystemTime::now();
        if let Some(value) = http_date(modified.min(now)) {
            headers.insert(header::LAST_MODIFIED, value);
            if !meta.headers.contains_key(header::DATE)
                && let Some(date) = http_date(now)
            {
                headers.insert(header::DATE, date);
            }
        }
    }
    if !meta.headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    }
}

fn not_modified(meta: &Meta) -> HttpResponse<BoxBody> {
    let mut res =
        HttpResponse::with_body(StatusCode::NOT_MODIFIED, BoxBody::new(body::None::new()));
    let headers = res.headers_mut();
    write_validators(meta, headers);
    for (name, value) in meta.headers.iter() {
        if kept_on_304(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    res
}

fn full_response(meta: Meta, body: Vec<u8>) -> HttpResponse<BoxBody> {
    let mut res = HttpResponse::with_body(meta.status, BoxBody::new(Bytes::from(body)));
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    write_validators(&meta, headers);
    for (name, value) in meta.headers {
        headers.insert(name, value);
    }
    res
}
