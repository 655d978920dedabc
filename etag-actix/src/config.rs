//! Per-app or per-scope settings: [`PreconditionConfig`] and [`ErrorFormat`].

use std::time::SystemTime;

use actix_web::http::header::HeaderValue;
use actix_web::{HttpRequest, web};

use crate::clock::Clock;

/// How 400, 412 and 428 responses are written.
///
/// # Examples
///
/// ```
/// use etag_actix::{ErrorFormat, PreconditionConfig};
///
/// let config = PreconditionConfig::new().error_format(ErrorFormat::PlainText);
/// assert_eq!(config.format(), ErrorFormat::PlainText);
/// assert_eq!(ErrorFormat::default(), ErrorFormat::ProblemJson);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorFormat {
    /// `application/problem+json` (RFC 9457) with `type`, `title`, `status` and `detail`.
    #[default]
    ProblemJson,
    /// `text/plain; charset=utf-8`: the title, a colon and the detail on one line.
    PlainText,
}

/// Settings for conditional requests, registered as app data on an `App`, a `Scope` or a
/// `Resource` (the innermost one wins, as for actix-web's own `JsonConfig`).
///
/// - [`require_precondition`](Self::require_precondition): answer `428 Precondition Required`
///   (RFC 6585 §3) to `PUT`, `PATCH` and `DELETE` requests that carry neither `If-Match` nor
///   a valid `If-Unmodified-Since` (exactly one HTTP-date: an invalid one is ignored by the
///   evaluation, so it protects nothing). `If-None-Match: *` also counts, so a client can
///   still create a resource with "only if it does not exist yet". `POST` is not covered (it
///   usually creates a new subordinate resource); call
///   [`Preconditions::require`](crate::Preconditions::require) in a handler to demand a
///   condition anywhere. The rule is decided once the handler knows whether the resource
///   exists: by [`Preconditions::write`](crate::Preconditions::write), or by
///   [`check`](crate::Preconditions::check) (and `check_with`, `check_option`,
///   `check_absent`) in handlers that take [`Preconditions`](crate::Preconditions); a write
///   to a resource that does not exist stays a `404`, whatever its headers. When
///   `If-Unmodified-Since` is the only guard, it also takes a modification time to evaluate
///   it against: a check of a resource without one, or of no resource, answers 428 as well.
/// - [`error_format`](Self::error_format): the body of 400, 412 and 428 responses.
/// - [`clock`](Self::clock): where the time is read (tests set one they control).
/// - [`content_type`](Self::content_type): what the 200s of the handlers that answer with
///   [`Preconditions`](crate::Preconditions) carry (default `application/json`), so that
///   behind [`TaggedCompress`](crate::TaggedCompress) their 304s carry the tag of that 200.
///
/// Without a registered config the defaults apply: nothing required, problem+json bodies,
/// JSON representations.
///
/// # Examples
///
/// ```
/// use actix_web::{App, web};
/// use etag_actix::PreconditionConfig;
///
/// let app = App::new().service(
///     web::scope("/api").app_data(PreconditionConfig::new().require_precondition(true)),
/// );
/// # drop(app);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreconditionConfig {
    require: bool,
    format: ErrorFormat,
    clock: Clock,
    /// The 200s' `Content-Type`; `None`: `application/json`.
    content_type: Option<HeaderValue>,
}

static DEFAULT: PreconditionConfig = PreconditionConfig::new();

impl PreconditionConfig {
    /// The default settings: no precondition required, problem+json error bodies.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::PreconditionConfig;
    ///
    /// assert!(!PreconditionConfig::new().requires_precondition());
    /// ```
    pub const fn new() -> Self {
        Self {
            require: false,
            format: ErrorFormat::ProblemJson,
            clock: Clock::system(),
            content_type: None,
        }
    }

    /// Whether `PUT`, `PATCH` and `DELETE` must carry a precondition (else `428`): `If-Match`,
    /// a valid `If-Unmodified-Since` (on a resource with a modification time), or
    /// `If-None-Match: *` (see the type docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::PreconditionConfig;
    ///
    /// assert!(PreconditionConfig::new().require_precondition(true).requires_precondition());
    /// ```
    #[must_use]
    pub const fn require_precondition(mut self, require: bool) -> Self {
        self.require = require;
        self
    }

    /// Sets the body format of 400, 412 and 428 responses.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{ErrorFormat, PreconditionConfig};
    ///
    /// let config = PreconditionConfig::new().error_format(ErrorFormat::PlainText);
    /// assert_eq!(config.format(), ErrorFormat::PlainText);
    /// ```
    #[must_use]
    pub const fn error_format(mut self, format: ErrorFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets where the time is read (default: the system clock): whether a modification time
    /// is a validator yet (its second must have passed), and the `Date` of responses. For
    /// tests: a [`Clock::fixed`] time makes "the current second" exact.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use actix_web::{App, test, web, http::header};
    /// use etag_actix::{Clock, EntityTag, PreconditionConfig, Tagged};
    ///
    /// let noon = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    /// async fn show() -> Tagged<&'static str> {
    ///     let changed = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_400);
    ///     Tagged::with_etag("hi", EntityTag::strong("v1").unwrap()).last_modified(changed)
    /// }
    /// # actix_web::rt::System::new().block_on(async {
    /// // 600 ms after the change, in the same second: no Last-Modified yet.
    /// let config = PreconditionConfig::new().clock(Clock::fixed(noon + Duration::from_millis(600)));
    /// let app = test::init_service(App::new().app_data(config).route("/", web::get().to(show))).await;
    /// let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    /// assert!(res.headers().get(header::LAST_MODIFIED).is_none());
    /// assert_eq!(res.headers().get(header::DATE).unwrap(), "Tue, 14 Nov 2023 22:13:20 GMT");
    /// # });
    /// ```
    #[must_use]
    pub fn clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Sets the `Content-Type` of the 200s that the handlers under this config send when
    /// their conditions hold (default: `application/json`, what [`Tagged`](crate::Tagged)
    /// sends).
    ///
    /// A `304 Not Modified` answered through [`Preconditions`](crate::Preconditions)
    /// (`check`, `check_with`, `not_modified`, ...) stands for such a 200 (RFC 9111 §4.3.4).
    /// Behind [`TaggedCompress`](crate::TaggedCompress) its tag depends on whether
    /// `Compress` would have encoded that 200: not for an image (SVG excepted) or a video.
    /// So a scope that serves images says so here, and its 304s by date or by `*` carry the
    /// plain tag its 200s carry. Headers given to one 304 with
    /// [`PreconditionError::with_headers`](crate::PreconditionError::with_headers) that
    /// include a `Content-Type` take precedence. Without a tag layer this changes nothing.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, web, http::header::HeaderValue};
    /// use etag_actix::{PreconditionConfig, TaggedCompress};
    ///
    /// let images = PreconditionConfig::new().content_type(HeaderValue::from_static("image/png"));
    /// let app = App::new()
    ///     .wrap(TaggedCompress::new())
    ///     .service(web::scope("/pictures").app_data(images));
    /// # drop(app);
    /// ```
    #[must_use]
    pub fn content_type(mut self, content_type: HeaderValue) -> Self {
        self.content_type = Some(content_type);
        self
    }

    /// The `Content-Type` of this config's 200s ([`content_type`](Self::content_type)).
    pub(crate) fn representation_type(&self) -> HeaderValue {
        self.content_type
            .clone()
            .unwrap_or(HeaderValue::from_static("application/json"))
    }

    /// The current time on the configured clock.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use etag_actix::{Clock, PreconditionConfig};
    ///
    /// let config = PreconditionConfig::new().clock(Clock::fixed(SystemTime::UNIX_EPOCH));
    /// assert_eq!(config.now(), SystemTime::UNIX_EPOCH);
    /// ```
    pub fn now(&self) -> SystemTime {
        self.clock.now()
    }

    /// The configured clock.
    pub(crate) fn clock_ref(&self) -> &Clock {
        &self.clock
    }

    /// Whether a precondition is required on `PUT`, `PATCH` and `DELETE`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::PreconditionConfig;
    ///
    /// assert!(!PreconditionConfig::default().requires_precondition());
    /// ```
    pub const fn requires_precondition(&self) -> bool {
        self.require
    }

    /// The body format of error responses.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{ErrorFormat, PreconditionConfig};
    ///
    /// assert_eq!(PreconditionConfig::new().format(), ErrorFormat::ProblemJson);
    /// ```
    pub const fn format(&self) -> ErrorFormat {
        self.format
    }

    /// The config that applies to `req`: registered directly as app data or as
    /// `web::Data<PreconditionConfig>`, else the defaults.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::PreconditionConfig;
    ///
    /// let req = TestRequest::default()
    ///     .app_data(PreconditionConfig::new().require_precondition(true))
    ///     .to_http_request();
    /// assert!(PreconditionConfig::from_req(&req).requires_precondition());
    /// ```
    pub fn from_req(req: &HttpRequest) -> &Self {
        req.app_data::<Self>()
            .or_else(|| req.app_data::<web::Data<Self>>().map(|d| d.as_ref()))
            .unwrap_or(&DEFAULT)
    }
}
