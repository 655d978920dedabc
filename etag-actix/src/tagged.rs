//! The [`Tagged`] responder.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use actix_web::body::BoxBody;
use actix_web::error::HttpError;
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, HeaderMap, HeaderName, HeaderValue, TryIntoHeaderPair, TryIntoHeaderValue,
};
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse, Responder, ResponseError};
use etag_core::{ETag, EntityTag, Method, Validators};
use serde::Serialize;

use crate::conditions::{RawConditions, any_condition, core_method};
use crate::config::PreconditionConfig;
use crate::decide;
use crate::representation::{StandsFor, behind_tag_layer};
use crate::validators::{self, Current, LastModified};

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
/// # Validators on a response to PUT
///
/// RFC 9110 §9.3.4 forbids validators on a successful `PUT` response unless the stored
/// representation is the request content, untransformed. A JSON API rarely stores exactly
/// what it received (it adds an id, a version, a timestamp), yet a client wants the new
/// tag, to make its next write conditional without a round trip. §6.4.2 and §8.8.3 allow
/// it: a 2xx response to `PUT` whose `Content-Location` is the target URI carries a
/// representation of the target resource, and the `ETag` of the response describes that
/// representation. `Tagged` follows this reading: it sends the full new representation
/// with its validators, and on a 2xx response to `PUT` it adds `Content-Location: <the
/// request's path and query>` when you did not set one, so that the response says what
/// its tag describes. For the strict reading, call
/// [`omit_validators`](Self::omit_validators): no `ETag` and no `Last-Modified` (clients
/// then fetch the resource again before their next conditional write).
///
/// # Last-Modified within its own second
///
/// HTTP dates have whole seconds; a modification time has finer ones, so two versions can
/// share one date. A modification time is therefore used as a validator only once its
/// second has passed (RFC 9110 §8.8.2.2). While the second of the modification time is still
/// the current one (a change just now, or a clock ahead of this instance):
/// - no `Last-Modified` is sent, on the 200 and the 304 alike, so no client can hold a
///   date that stands for two versions;
/// - `If-Modified-Since` is ignored: no 304 by date (RFC 9110 §13.1.3);
/// - `If-Unmodified-Since` fails for any date up to the current second (412): nothing
///   shows the resource unmodified since then (RFC 9110 §13.1.4). Technically, it is
///   compared with the next whole second after now.
///
/// A second later `Last-Modified` is sent again and compared as usual. The `ETag` is
/// unaffected: clients that revalidate by tag get their 304s throughout. `Preconditions`,
/// [`Tagged::head`] and [`ShallowEtag`](crate::ShallowEtag) follow the same rule.
///
/// Every response carries a `Date` of its own: the instant the modification time was judged
/// at (on the [`PreconditionConfig::clock`](crate::PreconditionConfig::clock)), or the
/// modification time itself when a writer's clock ran ahead of this one. So `Date` is never
/// older than the representation, nor earlier than `Last-Modified`; actix-web's own `Date`
/// is refreshed only every 500 ms and would often be a second older than a change just made.
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
    pub(crate) value: T,
    pub(crate) head: Head,
}

/// Everything but the value: the validators, the status and the headers (the non-generic
/// part of the responder).
#[derive(Debug)]
pub(crate) struct Head {
    etag: EntityTag,
    last_modified: Option<SystemTime>,
    status: StatusCode,
    headers: HeaderMap,
    error: Option<Invalid>,
    /// Send no `ETag` and no `Last-Modified` (the strict reading of RFC 9110 §9.3.4).
    omit_validators: bool,
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
            head: Head {
                etag,
                last_modified: None,
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                error: None,
                omit_validators: false,
            },
        }
    }

    /// Sets (or, with `None`, removes) the `Last-Modified` time. HTTP dates have whole
    /// seconds: the time is truncated when sent and compared, and it is neither sent nor
    /// used for `If-Modified-Since` until its second has passed (see
    /// [Last-Modified within its own second](Tagged#last-modified-within-its-own-second)).
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
        self.head.last_modified = time;
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
        self.head.etag = etag;
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
        self.head.status = status;
        self
    }

    /// Sends no `ETag` and no `Last-Modified` on the full response: the strict reading of
    /// RFC 9110 §9.3.4 for a `PUT` whose stored representation is not the request content
    /// (see [Validators on a response to PUT](Tagged#validators-on-a-response-to-put)).
    /// The tag is still what `GET`/`HEAD` conditions are evaluated against; a `304` sends
    /// no validators either, like the 200 it stands for.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{test::TestRequest, Responder};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// let tagged = Tagged::with_etag(1, EntityTag::strong("a")?).omit_validators();
    /// let res = tagged.respond_to(&TestRequest::put().uri("/n/1").to_http_request());
    /// assert!(res.headers().get("etag").is_none());
    /// assert!(res.headers().get("content-location").is_none());
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    #[must_use]
    pub fn omit_validators(mut self) -> Self {
        self.head.omit_validators = true;
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
    /// any other non-`Content-*` field); `Content-*` fields are dropped.
    ///
    /// `ETag` and `Last-Modified` set the validators themselves, as [`etag`](Self::etag) and
    /// [`last_modified`](Self::last_modified) do: the tag that is evaluated is the tag that
    /// is sent, and no response carries two of either. A value that does not parse (an
    /// unquoted tag, an invalid date) makes the response a 500, like any invalid header value.
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
            Ok((name, value)) => self.head.put(name, value),
            Err(err) => self.head.fail(Invalid::Header(err.into())),
        }
        self
    }

    fn set_header(mut self, name: HeaderName, value: impl TryIntoHeaderValue) -> Self {
        match value.try_into_value() {
            Ok(value) => self.head.put(name, value),
            Err(err) => self.head.fail(Invalid::Header(err.into())),
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
        &self.head.etag
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
        self.head.last_modified
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
        self.head.status
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

/// What [`Head::decide`] found: `Break` with the answer the request gets without a body
/// being serialized, or `Continue` with the judged modification time and the `Date` of the
/// full response.
pub(crate) type Verdict = ControlFlow<HttpResponse<BoxBody>, (LastModified, SystemTime)>;

impl<T: Serialize> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse<Self::Body> {
        let Tagged { value, head } = self;
        match head.decide(req) {
            ControlFlow::Break(res) => res,
            ControlFlow::Continue(judged) => match to_json(&value) {
                Ok(body) => head.full_response(req, judged, body),
                Err(err) => {
                    HttpResponse::from_error(actix_web::error::JsonPayloadError::Serialize(err))
                }
            },
        }
    }
}

/// The JSON body, written into a buffer sized like the last body written (see
/// [`JSON_SIZE_HINT`]), so that it is rarely regrown: each regrowth copies everything
/// written so far (`serde_json::to_vec` starts at 128 bytes and doubles).
fn to_json<T: Serialize>(value: &T) -> serde_json::Result<Vec<u8>> {
    let hint = JSON_SIZE_HINT.load(Ordering::Relaxed);
    let mut body = Vec::with_capacity(hint);
    serde_json::to_writer(&mut body, value)?;
    // An eighth more than this body, within bounds: responses of a service tend to repeat
    // their sizes, and a slightly larger one still fits.
    let next = body
        .len()
        .saturating_add(body.len() / 8)
        .clamp(JSON_CAPACITY, MAX_JSON_HINT);
    if next != hint {
        JSON_SIZE_HINT.store(next, Ordering::Relaxed);
    }
    Ok(body)
}

/// The capacity of the next JSON body buffer: the size of the last one written, plus an
/// eighth (shared by all threads; only a hint, so relaxed).
static JSON_SIZE_HINT: AtomicUsize = AtomicUsize::new(JSON_CAPACITY);

/// The largest capacity [`JSON_SIZE_HINT`] asks for up front: a large body after it grows
/// as usual, and a small one after a large one does not reserve more than this.
const MAX_JSON_HINT: usize = 64 * 1024;

/// The `Content-Type` of a `Tagged` body.
const JSON: &str = "application/json";

/// The smallest capacity of a JSON body buffer.
const JSON_CAPACITY: usize = 512;

impl Head {
    /// Stores a header; `ETag` and `Last-Modified` go to the validators they are.
    fn put(&mut self, name: HeaderName, value: HeaderValue) {
        if name == header::ETAG {
            match EntityTag::parse(value.as_bytes()) {
                Ok(tag) => self.etag = tag,
                Err(_) => self.fail(Invalid::Validator("invalid ETag header value")),
            }
        } else if name == header::LAST_MODIFIED {
            match etag_core::parse_http_date(value.as_bytes()) {
                Ok(time) => self.last_modified = Some(time),
                Err(_) => self.fail(Invalid::Validator("invalid Last-Modified header value")),
            }
        } else {
            self.headers.insert(name, value);
        }
    }

    /// Keeps the first error: the response will be a 500.
    fn fail(&mut self, err: Invalid) {
        if self.error.is_none() {
            self.error = Some(err);
        }
    }

    /// What the request gets before anything is serialized: an answer of its own (a 500
    /// for an invalid header, 304, 412 or 400), or the full response.
    pub(crate) fn decide(&self, req: &HttpRequest) -> Verdict {
        if let Some(err) = &self.error {
            return ControlFlow::Break(err.response());
        }
        let config = PreconditionConfig::from_req(req);
        // Judged once: the same instant decides the evaluation and the headers.
        let current = Current::judge(
            Validators {
                etag: Some(&self.etag),
                last_modified: self.last_modified,
            },
            config.now(),
        );
        let judged = (current.last_modified, current.date);
        let method = core_method(req.method());
        if !self.status.is_success()
            || !matches!(method, Method::Get | Method::Head)
            || !any_condition(req.headers())
        {
            return ControlFlow::Continue(judged);
        }
        let raw = RawConditions::from_headers(req.headers());
        // `decide` reports the same 400s as `decide::validate`: no separate validation pass.
        match decide::decide(method, &raw.conditions(), Some(current)) {
            decide::Decision::Proceed => ControlFlow::Continue(judged),
            decide::Decision::NotModified => ControlFlow::Break(validators::not_modified(
                // The 304 sends the validators its 200 sends: none under `omit_validators`.
                &if self.omit_validators {
                    Current {
                        etag: None,
                        last_modified: LastModified::None,
                        date: current.date,
                    }
                } else {
                    current
                },
                Some(&self.headers),
                true,
                behind_tag_layer(req).then(|| {
                    StandsFor::of(
                        self.status,
                        &self.headers,
                        Some(HeaderValue::from_static(JSON)),
                    )
                }),
            )),
            decide::Decision::Stop(err) => {
                ControlFlow::Break(err.with_format(config.format()).error_response())
            }
        }
    }

    fn full_response(
        self,
        req: &HttpRequest,
        (last_modified, date): (LastModified, SystemTime),
        body: Vec<u8>,
    ) -> HttpResponse<BoxBody> {
        let mut res = HttpResponse::with_body(self.status, BoxBody::new(Bytes::from(body)));
        let headers = res.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(JSON));
        let current = if self.omit_validators {
            Current {
                etag: None,
                last_modified: LastModified::None,
                date,
            }
        } else {
            Current {
                etag: Some(&self.etag),
                last_modified,
                date,
            }
        };
        validators::write_validators(headers, &current, Some(&self.headers), true);
        // A PUT's 2xx describes the target resource: say so (RFC 9110 §6.4.2).
        if !self.omit_validators
            && self.status.is_success()
            && req.method() == actix_web::http::Method::PUT
            && !self.headers.contains_key(header::CONTENT_LOCATION)
            && let Some(target) = req.uri().path_and_query()
            && let Ok(value) = HeaderValue::from_str(target.as_str())
        {
            headers.insert(header::CONTENT_LOCATION, value);
        }
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        res
    }
}

/// Why a `Tagged` cannot be sent: a header value that is not valid (a 500, as actix's own
/// `customize()` answers).
#[derive(Debug)]
enum Invalid {
    /// A header name or value actix rejected.
    Header(HttpError),
    /// An `ETag` or `Last-Modified` given to `insert_header` that does not parse.
    Validator(&'static str),
}

impl Invalid {
    fn response(&self) -> HttpResponse<BoxBody> {
        match self {
            Invalid::Header(err) => HttpResponse::from_error(
                actix_web::error::ErrorInternalServerError(err.to_string()),
            ),
            Invalid::Validator(what) => {
                HttpResponse::from_error(actix_web::error::ErrorInternalServerError(*what))
            }
        }
    }
}
