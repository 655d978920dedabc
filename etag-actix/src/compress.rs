//! Entity tags behind actix-web's `Compress`: [`TaggedCompress`] and [`CompressTags`].

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::StatusCode;
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header as _, HeaderMap, HeaderValue,
};
use actix_web::middleware::Compress;
use actix_web::web::Bytes;
use etag_core::{EntityTagRef, TagList};
use futures_util::future::LocalBoxFuture;

use crate::headers::Lines;

/// The content-codings whose suffix is recognised (and stripped from incoming conditions).
const CODINGS: [&str; 4] = ["br", "gzip", "deflate", "zstd"];

/// The codings actix-web's `Compress` can produce in this build, in its own order.
static SUPPORTED: &[Encoding] = &[
    Encoding::identity(),
    Encoding::brotli(),
    Encoding::gzip(),
    Encoding::deflate(),
    #[cfg(feature = "compress-zstd")]
    Encoding::zstd(),
];

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
    tags: CompressTags,
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

type CompressedService<S> = <Compress as Transform<S, ServiceRequest>>::Transform;

impl<S, B> Transform<S, ServiceRequest> for TaggedCompress
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    B: MessageBody + 'static,
    Compress: Transform<S, ServiceRequest, Error = Error, InitError = ()>,
    CompressTags: Transform<CompressedService<S>, ServiceRequest, Error = Error, InitError = ()>,
    CompressedService<S>: 'static,
{
    type Response = <CompressTags as Transform<CompressedService<S>, ServiceRequest>>::Response;
    type Error = Error;
    type Transform = <CompressTags as Transform<CompressedService<S>, ServiceRequest>>::Transform;
    type InitError = ();
    type Future = LocalBoxFuture<'static, Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let compress = self.compress.new_transform(service);
        let tags = self.tags.clone();
        Box::pin(async move {
            let inner = compress.await?;
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
/// responses:
/// - a strong `ETag` on a body that `Compress` encoded gets the coding as a suffix:
///   `"opaque"` becomes `"opaque.gzip"` or `"opaque.br"` (`.` is outside the base64url
///   alphabet of derived tags). Weak tags are left alone: they do not promise byte equality;
/// - incoming `If-None-Match` and `If-Match` lose a known suffix (`.br`, `.gzip`,
///   `.deflate`, `.zstd`) from their strong tags before the handler, the extractor or
///   [`Tagged`](crate::Tagged) see them, so `"opaque.gzip"` matches the handler's
///   `"opaque"`;
/// - a 304 carries the tag the matching 200 would carry: the coding of the `If-None-Match`
///   member that matched (preferring the one this request negotiates), else the coding this
///   request negotiates (`Compress` encodes no empty body, so the layer negotiates itself);
/// - `Vary: Accept-Encoding` is added to 2xx and 304 responses that lack it, identity ones
///   included.
///
/// Responses other than 2xx and 304, and tags of `HEAD` responses with an empty body (which
/// `Compress` does not encode) are left alone; [`Tagged`](crate::Tagged) gives `HEAD` its
/// full body, so it is encoded like the `GET`. `If-Range` is not rewritten.
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
    _private: (),
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
}

/// A strong `If-None-Match` member: its opaque part without suffix, and the suffix' coding.
type Member = (Bytes, Option<&'static str>);

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
        let members = strip_suffixes(req.headers_mut(), &header::IF_NONE_MATCH, true);
        strip_suffixes(req.headers_mut(), &header::IF_MATCH, false);
        let service = Rc::clone(&self.service);
        Box::pin(async move {
            let mut res = service.call(req).await?;
            let status = res.status();
            if status.is_success() || status == StatusCode::NOT_MODIFIED {
                let coding = if status == StatusCode::NOT_MODIFIED {
                    let negotiated = negotiate(&res);
                    let etag = res.headers().get(header::ETAG).cloned();
                    etag.and_then(|tag| not_modified_coding(&tag, &members, negotiated))
                } else {
                    encoded_coding(res.headers())
                };
                let headers = res.headers_mut();
                if let Some(coding) = coding {
                    suffix_etag(headers, coding);
                }
                add_vary(headers);
            }
            Ok(res)
        })
    }
}

/// The coding of a known suffix of `opaque`, and the opaque part without it.
fn split_suffix(opaque: &[u8]) -> Option<(&[u8], &'static str)> {
    CODINGS.iter().find_map(|coding| {
        let stem = opaque.strip_suffix(coding.as_bytes())?.strip_suffix(b".")?;
        Some((stem, *coding))
    })
}

/// Rewrites the lines of `name` without known suffixes on strong tags; returns the strong
/// members (suffix split off) when the header is well-formed and `keep` asks for them.
fn strip_suffixes(headers: &mut HeaderMap, name: &header::HeaderName, keep: bool) -> Vec<Member> {
    let mut members = Vec::new();
    let rewritten = {
        let lines = Lines::collect(headers.get_all(name));
        let lines = lines.as_slice();
        if lines.is_empty() {
            return members;
        }
        let Ok(list) = TagList::parse(lines) else {
            return members;
        };
        if list.is_any() {
            return members;
        }
        let mut changed = false;
        let mut out = Vec::new();
        for tag in list.iter() {
            let (opaque, coding) = match (tag.is_weak(), split_suffix(tag.opaque())) {
                (false, Some((stem, coding))) => (stem, Some(coding)),
                _ => (tag.opaque(), None),
            };
            changed |= coding.is_some();
            if keep && !tag.is_weak() {
                members.push((Bytes::copy_from_slice(opaque), coding));
            }
            if !out.is_empty() {
                out.extend_from_slice(b", ");
            }
            if tag.is_weak() {
                out.extend_from_slice(b"W/");
            }
            out.push(b'"');
            out.extend_from_slice(opaque);
            out.push(b'"');
        }
        changed.then_some(out)
    };
    if let Some(Ok(value)) = rewritten.map(|v| HeaderValue::from_maybe_shared(Bytes::from(v))) {
        headers.insert(name.clone(), value);
    }
    members
}

/// What this request negotiates with the codings `Compress` supports (`None`: identity).
fn negotiate<B>(res: &ServiceResponse<B>) -> Option<&'static str> {
    let accept = AcceptEncoding::parse(res.request()).ok()?;
    match accept.negotiate(SUPPORTED.iter())? {
        Encoding::Known(ContentEncoding::Brotli) => Some("br"),
        Encoding::Known(ContentEncoding::Gzip) => Some("gzip"),
        Encoding::Known(ContentEncoding::Deflate) => Some("deflate"),
        Encoding::Known(ContentEncoding::Zstd) => Some("zstd"),
        _ => None,
    }
}

/// The coding a 304's tag gets: the negotiated one if a member with it matched, else the
/// first matching member's, else (no member matched: `*` or `If-Modified-Since`) the
/// negotiated one.
fn not_modified_coding(
    etag: &HeaderValue,
    members: &[Member],
    negotiated: Option<&'static str>,
) -> Option<&'static str> {
    let tag = EntityTagRef::parse(etag.as_bytes()).ok()?;
    if tag.is_weak() {
        return None;
    }
    let mut matched = members
        .iter()
        .filter(|(stem, _)| stem.as_ref() == tag.opaque())
        .map(|(_, coding)| *coding)
        .peekable();
    match matched.peek() {
        None => negotiated,
        Some(first) => {
            let first = *first;
            if matched.any(|c| c == negotiated) {
                negotiated
            } else {
                first
            }
        }
    }
}

/// The coding `Compress` applied, if it is one we know.
fn encoded_coding(headers: &HeaderMap) -> Option<&'static str> {
    let value = headers.get(header::CONTENT_ENCODING)?.to_str().ok()?.trim();
    CODINGS
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(value))
}

/// Appends `.coding` to a strong `ETag` that does not already end with it.
fn suffix_etag(headers: &mut HeaderMap, coding: &str) {
    let Some(value) = headers.get(header::ETAG) else {
        return;
    };
    let Ok(tag) = EntityTagRef::parse(value.as_bytes()) else {
        return;
    };
    if tag.is_weak() || split_suffix(tag.opaque()).is_some_and(|(_, c)| c == coding) {
        return;
    }
    let mut out = Vec::with_capacity(tag.opaque().len() + coding.len() + 3);
    out.push(b'"');
    out.extend_from_slice(tag.opaque());
    out.push(b'.');
    out.extend_from_slice(coding.as_bytes());
    out.push(b'"');
    if let Ok(value) = HeaderValue::from_maybe_shared(Bytes::from(out)) {
        headers.insert(header::ETAG, value);
    }
}

/// Adds `Vary: Accept-Encoding` unless a `Vary` already names it (or is `*`).
fn add_vary(headers: &mut HeaderMap) {
    let present = headers.get_all(header::VARY).any(|v| {
        v.as_bytes().split(|&b| b == b',').any(|item| {
            let item = item.trim_ascii();
            item == b"*" || item.eq_ignore_ascii_case(b"accept-encoding")
        })
    });
    if !present {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_suffix_knows_codings() {
        assert_eq!(split_suffix(b"abc.gzip"), Some((&b"abc"[..], "gzip")));
        assert_eq!(split_suffix(b"abc.br"), Some((&b"abc"[..], "br")));
        assert_eq!(split_suffix(b"abcgzip"), None);
        assert_eq!(split_suffix(b"abc.lz"), None);
    }
}
