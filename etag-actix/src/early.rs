//! Answering `304`/`412` from a version lookup, before the representation is loaded:
//! [`Tagged::head`], [`Unloaded`] and [`Conditional`].

use actix_web::body::BoxBody;
use actix_web::{HttpRequest, HttpResponse, Responder};
use etag_core::ETag;
use serde::Serialize;

use std::ops::ControlFlow;

use crate::tagged::Tagged;

/// The place of the value in a [`Tagged`] whose representation is not loaded yet: what
/// [`Tagged::head`] returns. A `Tagged<Unloaded>` is no responder; it becomes one with
/// [`load`](Tagged::load) or [`with_value`](Tagged::with_value).
///
/// # Examples
///
/// ```
/// use etag_actix::{EntityTag, Tagged, Unloaded};
///
/// let head: Tagged<Unloaded> = Tagged::with_etag(Unloaded, EntityTag::strong("v3")?);
/// assert_eq!(head.entity_tag().opaque(), "v3");
/// # Ok::<(), etag_actix::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Unloaded;

impl Tagged<Unloaded> {
    /// The head of a response whose validators come from a cheap lookup (say
    /// `SELECT id, version, updated_at`), not from the representation: its [`ETag::etag`]
    /// and [`ETag::last_modified`]. Declare the response's headers on it (`cache_control`,
    /// `vary`, `insert_header`...) once: the early `304` and the full `200` both carry them.
    ///
    /// A derived tag depends only on the selected fields' names and values (and the salt),
    /// so a small struct deriving `ETag` with the model's `#[etag]` fields computes the
    /// model's tag without loading it.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, HttpRequest, test, web, http::{StatusCode, header}};
    /// use etag_actix::{Conditional, ETag, Tagged, get_or_head};
    /// use serde::Serialize;
    ///
    /// #[derive(Serialize, ETag)]
    /// struct Product { #[etag] id: u64, #[etag] version: u64, name: String }
    ///
    /// /// What `SELECT id, version FROM products WHERE id = ?` returns: the same tag.
    /// #[derive(ETag)]
    /// struct ProductVersion { #[etag] id: u64, #[etag] version: u64 }
    ///
    /// async fn show(req: HttpRequest, id: web::Path<u64>) -> Result<Conditional<Product>, actix_web::Error> {
    ///     let version = ProductVersion { id: *id, version: 4 }; // the cheap lookup
    ///     Tagged::head(&version)
    ///         .cache_control("max-age=60")
    ///         .load(&req, async || {
    ///             // Only reached when the client's copy is not current.
    ///             Ok(Product { id: *id, version: 4, name: "Widget".into() })
    ///         })
    ///         .await
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let app = test::init_service(App::new().route("/p/{id}", get_or_head().to(show))).await;
    /// let res = test::call_service(&app, test::TestRequest::get().uri("/p/1").to_request()).await;
    /// assert_eq!(res.status(), StatusCode::OK);
    /// let tag = res.headers().get(header::ETAG).unwrap().clone();
    /// assert_eq!(tag, ProductVersion { id: 1, version: 4 }.etag().to_string());
    ///
    /// let req = test::TestRequest::get().uri("/p/1").insert_header((header::IF_NONE_MATCH, tag));
    /// let res = test::call_service(&app, req.to_request()).await;
    /// assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    /// assert_eq!(res.headers().get(header::CACHE_CONTROL).unwrap(), "max-age=60");
    /// assert!(res.response().error().is_none()); // a response, not an error
    /// # });
    /// ```
    pub fn head<V: ETag + ?Sized>(validators: &V) -> Self {
        Tagged::with_etag(Unloaded, validators.etag()).last_modified(validators.last_modified())
    }

    /// The answer the request gets without the representation, if any: `304 Not Modified`
    /// (`GET`/`HEAD`, the client's copy is current) with the validators and the headers
    /// declared on this head, `412` (a failed `If-Match` or `If-Unmodified-Since`), `400` (a
    /// malformed `If-Match`), or a `500` for a header value given to this head that was
    /// invalid. `None`: load the representation and send it
    /// ([`with_value`](Self::with_value)).
    ///
    /// Every answer is a plain response, not an error: error-reporting middleware
    /// (`ServiceResponse::response().error()`) does not see a 304 as a failure. Other
    /// methods than `GET` and `HEAD`, and a status that is not 2xx, always get `None`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{EntityTag, Tagged, Unloaded};
    ///
    /// let head = Tagged::with_etag(Unloaded, EntityTag::strong("v3")?);
    /// let req = TestRequest::get().insert_header(("if-none-match", "\"v3\"")).to_http_request();
    /// assert_eq!(head.early(&req).map(|res| res.status().as_u16()), Some(304));
    /// assert!(head.early(&TestRequest::get().to_http_request()).is_none());
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn early(&self, req: &HttpRequest) -> Option<HttpResponse<BoxBody>> {
        match self.head.decide(req) {
            ControlFlow::Break(res) => Some(res),
            ControlFlow::Continue(_) => None,
        }
    }

    /// Answers early when the request allows (see [`early`](Self::early)), without calling
    /// `load`; otherwise loads the representation and tags it
    /// ([`with_value`](Self::with_value)). The returned [`Conditional`] is the responder.
    ///
    /// The loaded value's own tag is sent, and the conditions are evaluated against it again
    /// when it is sent: if it changed between the lookup and the load, the response
    /// describes what was loaded.
    ///
    /// # Errors
    ///
    /// What `load` returns (a row gone since the lookup, say, is the handler's 404).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{EntityTag, ETag, Tagged, Unloaded};
    ///
    /// #[derive(serde::Serialize, ETag)]
    /// struct Note { #[etag] version: u32 }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let req = TestRequest::get().insert_header(("if-none-match", Note { version: 2 }.etag().to_string()));
    /// let answer = Tagged::head(&Note { version: 2 })
    ///     .load(&req.to_http_request(), async || -> Result<Note, std::io::Error> {
    ///         unreachable!("a 304 loads nothing")
    ///     })
    ///     .await?;
    /// assert!(answer.is_early());
    /// # Ok::<(), std::io::Error>(())
    /// # }).unwrap();
    /// ```
    pub async fn load<T, E, F>(self, req: &HttpRequest, load: F) -> Result<Conditional<T>, E>
    where
        T: ETag,
        F: AsyncFnOnce() -> Result<T, E>,
    {
        if let Some(res) = self.early(req) {
            return Ok(Conditional(Answer::Early(res)));
        }
        let value = load().await?;
        Ok(Conditional(Answer::Full(self.with_value(value))))
    }

    /// The full response: `value` with its own [`ETag::etag`] and [`ETag::last_modified`],
    /// and the status and headers declared on this head.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{ETag, Tagged};
    ///
    /// #[derive(serde::Serialize, ETag)]
    /// struct Note { #[etag] version: u32 }
    ///
    /// let full = Tagged::head(&Note { version: 1 }).cache_control("no-store").with_value(Note { version: 2 });
    /// assert_eq!(full.entity_tag(), &Note { version: 2 }.etag());
    /// ```
    pub fn with_value<T: ETag>(self, value: T) -> Tagged<T> {
        let etag = value.etag();
        let last_modified = value.last_modified();
        Tagged {
            value,
            head: self.head,
        }
        .etag(etag)
        .last_modified(last_modified)
    }
}

/// The responder of a handler that looked its validators up first ([`Tagged::load`]): the
/// early answer (`304`, `412`...) or the full [`Tagged`] response.
///
/// # Examples
///
/// ```
/// use actix_web::{Responder, test::TestRequest};
/// use etag_actix::{Conditional, EntityTag, Tagged};
///
/// let full: Conditional<u32> = Tagged::with_etag(7, EntityTag::strong("v7")?).into();
/// assert!(!full.is_early());
/// let res = full.respond_to(&TestRequest::get().to_http_request());
/// assert_eq!(res.status(), 200);
/// # Ok::<(), etag_actix::ParseError>(())
/// ```
#[derive(Debug)]
pub struct Conditional<T>(Answer<T>);

#[derive(Debug)]
enum Answer<T> {
    Early(HttpResponse<BoxBody>),
    Full(Tagged<T>),
}

impl<T> Conditional<T> {
    /// Whether the request was answered without the representation.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{Conditional, EntityTag, Tagged};
    ///
    /// let full = Conditional::from(Tagged::with_etag((), EntityTag::strong("a")?));
    /// assert!(!full.is_early());
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn is_early(&self) -> bool {
        matches!(self.0, Answer::Early(_))
    }

    /// The full response, unless the request was answered early.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::{Conditional, EntityTag, Tagged};
    ///
    /// let full = Conditional::from(Tagged::with_etag(5, EntityTag::strong("a")?));
    /// assert_eq!(full.into_tagged().map(Tagged::into_inner), Some(5));
    /// # Ok::<(), etag_actix::ParseError>(())
    /// ```
    pub fn into_tagged(self) -> Option<Tagged<T>> {
        match self.0 {
            Answer::Early(_) => None,
            Answer::Full(tagged) => Some(tagged),
        }
    }
}

impl<T> From<Tagged<T>> for Conditional<T> {
    fn from(tagged: Tagged<T>) -> Self {
        Conditional(Answer::Full(tagged))
    }
}

impl<T: Serialize> Responder for Conditional<T> {
    type Body = BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse<Self::Body> {
        match self.0 {
            Answer::Early(res) => res,
            Answer::Full(tagged) => tagged.respond_to(req),
        }
    }
}
