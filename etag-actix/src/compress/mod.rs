//! Entity tags behind actix-web's `Compress`: [`TaggedCompress`] and [`CompressTags`].

mod negotiate;
mod own;
mod suffix;

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Compress;
use actix_web::{Error, HttpMessage as _};
use futures_util::future::LocalBoxFuture;

use crate::representation::{BehindTagLayer, StandsFor};
use own::{MarkOwnCodings, MarkOwnCodingsService, OwnCoding};
use suffix::Strip;

/// actix-web's [`Compress`] with entity tags done right: [`Compress`] inside, [`CompressTags`]
/// around it. Wrap it where you would wrap `Compress`.
///
/// See [`CompressTags`] for what the tag layer does. Middlewares that must see
/// uncompressed bodies, such as [`ShallowEtag`](crate::ShallowEtag), go inside it (wrap
/// them first).
///
/// # Examples
///
/// ```
/// use actix_web::{App, test, web, http::header};
/// use etag_actix::{EntityTag, Tagged, TaggedCompress, get_or_head};
///
/// async fn show() -> Tagged<String> {
///     Tagged::with_etag("x".repeat(500), EntityTag::strong("v1").unwrap())
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(
///     App::new().wrap(TaggedCompress::default()).route("/", get_or_head().to(show)),
/// ).await;
/// let req = test::TestRequest::get().insert_header((header::ACCEPT_ENCODING, "gzip"));
/// let res = test::call_service(&app, req.to_request()).await;
/// assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"v1.gzip\"");
///
/// // The gzip client revalidates with the tag it got: 304.
/// let req = test::TestRequest::get()
///     .insert_header((header::ACCEPT_ENCODING, "gzip"))
///     .insert_header((header::IF_NONE_MATCH, "\"v1.gzip\""));
/// let res = test::call_service(&app, req.to_request()).await;
/// assert_eq!(res.status(), 304);
/// assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"v1.gzip\"");
/// # });
/// ```
#[derive(Clone, Debug, Default)]
pub struct TaggedCompress {
    compress: Compress,
}

impl TaggedCompress {
    /// The same as `TaggedCompress::default()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::App;
    /// use etag_actix::TaggedCompress;
    ///
    /// let app = App::new().wrap(TaggedCompress::new());
    /// # drop(app);
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

/// `Compress` around the marking of handler-set codings, around the app.
type CompressedService<S> =
    <Compress as Transform<MarkOwnCodingsService<S>, ServiceRequest>>::Transform;

impl<S, B> Transform<S, ServiceRequest> for TaggedCompress
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    Compress: Transform<MarkOwnCodingsService<S>, ServiceRequest, Error = Error, InitError = ()>,
    CompressTags: Transform<CompressedService<S>, ServiceRequest, Error = Error, InitError = ()>,
    CompressedService<S>: 'static,
{
    type Response = <CompressTags as Transform<CompressedService<S>, ServiceRequest>>::Response;
    type Error = Error;
    type Transform = <CompressTags as Transform<CompressedService<S>, ServiceRequest>>::Transform;
    type InitError = ();
    type Future = LocalBoxFuture<'static, Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let compress = self.compress.clone();
        let tags = CompressTags {
            own_codings_marked: true,
        };
        Box::pin(async move {
            let marked = MarkOwnCodings.new_transform(service).await?;
            let inner = compress.new_transform(marked).await?;
            tags.new_transform(inner).await
        })
    }
}

/// The tag layer alone, to wrap **around** (after) an existing
/// [`Compress`]: `App::new().wrap(Compress::default()).wrap(CompressTags::default())`.
/// [`TaggedCompress`] bundles both in the right order.
///
/// One strong tag must never cover two content-codings (RFC 9110 §8.8.3), and a compressed
/// client must still get its 304s and be able to write with `If-Match`. So, for 2xx and 304
/// responses, the layer sends each handler tag with the coding of the body it is sent on:
/// - a strong tag on a body that `Compress` encoded always gets the coding as a suffix:
///   `"opaque"` becomes `"opaque.gzip"` or `"opaque.br"` (`.` is outside the base64url
///   alphabet of derived tags), and a handler's `"report.gzip"` becomes `"report.gzip.gzip"`;
/// - a tag on an identity body is sent unchanged, unless it already ends in a known suffix
///   (`.br`, `.gzip`, `.deflate`, `.zstd`, `.identity`): then it gets `.identity`, so that
///   `"report.gzip"` on an identity body is sent as `"report.gzip.identity"`, never as a
///   tag the gzip body could have. Weak tags follow this identity rule whatever the coding:
///   they do not promise byte equality, so one weak tag may cover every coding.
///
/// Every tag sent this way names exactly one handler tag and one coding, so incoming
/// conditions are read back before the handler, the extractor or [`Tagged`](crate::Tagged)
/// see them:
/// - `If-Match` (and `If-None-Match` on methods other than `GET`/`HEAD`) is about the
///   resource, whatever variant the client holds: its strong members lose any known
///   suffix, so a gzip client writes with `"opaque.gzip"` and matches the handler's
///   `"opaque"`;
/// - `If-None-Match` on `GET`/`HEAD` asks whether the client holds what this request would
///   get: members for identity and for the coding this request negotiates lose their
///   suffix, weak ones too (a proxy that alters the body weakens `"opaque.gzip"` to
///   `W/"opaque.gzip"`); members for another coding are dropped, so a client that now asks
///   for identity while holding `"opaque.gzip"` gets a 200, not a 304 for a body it did not
///   ask for. An emptied list stays present, so `If-Modified-Since` stays ignored;
/// - a 304 carries the tag of the 200 it stands for (RFC 9111 §4.3.4: a cache updates the
///   stored response that tag names). The responders of this crate ([`Tagged`](crate::Tagged),
///   [`Tagged::head`](crate::Tagged::head), [`ShallowEtag`](crate::ShallowEtag), and the
///   [`Preconditions`](crate::Preconditions) 304s, which stand for a 200 of the `Content-Type`
///   given with [`with_headers`](crate::PreconditionError::with_headers), else of the one
///   [`PreconditionConfig::content_type`](crate::PreconditionConfig::content_type) names,
///   JSON by default, and empty if those headers say `Content-Length: 0`) record on their 304 what that 200 carries, and the layer works out what
///   `Compress` would have done with it: the negotiated coding, or identity for an empty
///   body, a `204`/`206`, an image (SVG excepted), a video, or a body whose handler set
///   `Content-Encoding` itself (actix-web's own rules). When an `If-None-Match` member
///   matched, the 304 confirms the variant the client holds: that one if a member of it
///   matched, else the identity one if that matched (a cache holding the identity variant
///   may serve it). A 304 without such a record (built by hand) is taken to stand for the
///   negotiated coding's 200;
/// - `Vary: Accept-Encoding` is added to 2xx and 304 responses that lack it, identity ones
///   included.
///
/// The codings are those `Compress` produces in this build, which depend on actix-web's
/// cargo features (another crate may turn on `actix-web/compress-zstd`): the layer asks
/// `Compress` itself, once, rather than keep its own list. A body that carries a
/// `Content-Encoding` set by its handler is sent with the same bytes to every client, so
/// inside [`TaggedCompress`] (which marks such responses before `Compress` sees them) its
/// tag follows the identity rule; this layer alone cannot tell it from a body `Compress`
/// encoded, and suffixes it with its coding.
///
/// Layers nest safely: when a request already went through an outer tag layer, inner ones
/// pass it through (a request extension marks it), so a tag is suffixed and a suffix
/// stripped once.
///
/// Other responses (4xx, 5xx) keep their status, body and headers, but an `ETag` among them
/// (the current tag a `412` carries) is sent in the identity form, whatever the coding of
/// the error body: a tag the client can send back in `If-Match` and match. A `HEAD`
/// response with an empty body (which `Compress` does not encode) is tagged as identity;
/// [`Tagged`](crate::Tagged) gives `HEAD` its full body, so it is encoded like the `GET`.
/// `If-Range` is not rewritten.
///
/// Stripping allocates two buffers per rewritten header (the new line and the members'
/// codings), whatever the number of members.
///
/// # Examples
///
/// ```
/// use actix_web::{App, middleware::Compress};
/// use etag_actix::CompressTags;
///
/// let app = App::new().wrap(Compress::default()).wrap(CompressTags::default());
/// # drop(app);
/// ```
#[derive(Clone, Debug, Default)]
pub struct CompressTags {
    /// Inside `TaggedCompress`: responses whose handler set `Content-Encoding` are marked
    /// ([`OwnCoding`]) before `Compress` sees them.
    own_codings_marked: bool,
}

impl CompressTags {
    /// The same as `CompressTags::default()`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::CompressTags;
    ///
    /// let _layer = CompressTags::new();
    /// ```
    pub fn new() -> Self {
        Self::default()
    }
}

impl<S, B> Transform<S, ServiceRequest> for CompressTags
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = CompressTagsMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(CompressTagsMiddleware {
            service: Rc::new(service),
            own_codings_marked: self.own_codings_marked,
        }))
    }
}

/// The service made by [`CompressTags`] (and [`TaggedCompress`]).
///
/// # Examples
///
/// ```
/// use actix_web::{App, middleware::Compress};
/// use etag_actix::CompressTags;
///
/// // Built for you by `wrap`:
/// let app = App::new().wrap(Compress::default()).wrap(CompressTags::new());
/// # drop(app);
/// ```
#[derive(Debug)]
pub struct CompressTagsMiddleware<S> {
    service: Rc<S>,
    own_codings_marked: bool,
}

impl<S, B> Service<ServiceRequest> for CompressTagsMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = LocalBoxFuture<'static, Result<Self::Response, Self::Error>>;

    forward_ready!(service);

    fn call(&self, mut req: ServiceRequest) -> Self::Future {
        let service = Rc::clone(&self.service);
        let marked = self.own_codings_marked;
        if req.extensions().contains::<BehindTagLayer>() {
            return Box::pin(async move { service.call(req).await });
        }
        req.extensions_mut().insert(BehindTagLayer);
        let negotiated = negotiate::negotiate(&req);
        let members = if matches!(*req.method(), Method::GET | Method::HEAD) {
            suffix::strip(
                req.headers_mut(),
                &header::IF_NONE_MATCH,
                Strip::Negotiated(negotiated),
            )
        } else {
            suffix::strip(
                req.headers_mut(),
                &header::IF_NONE_MATCH,
                Strip::AnyCoding { weak: true },
            )
        };
        suffix::strip(
            req.headers_mut(),
            &header::IF_MATCH,
            Strip::AnyCoding { weak: false },
        );
        Box::pin(async move {
            let mut res = service.call(req).await?;
            let status = res.status();
            if status == StatusCode::NOT_MODIFIED {
                let of_200 = negotiate::stands_for(
                    res.response().extensions().get::<StandsFor>(),
                    negotiated,
                    marked,
                )
                .unwrap_or(negotiated);
                let variant = negotiate::not_modified(
                    res.headers(),
                    res.request().headers(),
                    &members,
                    of_200,
                );
                suffix::tag_for(res.headers_mut(), variant);
                negotiate::add_vary(res.headers_mut());
            } else if status.is_success() {
                // A body its handler encoded is the same bytes for every client.
                let own = res.response().extensions().contains::<OwnCoding>();
                let variant = if own {
                    None
                } else {
                    negotiate::encoded(res.headers())
                };
                suffix::tag_for(res.headers_mut(), variant);
                negotiate::add_vary(res.headers_mut());
            } else {
                // An error's tag (a 412's current tag) is the resource's, whatever the coding
                // of the error body: sent as for identity, it is a tag the client can send
                // back in `If-Match` and match.
                suffix::tag_for(res.headers_mut(), None);
            }
            Ok(res)
        })
    }
}
