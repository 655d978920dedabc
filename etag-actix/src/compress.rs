//! Entity tags behind actix-web's `Compress`: [`TaggedCompress`] and [`CompressTags`].

use std::future::{Ready, ready};
use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, Header as _, HeaderMap, HeaderValue,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Compress;
use actix_web::web::Bytes;
use actix_web::{Error, HttpMessage as _};
use etag_core::{EntityTagRef, TagList};
use futures_util::future::LocalBoxFuture;

use crate::headers::Lines;

/// The content-codings whose suffix is recognised (and stripped from incoming conditions).
const CODINGS: [&str; 4] = ["br", "gzip", "deflate", "zstd"];

/// The suffix of an identity body's tag that would otherwise end in a coding's suffix.
const IDENTITY: &str = "identity";

/// Every suffix the layer writes and reads.
const SUFFIXES: [&str; 5] = ["br", "gzip", "deflate", "zstd", IDENTITY];

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
/// - a 304 carries the tag the matching 200 would carry: the negotiated coding's if such a
///   member matched, else the identity one's if that matched (a cache holding the identity
///   variant may serve it), else (`*`, `If-Modified-Since`) the negotiated coding's
///   (`Compress` encodes no empty body, so the layer negotiates itself);
/// - `Vary: Accept-Encoding` is added to 2xx and 304 responses that lack it, identity ones
///   included.
///
/// Layers nest safely: when a request already went through an outer tag layer, inner ones
/// pass it through (a request extension marks it), so a tag is suffixed and a suffix
/// stripped once.
///
/// Responses other than 2xx and 304 are left alone. A `HEAD` response with an empty body
/// (which `Compress` does not encode) is tagged as identity; [`Tagged`](crate::Tagged) gives
/// `HEAD` its full body, so it is encoded like the `GET`. `If-Range` is not rewritten.
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

/// A content-coding a tag stands for; `None` is identity.
type Coding = Option<&'static str>;

/// An `If-None-Match` member kept for this request: its opaque part without suffix, and the
/// coding of the suffix.
type Member = (Bytes, Coding);

/// Request extension: an outer tag layer rewrote this request's conditions and tags its
/// response, so inner ones pass it through (a tag is suffixed, and a suffix stripped, once).
#[derive(Clone, Copy, Debug)]
struct Handled;

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
        if req.extensions().contains::<Handled>() {
            return Box::pin(async move { service.call(req).await });
        }
        req.extensions_mut().insert(Handled);
        let negotiated = negotiate(&req);
        let if_none_match = if matches!(*req.method(), Method::GET | Method::HEAD) {
            Strip::Negotiated(negotiated)
        } else {
            Strip::AnyCoding { weak: true }
        };
        let members = strip_suffixes(req.headers_mut(), &header::IF_NONE_MATCH, if_none_match);
        strip_suffixes(
            req.headers_mut(),
            &header::IF_MATCH,
            Strip::AnyCoding { weak: false },
        );
        Box::pin(async move {
            let mut res = service.call(req).await?;
            let status = res.status();
            if status.is_success() || status == StatusCode::NOT_MODIFIED {
                let coding = if status == StatusCode::NOT_MODIFIED {
                    not_modified_coding(res.headers(), &members, negotiated)
                } else {
                    encoded_coding(res.headers())
                };
                let headers = res.headers_mut();
                tag_for_coding(headers, coding);
                add_vary(headers);
            }
            Ok(res)
        })
    }
}

/// The known suffix of `opaque` (a content-coding or `identity`) and the part before it.
fn split_suffix(opaque: &[u8]) -> Option<(&[u8], &'static str)> {
    SUFFIXES.iter().find_map(|suffix| {
        let stem = opaque.strip_suffix(suffix.as_bytes())?.strip_suffix(b".")?;
        Some((stem, *suffix))
    })
}

/// The opaque part of a tag the layer sent, and the coding it was sent for: the inverse of
/// [`suffixed`]. A tag the layer cannot have sent (`"x.identity"` where `x` has no known
/// suffix) is taken as it is, for identity.
fn decode(opaque: &[u8]) -> (&[u8], Coding) {
    match split_suffix(opaque) {
        Some((stem, IDENTITY)) if split_suffix(stem).is_some() => (stem, None),
        Some((stem, coding)) if coding != IDENTITY => (stem, Some(coding)),
        _ => (opaque, None),
    }
}

/// The opaque part a handler's tag is sent with for `coding`, when it changes: a strong tag
/// of an encoded body gets `.coding`; any other tag (identity body, or weak: a weak tag
/// does not promise byte equality) that already ends in a known suffix gets `.identity`, so
/// that it cannot be read as another coding's tag.
fn suffixed(opaque: &[u8], weak: bool, coding: Coding) -> Option<Vec<u8>> {
    let suffix = match coding {
        Some(coding) if !weak => coding,
        _ if split_suffix(opaque).is_some() => IDENTITY,
        _ => return None,
    };
    let mut out = Vec::with_capacity(opaque.len() + suffix.len() + 5);
    if weak {
        out.extend_from_slice(b"W/");
    }
    out.push(b'"');
    out.extend_from_slice(opaque);
    out.push(b'.');
    out.extend_from_slice(suffix.as_bytes());
    out.push(b'"');
    Some(out)
}

/// How the members of an incoming condition are read.
#[derive(Clone, Copy, Debug)]
enum Strip {
    /// The condition is about the resource, whatever variant the client holds (`If-Match`,
    /// `If-None-Match` on a write): every known suffix is stripped, from weak members too
    /// when `weak`.
    AnyCoding {
        /// Whether weak members are rewritten too.
        weak: bool,
    },
    /// `If-None-Match` on `GET`/`HEAD` asks whether the client holds the representation this
    /// request would get: members of identity and of the negotiated coding lose their
    /// suffix, strong and weak alike (a proxy that alters the body weakens the tag); members
    /// of other codings are dropped, they match nothing this request can be sent.
    Negotiated(Coding),
}

/// Rewrites the lines of `name` as `strip` says (one line, members in order; a malformed
/// list or `*` is left alone). Returns the members kept for [`Strip::Negotiated`].
fn strip_suffixes(headers: &mut HeaderMap, name: &header::HeaderName, strip: Strip) -> Vec<Member> {
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
            let (opaque, coding) = match strip {
                Strip::AnyCoding { weak: false } if tag.is_weak() => (tag.opaque(), None),
                _ => decode(tag.opaque()),
            };
            if let Strip::Negotiated(negotiated) = strip {
                if coding.is_some() && coding != negotiated {
                    changed = true;
                    continue;
                }
                members.push((Bytes::copy_from_slice(opaque), coding));
            }
            changed |= opaque.len() != tag.opaque().len();
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
        // An emptied list stays present (an empty line is a valid, empty list), so that
        // `If-Modified-Since` stays ignored as RFC 9110 §13.1.3 wants.
        changed.then_some(out)
    };
    if let Some(Ok(value)) = rewritten.map(|v| HeaderValue::from_maybe_shared(Bytes::from(v))) {
        headers.insert(name.clone(), value);
    }
    members
}

/// What this request negotiates with the codings `Compress` supports (`None`: identity).
fn negotiate(req: &ServiceRequest) -> Coding {
    let accept = AcceptEncoding::parse(req).ok()?;
    match accept.negotiate(SUPPORTED.iter())? {
        Encoding::Known(ContentEncoding::Brotli) => Some("br"),
        Encoding::Known(ContentEncoding::Gzip) => Some("gzip"),
        Encoding::Known(ContentEncoding::Deflate) => Some("deflate"),
        Encoding::Known(ContentEncoding::Zstd) => Some("zstd"),
        _ => None,
    }
}

/// The coding a 304's tag is sent for: the negotiated one if a member of it matched, else
/// identity if an identity member matched (a cache holding that variant may use it), else
/// (no member matched: `*` or `If-Modified-Since`) the negotiated one, the coding of the
/// 200 this request would get.
fn not_modified_coding(headers: &HeaderMap, members: &[Member], negotiated: Coding) -> Coding {
    let Some(tag) = headers
        .get(header::ETAG)
        .and_then(|v| EntityTagRef::parse(v.as_bytes()).ok())
    else {
        return negotiated;
    };
    let mut matched = members
        .iter()
        .filter(|(stem, _)| stem.as_ref() == tag.opaque())
        .map(|(_, coding)| *coding)
        .peekable();
    if matched.peek().is_none() || matched.any(|c| c == negotiated) {
        negotiated
    } else {
        None
    }
}

/// The coding `Compress` applied, if it is one we know.
fn encoded_coding(headers: &HeaderMap) -> Coding {
    let value = headers.get(header::CONTENT_ENCODING)?.to_str().ok()?.trim();
    CODINGS
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(value))
}

/// Rewrites the `ETag` to the tag of `coding` (see [`suffixed`]).
fn tag_for_coding(headers: &mut HeaderMap, coding: Coding) {
    let Some(value) = headers.get(header::ETAG) else {
        return;
    };
    let Ok(tag) = EntityTagRef::parse(value.as_bytes()) else {
        return;
    };
    if let Some(Ok(value)) = suffixed(tag.opaque(), tag.is_weak(), coding)
        .map(|out| HeaderValue::from_maybe_shared(Bytes::from(out)))
    {
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

    /// The tag a handler's tag is sent with, for a coding.
    fn sent(opaque: &str, coding: Coding) -> Vec<u8> {
        suffixed(opaque.as_bytes(), false, coding)
            .map(|quoted| quoted[1..quoted.len() - 1].to_vec())
            .unwrap_or_else(|| opaque.as_bytes().to_vec())
    }

    #[test]
    fn every_sent_tag_decodes_to_its_tag_and_coding() {
        let codings = [None, Some("gzip"), Some("br"), Some("zstd")];
        let tags = [
            "v1",
            "v1.gzip",
            "v1.identity",
            "v1.gzip.identity",
            "a.b",
            "gzip",
            ".br",
        ];
        let mut seen = std::collections::HashSet::new();
        for tag in tags {
            for coding in codings {
                let sent = sent(tag, coding);
                assert_eq!(decode(&sent), (tag.as_bytes(), coding), "{tag} {coding:?}");
                assert!(seen.insert(sent), "{tag} {coding:?} shares a sent tag");
            }
        }
    }

    #[test]
    fn tags_the_layer_never_sends_are_taken_as_they_are() {
        assert_eq!(decode(b"v1.identity"), (&b"v1.identity"[..], None));
        assert_eq!(decode(b"v1"), (&b"v1"[..], None));
    }

    #[test]
    fn weak_tags_get_no_coding_suffix() {
        assert_eq!(suffixed(b"w1", true, Some("gzip")), None);
        assert_eq!(
            suffixed(b"w1.br", true, Some("gzip")).as_deref(),
            Some(&b"W/\"w1.br.identity\""[..])
        );
    }
}
