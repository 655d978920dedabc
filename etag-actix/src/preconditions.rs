//! The [`Preconditions`] extractor.

use std::future::{Ready, ready};
use std::time::SystemTime;

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::{FromRequest, HttpRequest};
use etag_core::{Condition, ETag, EntityTag, Method, Outcome, TagList, Validators};

use crate::clock::Clock;
use crate::conditions::{Lines, RawConditions, core_method};
use crate::config::{ErrorFormat, PreconditionConfig};
use crate::decide;
use crate::error::PreconditionError;
use crate::representation::behind_tag_layer;
use crate::validators::Current;

/// The conditional headers of a request (`If-Match`, `If-None-Match`, `If-Modified-Since`,
/// `If-Unmodified-Since`, `If-Range`), read once as raw bytes, every line of each.
///
/// Extracting it answers `400 Bad Request`, before the handler runs, for a malformed
/// `If-Match`, or a malformed `If-None-Match` on a method other than `GET`/`HEAD` (a
/// malformed `If-None-Match` on `GET`/`HEAD` is ignored, as RFC 9110 allows).
///
/// In the handler, evaluate the conditions against the current state **before** changing
/// anything:
/// - [`write`](Self::write) does a whole conditional write in one call: load, evaluate,
///   compare-and-swap, and after a lost race re-read and re-evaluate (see
///   [`ConditionalWrite`](crate::ConditionalWrite)). This is the form to use;
/// - [`check`](Self::check) a loaded model (or [`check_with`](Self::check_with) explicit
///   validators, [`check_absent`](Self::check_absent) when there is no current
///   representation, [`check_option`](Self::check_option) for either): the pieces `write`
///   is built from;
/// - [`not_modified`](Self::not_modified) answers 304 early from a cheaply computed tag, as
///   an error; [`Tagged::head`](crate::Tagged::head) does the same as a normal response;
/// - [`if_match`](Self::if_match) hands the tags the client expects to a store that keeps
///   tags, for an atomic compare-and-swap write.
///
/// `428 Precondition Required` (when the [`PreconditionConfig`] of the app or scope asks for
/// it, on `PUT`, `PATCH` and `DELETE`) is decided by those checks, once the handler knows
/// whether the resource exists: a write to an absent resource is a 404 whatever its
/// headers, so the handler answers 404 before it checks anything.
///
/// Preconditions are ignored for `OPTIONS`, `CONNECT` and `TRACE`.
///
/// A modification time is used as a validator only once its second has passed (the rule of
/// [`Tagged`](crate::Tagged#last-modified-within-its-own-second)), in every method that
/// evaluates the conditions here.
///
/// # Examples
///
/// ```
/// use actix_web::{HttpResponse, put, web};
/// use etag_actix::{ETag, PreconditionError, Preconditions};
///
/// #[derive(ETag)]
/// struct Doc {
///     #[etag]
///     id: u64,
///     #[etag]
///     version: u64,
/// }
///
/// #[put("/docs/{id}")]
/// async fn replace(pre: Preconditions, id: web::Path<u64>) -> Result<HttpResponse, PreconditionError> {
///     let current = Doc { id: *id, version: 7 }; // loaded from the store
///     pre.check(&current)?; // 412 if the client's If-Match is stale
///     // ... write `UPDATE docs SET ... WHERE id = ? AND version = 7` ...
///     Ok(HttpResponse::NoContent().finish())
/// }
/// # let _ = actix_web::App::new().service(replace);
/// ```
#[derive(Clone, Debug)]
pub struct Preconditions {
    method: Method,
    if_match: Stored,
    if_none_match: Stored,
    if_modified_since: Stored,
    if_unmodified_since: Stored,
    if_range: Stored,
    range: bool,
    format: ErrorFormat,
    /// The config requires a precondition for this request (428).
    required: bool,
    /// A compression-aware tag layer handles the request: the `Content-Type` of the 200s
    /// its 304s stand for (from the config).
    tag_layer: Option<HeaderValue>,
    /// Where the time is read (the config's).
    clock: Clock,
}

/// The lines of one header, owned (a `HeaderValue` clone shares the request's bytes).
#[derive(Clone, Debug, Default)]
enum Stored {
    #[default]
    Absent,
    One(HeaderValue),
    Many(Vec<HeaderValue>),
}

impl Stored {
    fn read(headers: &HeaderMap, name: &HeaderName) -> Self {
        let mut values = headers.get_all(name);
        match (values.next(), values.next()) {
            (None, _) => Stored::Absent,
            (Some(one), None) => Stored::One(one.clone()),
            (Some(a), Some(b)) => {
                let mut all = vec![a.clone(), b.clone()];
                all.extend(values.cloned());
                Stored::Many(all)
            }
        }
    }

    fn lines(&self) -> Lines<'_> {
        match self {
            Stored::Absent => Lines::collect(core::iter::empty()),
            Stored::One(v) => Lines::collect(core::iter::once(v)),
            Stored::Many(vs) => Lines::collect(vs.iter()),
        }
    }

    fn is_absent(&self) -> bool {
        matches!(self, Stored::Absent)
    }
}

impl Preconditions {
    /// Reads the conditional headers of `req` and validates them, and notes whether the
    /// [`PreconditionConfig`] requires a precondition of this request (decided later, by
    /// the checks). The extractor calls this.
    ///
    /// # Errors
    ///
    /// `400 Bad Request` for a malformed `If-Match`, or a malformed `If-None-Match` on a
    /// method other than `GET`/`HEAD`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let req = TestRequest::put().insert_header(("if-match", "v1")).to_http_request();
    /// let err = Preconditions::from_req(&req).unwrap_err();
    /// assert_eq!(err.to_string(), "malformed If-Match header: entity-tags must be quoted");
    /// ```
    pub fn from_req(req: &HttpRequest) -> Result<Self, PreconditionError> {
        let config = PreconditionConfig::from_req(req);
        let headers = req.headers();
        let pre = Preconditions {
            method: core_method(req.method()),
            if_match: Stored::read(headers, &header::IF_MATCH),
            if_none_match: Stored::read(headers, &header::IF_NONE_MATCH),
            if_modified_since: Stored::read(headers, &header::IF_MODIFIED_SINCE),
            if_unmodified_since: Stored::read(headers, &header::IF_UNMODIFIED_SINCE),
            if_range: Stored::read(headers, &header::IF_RANGE),
            range: headers.contains_key(header::RANGE),
            format: config.format(),
            required: config.requires_precondition() && requires_precondition(req.method()),
            tag_layer: behind_tag_layer(req).then(|| config.representation_type()),
            clock: config.clock_ref().clone(),
        };
        pre.with_raw(|raw| decide::validate(pre.method, &raw.conditions()))
            .map_err(|e| e.with_format(pre.format))?;
        Ok(pre)
    }

    fn with_raw<R>(&self, f: impl FnOnce(&RawConditions<'_>) -> R) -> R {
        let raw = RawConditions::from_fn(
            |name| match *name {
                header::IF_MATCH => self.if_match.lines(),
                header::IF_NONE_MATCH => self.if_none_match.lines(),
                header::IF_MODIFIED_SINCE => self.if_modified_since.lines(),
                header::IF_UNMODIFIED_SINCE => self.if_unmodified_since.lines(),
                _ => self.if_range.lines(),
            },
            self.range,
        );
        f(&raw)
    }

    /// The request method, as the evaluator sees it.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{Method, Preconditions};
    ///
    /// let pre = Preconditions::from_req(&TestRequest::delete().to_http_request())?;
    /// assert_eq!(pre.method(), Method::Delete);
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn method(&self) -> Method {
        self.method
    }

    /// Whether the request carries any conditional header.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let req = TestRequest::get().insert_header(("if-none-match", "\"a\"")).to_http_request();
    /// assert!(Preconditions::from_req(&req)?.is_conditional());
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn is_conditional(&self) -> bool {
        !(self.if_match.is_absent()
            && self.if_none_match.is_absent()
            && self.if_modified_since.is_absent()
            && self.if_unmodified_since.is_absent()
            && self.if_range.is_absent())
    }

    /// Evaluates the conditions (RFC 9110 §13.2.2) against the current validators (`None`:
    /// the resource has no current representation) and returns the core's decision.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{EntityTag, Outcome, Preconditions, Validators};
    ///
    /// let req = TestRequest::get().insert_header(("if-none-match", "\"v1\"")).to_http_request();
    /// let pre = Preconditions::from_req(&req)?;
    /// let tag = EntityTag::strong("v1")?;
    /// let current = Validators { etag: Some(&tag), last_modified: None };
    /// assert_eq!(pre.evaluate(Some(current)), Outcome::NotModified);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn evaluate(&self, current: Option<Validators<'_>>) -> Outcome {
        let now = self.clock.now();
        let current = current.map(|v| Current::judge(v, now));
        self.with_raw(|raw| decide::evaluate(self.method, &raw.conditions(), current))
    }

    /// Checks the conditions against explicit validators (`None`: no current representation).
    ///
    /// A `304` it returns carries `ETag`, `Last-Modified` when known and its second has
    /// passed, a fresh `Date`, and `Cache-Control: no-cache`; add the other headers of the
    /// 200 with [`PreconditionError::with_headers`]. (For an early 304 that is a normal
    /// response, not an error, see [`Tagged::head`](crate::Tagged::head).)
    ///
    /// When the [`PreconditionConfig`] requires preconditions of this request (a `PUT`,
    /// `PATCH` or `DELETE`), this is where `428` is decided: the request carries no
    /// `If-Match`, no `If-None-Match: *` and no valid `If-Unmodified-Since`; or
    /// `If-Unmodified-Since` is its only guard and the resource has no modification time
    /// (or no current representation) to evaluate it against, which would let the write
    /// through unchecked. Call it only once you know the resource exists (or will be
    /// created): a write to an absent resource is a 404, whatever its headers.
    ///
    /// # Errors
    ///
    /// `304` (`GET`/`HEAD` and the client's copy is current), `412` (a condition is false,
    /// carrying the current tag), `400` (a malformed header) or `428` (see above).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{http::StatusCode, test::TestRequest};
    /// use etag_actix::{EntityTag, Preconditions, Validators};
    ///
    /// let req = TestRequest::patch().insert_header(("if-match", "\"v1\"")).to_http_request();
    /// let pre = Preconditions::from_req(&req)?;
    /// let tag = EntityTag::strong("v2")?;
    /// let err = pre.check_with(Some(Validators { etag: Some(&tag), last_modified: None })).unwrap_err();
    /// assert_eq!(err.status(), StatusCode::PRECONDITION_FAILED);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_with(&self, current: Option<Validators<'_>>) -> Result<(), PreconditionError> {
        self.with_raw(|raw| {
            let conditions = raw.conditions();
            if self.required && !conditions.protects_write(current) {
                return Err(PreconditionError::required());
            }
            let now = self.clock.now();
            decide::check(
                self.method,
                &conditions,
                current.map(|v| Current::judge(v, now)),
            )
        })
        .map_err(|e| {
            e.with_format(self.format)
                .behind_tag_layer(self.tag_layer.clone())
        })
    }

    /// Checks the conditions against a loaded model: its [`ETag::etag`] and
    /// [`ETag::last_modified`]. Call it before any side effect.
    ///
    /// On `GET`/`HEAD` the `304` it may return carries only `ETag`, `Last-Modified` (once
    /// the modification's second has passed), a fresh `Date` and the default
    /// `Cache-Control: no-cache`; give it the other headers of the 200 (`Vary`,
    /// `Content-Location`, your `Cache-Control`...) with [`PreconditionError::with_headers`].
    ///
    /// # Errors
    ///
    /// As [`check_with`](Self::check_with): 304, 412, 400, or 428 when preconditions are
    /// required and `If-Unmodified-Since` alone guards a model without modification time.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{ETag, Preconditions};
    ///
    /// #[derive(ETag)]
    /// struct Note { #[etag] version: u32 }
    ///
    /// let note = Note { version: 3 };
    /// let req = TestRequest::put()
    ///     .insert_header(("if-match", note.etag().to_string()))
    ///     .to_http_request();
    /// assert!(Preconditions::from_req(&req)?.check(&note).is_ok());
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn check<T: ETag + ?Sized>(&self, current: &T) -> Result<(), PreconditionError> {
        let tag = current.etag();
        self.check_with(Some(Validators {
            etag: Some(&tag),
            last_modified: current.last_modified(),
        }))
    }

    /// Checks the conditions when the resource has no current representation (e.g. a `PUT`
    /// that would create it). `If-None-Match: *` passes, `If-Match` fails.
    ///
    /// # Errors
    ///
    /// `412` when `If-Match` is present (even `*`), `400` for a malformed header.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let create = TestRequest::put().insert_header(("if-none-match", "*")).to_http_request();
    /// assert!(Preconditions::from_req(&create)?.check_absent().is_ok());
    /// let update = TestRequest::put().insert_header(("if-match", "*")).to_http_request();
    /// assert!(Preconditions::from_req(&update)?.check_absent().is_err());
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn check_absent(&self) -> Result<(), PreconditionError> {
        self.check_with(None)
    }

    /// [`check`](Self::check) for `Some`, [`check_absent`](Self::check_absent) for `None`:
    /// the form for "create or replace" handlers.
    ///
    /// # Errors
    ///
    /// As [`check_with`](Self::check_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{ETag, Preconditions};
    ///
    /// #[derive(ETag)]
    /// struct Note { #[etag] version: u32 }
    ///
    /// let req = TestRequest::put().insert_header(("if-none-match", "*")).to_http_request();
    /// let pre = Preconditions::from_req(&req)?;
    /// assert!(pre.check_option(None::<&Note>).is_ok());
    /// assert!(pre.check_option(Some(&Note { version: 1 })).is_err());
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn check_option<T: ETag + ?Sized>(
        &self,
        current: Option<&T>,
    ) -> Result<(), PreconditionError> {
        match current {
            Some(value) => self.check(value),
            None => self.check_absent(),
        }
    }

    /// Answers `304 Not Modified` early from a cheaply computed tag (say, from a version
    /// column), before the full resource is loaded and serialized. `Ok(())` means: go on,
    /// load the resource and respond (with [`Tagged`](crate::Tagged), which evaluates the
    /// `If-Modified-Since` rules with the full validators).
    ///
    /// The plain early 304 carries **only** `ETag` and `Cache-Control: no-cache` (the
    /// [`Tagged`](crate::Tagged) default). A handler whose 200 sends other headers that
    /// caches use (its own `Cache-Control`, `Vary`, `Expires`, `Content-Location`) passes
    /// them with [`PreconditionError::with_headers`], so that the 304 carries what the 200
    /// would (RFC 9110 §15.4.5):
    ///
    /// ```
    /// use actix_web::http::header::{self, HeaderMap, HeaderValue};
    /// use etag_actix::{EntityTag, PreconditionError, Preconditions};
    ///
    /// fn early(pre: &Preconditions, tag: &EntityTag) -> Result<(), PreconditionError> {
    ///     pre.not_modified(tag).map_err(|e| {
    ///         let mut headers = HeaderMap::new();
    ///         headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=60"));
    ///         headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    ///         e.with_headers(headers)
    ///     })
    /// }
    /// # let req = actix_web::test::TestRequest::get().insert_header(("if-none-match", "\"a\"")).to_http_request();
    /// # let err = early(&Preconditions::from_req(&req).unwrap(), &EntityTag::strong("a").unwrap()).unwrap_err();
    /// # let res = actix_web::ResponseError::error_response(&err);
    /// # assert_eq!(res.headers().get("vary").unwrap(), "Accept-Language");
    /// ```
    ///
    /// A derived tag depends only on the selected field names and values, so a small struct
    /// deriving `ETag` with the same `#[etag]` fields as the model (say `id` and `version`)
    /// computes the model's tag without loading it.
    ///
    /// The tag is the only validator it knows, so its 304 carries no `Last-Modified`: for a
    /// resource whose 200 sends one, answer early with [`check_with`](Self::check_with) and
    /// both validators, or with [`Tagged::head`](crate::Tagged::head), so that the 304
    /// carries what the 200 would.
    ///
    /// # Errors
    ///
    /// `304` when the client's copy is current (`GET`/`HEAD`), `412` or `400` as
    /// [`check_with`](Self::check_with).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{http::StatusCode, test::TestRequest};
    /// use etag_actix::{EntityTag, Preconditions};
    ///
    /// let req = TestRequest::get().insert_header(("if-none-match", "W/\"v9\"")).to_http_request();
    /// let pre = Preconditions::from_req(&req)?;
    /// let err = pre.not_modified(&EntityTag::strong("v9")?).unwrap_err();
    /// assert_eq!(err.status(), StatusCode::NOT_MODIFIED);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn not_modified(&self, etag: &EntityTag) -> Result<(), PreconditionError> {
        self.check_with(Some(Validators {
            etag: Some(etag),
            last_modified: None,
        }))
    }

    /// Demands a precondition that protects a write: `If-Match`, a valid
    /// `If-Unmodified-Since` (one HTTP-date: an invalid one would be ignored, so it protects
    /// nothing), or `If-None-Match: *`, whatever the method and the config.
    ///
    /// It looks at the request only. Whether an `If-Unmodified-Since` can be evaluated
    /// depends on the resource having a modification time: a handler that requires
    /// preconditions this way on a resource without one should demand `If-Match`.
    ///
    /// # Errors
    ///
    /// `428 Precondition Required` when none is present.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{http::StatusCode, test::TestRequest};
    /// use etag_actix::Preconditions;
    ///
    /// let pre = Preconditions::from_req(&TestRequest::post().to_http_request())?;
    /// assert_eq!(pre.require().unwrap_err().status(), StatusCode::PRECONDITION_REQUIRED);
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn require(&self) -> Result<(), PreconditionError> {
        if self.with_raw(|raw| raw.conditions().has_write_precondition()) {
            Ok(())
        } else {
            Err(PreconditionError::required().with_format(self.format))
        }
    }

    /// The `If-Match` condition the client sent (`None` when absent), owned: the tags a
    /// compare-and-swap write must find, `UPDATE ... WHERE etag IN (...)` for a store that
    /// keeps the tag, or [`Condition::strong_match`] in an in-memory store's critical section.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{Condition, EntityTag, Preconditions};
    ///
    /// let req = TestRequest::put().insert_header(("if-match", "\"a\", \"b,c\"")).to_http_request();
    /// let expected = Preconditions::from_req(&req)?.if_match();
    /// assert_eq!(
    ///     expected,
    ///     Some(Condition::Tags(vec![EntityTag::strong("a")?, EntityTag::strong("b,c")?]))
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn if_match(&self) -> Option<Condition> {
        condition(&self.if_match)
    }

    /// The `If-None-Match` condition the client sent (`None` when absent or malformed).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{Condition, Preconditions};
    ///
    /// let req = TestRequest::put().insert_header(("if-none-match", "*")).to_http_request();
    /// assert_eq!(Preconditions::from_req(&req)?.if_none_match(), Some(Condition::Any));
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn if_none_match(&self) -> Option<Condition> {
        condition(&self.if_none_match)
    }

    /// The `If-Unmodified-Since` date, if present and valid (any of the three HTTP-date forms).
    ///
    /// This reports the header, not the evaluator's use of it: it is returned even when
    /// `If-Match` is present (the evaluator then ignores it, RFC 9110 §13.1.4), and a date
    /// before 1970 gives `None` (the evaluator reads it, and it fails against any resource
    /// modified since). A store that adds the date to its compare-and-swap should do so only
    /// when [`if_match`](Self::if_match) is `None`, as the evaluator does.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let req = TestRequest::delete()
    ///     .insert_header(("if-unmodified-since", "Sun, 06 Nov 1994 08:49:37 GMT"))
    ///     .to_http_request();
    /// let since = Preconditions::from_req(&req)?.if_unmodified_since();
    /// assert_eq!(since, Some(SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777)));
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn if_unmodified_since(&self) -> Option<SystemTime> {
        match &self.if_unmodified_since {
            Stored::One(v) => etag_core::parse_http_date(v.as_bytes()).ok(),
            _ => None,
        }
    }

    /// The `412 Precondition Failed` of a compare-and-swap write that lost the race after a
    /// successful [`check`](Self::check), in this request's error format.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{http::StatusCode, test::TestRequest};
    /// use etag_actix::Preconditions;
    ///
    /// let pre = Preconditions::from_req(&TestRequest::put().to_http_request())?;
    /// assert_eq!(pre.failed(None).status(), StatusCode::PRECONDITION_FAILED);
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn failed(&self, current: Option<EntityTag>) -> PreconditionError {
        PreconditionError::failed(current).with_format(self.format)
    }

    /// The `503` of a write whose compare-and-swap kept losing while its preconditions held
    /// ([`PreconditionError::contended`]), in this request's error format.
    pub(crate) fn contended(&self, retry_after: u32) -> PreconditionError {
        PreconditionError::contended(retry_after).with_format(self.format)
    }
}

fn condition(stored: &Stored) -> Option<Condition> {
    if stored.is_absent() {
        return None;
    }
    let lines = stored.lines();
    TagList::parse(lines.as_slice())
        .ok()
        .map(TagList::to_condition)
}

/// The methods `PreconditionConfig::require_precondition` covers.
fn requires_precondition(method: &actix_web::http::Method) -> bool {
    use actix_web::http::Method as M;
    matches!(*method, M::PUT | M::PATCH | M::DELETE)
}

impl FromRequest for Preconditions {
    type Error = PreconditionError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Self::from_req(req))
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::StatusCode;
    use actix_web::test::TestRequest;

    use super::*;
    use etag_core::Header;

    fn extract(req: TestRequest) -> Result<Preconditions, PreconditionError> {
        let (req, mut payload) = req.to_http_parts();
        Preconditions::from_request(&req, &mut payload).into_inner()
    }

    fn tag(s: &str) -> EntityTag {
        EntityTag::strong(s).unwrap()
    }

    /// A resource whose current tag is `"s"`.
    struct Res(EntityTag);

    impl ETag for Res {
        fn etag(&self) -> EntityTag {
            self.0.clone()
        }
    }

    fn res(s: &str) -> Res {
        Res(tag(s))
    }

    #[test]
    fn absent_headers_are_not_conditional() {
        let pre = extract(TestRequest::get()).unwrap();
        assert!(!pre.is_conditional());
        assert_eq!(pre.if_match(), None);
        assert_eq!(pre.if_none_match(), None);
        assert!(pre.check(&res("a")).is_ok());
        assert!(pre.check_absent().is_ok());
    }

    #[test]
    fn several_lines_form_one_list() {
        let req = TestRequest::put()
            .append_header((header::IF_MATCH, "\"a\""))
            .append_header((header::IF_MATCH, "\"b,c\", W/\"d\""));
        let pre = extract(req).unwrap();
        assert_eq!(
            pre.if_match(),
            Some(Condition::Tags(vec![
                tag("a"),
                tag("b,c"),
                EntityTag::weak("d").unwrap()
            ]))
        );
        assert!(
            pre.check_with(Some(Validators {
                etag: Some(&tag("b,c")),
                last_modified: None
            }))
            .is_ok()
        );
        // If-Match compares strongly: the weak member never matches.
        let err = pre
            .check_with(Some(Validators {
                etag: Some(&tag("d")),
                last_modified: None,
            }))
            .unwrap_err();
        assert_eq!(err.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(err.etag(), Some(&tag("d")));
    }

    #[test]
    fn more_than_four_lines_are_kept() {
        let mut req = TestRequest::get();
        for i in 0..6 {
            req = req.append_header((header::IF_NONE_MATCH, format!("\"t{i}\"")));
        }
        let pre = extract(req).unwrap();
        let err = pre.not_modified(&tag("t5")).unwrap_err();
        assert!(err.is_not_modified());
    }

    #[test]
    fn malformed_if_match_is_400_on_every_method() {
        for req in [
            TestRequest::get(),
            TestRequest::put(),
            TestRequest::delete(),
        ] {
            let err = extract(req.insert_header((header::IF_MATCH, "\"a\" \"b\""))).unwrap_err();
            assert_eq!(err.status(), StatusCode::BAD_REQUEST);
            assert_eq!(err.header(), Some(Header::IfMatch));
        }
    }

    #[test]
    fn malformed_if_none_match_is_ignored_on_get_only() {
        let get = TestRequest::get().insert_header((header::IF_NONE_MATCH, "abc"));
        assert!(extract(get).is_ok());
        let put = TestRequest::put().insert_header((header::IF_NONE_MATCH, "abc"));
        let err = extract(put).unwrap_err();
        assert_eq!(err.header(), Some(Header::IfNoneMatch));
        assert_eq!(
            err.to_string(),
            "malformed If-None-Match header: entity-tags must be quoted"
        );
    }

    #[test]
    fn options_ignores_everything() {
        let req = TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .insert_header((header::IF_MATCH, "garbage"));
        let pre = extract(req).unwrap();
        assert!(pre.check(&res("a")).is_ok());
        assert!(pre.check_absent().is_ok());
    }

    /// An existing resource with a modification time long past.
    fn dated(s: &str) -> Validators<'static> {
        let tag: &'static EntityTag = Box::leak(Box::new(tag(s)));
        Validators {
            etag: Some(tag),
            last_modified: Some(SystemTime::UNIX_EPOCH),
        }
    }

    /// The 428 rule is decided by the checks, once existence is known: extraction
    /// succeeds, and a check of an existing resource answers 428.
    #[test]
    fn require_accepts_if_match_ius_and_star() {
        let config = PreconditionConfig::new().require_precondition(true);
        let bare = extract(TestRequest::patch().app_data(config.clone())).unwrap();
        assert_eq!(
            bare.check_with(Some(dated("a"))).unwrap_err().status(),
            StatusCode::PRECONDITION_REQUIRED
        );
        assert_eq!(
            bare.check_absent().unwrap_err().status(),
            StatusCode::PRECONDITION_REQUIRED
        );
        for (name, value) in [
            (header::IF_MATCH, "\"a\""),
            (header::IF_UNMODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:37 GMT"),
            (header::IF_NONE_MATCH, "*"),
        ] {
            let req = TestRequest::patch()
                .app_data(config.clone())
                .insert_header((name.clone(), value));
            let pre = extract(req).unwrap();
            let status = pre.check_with(Some(dated("a"))).err().map(|e| e.status());
            assert_ne!(status, Some(StatusCode::PRECONDITION_REQUIRED), "{name}");
        }
        // If-None-Match with a tag protects nothing.
        let req = TestRequest::put()
            .app_data(config.clone())
            .insert_header((header::IF_NONE_MATCH, "\"b\""));
        assert_eq!(
            extract(req)
                .unwrap()
                .check_with(Some(dated("a")))
                .unwrap_err()
                .status(),
            StatusCode::PRECONDITION_REQUIRED
        );
        // POST and GET are not covered by the config.
        let post = extract(TestRequest::post().app_data(config.clone())).unwrap();
        assert!(post.check_with(Some(dated("a"))).is_ok());
        let get = extract(TestRequest::get().app_data(config)).unwrap();
        assert!(get.check_with(Some(dated("a"))).is_ok());
    }

    /// A date before 1970 is a valid HTTP-date the evaluation uses (etag-core's one rule):
    /// under `require_precondition` it protects a write, so a resource modified since gets
    /// 412, not 428; `require()` agrees, and without a modification time it protects nothing.
    #[test]
    fn require_counts_an_if_unmodified_since_before_1970() {
        let config = PreconditionConfig::new().require_precondition(true);
        for line in ["Sat, 01 Jan 1966 00:00:00 GMT", "Sat Jan  1 00:00:00 1966"] {
            let req = TestRequest::put()
                .app_data(config.clone())
                .insert_header((header::IF_UNMODIFIED_SINCE, line));
            let pre = extract(req).unwrap();
            assert!(pre.require().is_ok(), "{line}");
            assert_eq!(
                pre.check_with(Some(dated("a"))).unwrap_err().status(),
                StatusCode::PRECONDITION_FAILED,
                "{line}"
            );
            let undated = Validators {
                etag: dated("a").etag,
                last_modified: None,
            };
            assert_eq!(
                pre.check_with(Some(undated)).unwrap_err().status(),
                StatusCode::PRECONDITION_REQUIRED,
                "{line}"
            );
        }
    }

    #[test]
    fn config_as_web_data_is_found() {
        let config =
            actix_web::web::Data::new(PreconditionConfig::new().require_precondition(true));
        let pre = extract(TestRequest::delete().app_data(config)).unwrap();
        assert_eq!(
            pre.check(&res("a")).unwrap_err().status(),
            StatusCode::PRECONDITION_REQUIRED
        );
    }

    #[test]
    fn errors_use_the_configured_format() {
        let config = PreconditionConfig::new().error_format(ErrorFormat::PlainText);
        let req = TestRequest::put()
            .app_data(config)
            .insert_header((header::IF_MATCH, "\"a\""));
        let pre = extract(req).unwrap();
        let err = pre.check(&res("b")).unwrap_err();
        let res = actix_web::ResponseError::error_response(&err);
        assert_eq!(
            res.headers().get(header::CONTENT_TYPE).unwrap(),
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn create_with_star() {
        let req = TestRequest::put().insert_header((header::IF_NONE_MATCH, "*"));
        let pre = extract(req).unwrap();
        assert!(pre.check_absent().is_ok());
        let err = pre.check(&res("x")).unwrap_err();
        assert_eq!(err.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(err.header(), Some(Header::IfNoneMatch));
    }

    #[test]
    fn if_match_star_needs_a_current_representation() {
        let pre = extract(TestRequest::delete().insert_header((header::IF_MATCH, "*"))).unwrap();
        assert!(pre.check(&res("x")).is_ok());
        assert_eq!(
            pre.check_absent().unwrap_err().status(),
            StatusCode::PRECONDITION_FAILED
        );
        assert_eq!(pre.if_match(), Some(Condition::Any));
    }

    #[test]
    fn non_ascii_tag_bytes() {
        let value = HeaderValue::from_bytes(b"\"caf\xc3\xa9\", \"\xff\"").unwrap();
        let pre = extract(TestRequest::put().insert_header((header::IF_MATCH, value))).unwrap();
        assert!(pre.check(&res("café")).is_ok());
        // The non-UTF-8 member cannot be owned as an `EntityTag`; it is left out of the condition.
        assert_eq!(pre.if_match(), Some(Condition::Tags(vec![tag("café")])));
    }

    #[test]
    fn unsafe_if_none_match_is_412_not_304() {
        let pre =
            extract(TestRequest::post().insert_header((header::IF_NONE_MATCH, "W/\"a\""))).unwrap();
        assert_eq!(
            pre.check(&res("a")).unwrap_err().status(),
            StatusCode::PRECONDITION_FAILED
        );
        let pre =
            extract(TestRequest::get().insert_header((header::IF_NONE_MATCH, "W/\"a\""))).unwrap();
        assert_eq!(
            pre.check(&res("a")).unwrap_err().status(),
            StatusCode::NOT_MODIFIED
        );
    }

    #[test]
    fn range_decision_is_reported() {
        use etag_core::RangeDecision;
        let current = tag("v1");
        let validators = Some(Validators {
            etag: Some(&current),
            last_modified: None,
        });
        let req = TestRequest::get()
            .insert_header((header::RANGE, "bytes=0-9"))
            .insert_header((header::IF_RANGE, "\"v1\""));
        let pre = extract(req).unwrap();
        assert_eq!(
            pre.evaluate(validators),
            Outcome::Proceed(RangeDecision::Apply)
        );
        let req = TestRequest::get()
            .insert_header((header::RANGE, "bytes=0-9"))
            .insert_header((header::IF_RANGE, "\"v0\""));
        let pre = extract(req).unwrap();
        assert_eq!(
            pre.evaluate(validators),
            Outcome::Proceed(RangeDecision::Full)
        );
    }
}
