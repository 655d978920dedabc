//! Which variant a response is, or stands for: the codings `Compress` can produce in this
//! build (asked of `Compress` itself), the coding a request negotiates, and the variant of
//! the 200 a 304 stands for.

use std::sync::OnceLock;

use actix_web::dev::{Service, ServiceRequest, Transform, fn_service};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, AcceptEncoding, ContentEncoding, Encoding, Header as _};
use actix_web::http::header::{HeaderMap, HeaderValue};
use actix_web::middleware::Compress;
use actix_web::test::TestRequest;
use actix_web::{Error, HttpResponse};
use etag_core::{EntityTagRef, TagList};
use futures_util::FutureExt as _;

use super::suffix::{Coding, Members, Variant};
use crate::conditions::Lines;
use crate::representation::StandsFor;

/// The codings `Compress` produces in this build, identity first.
///
/// They depend on actix-web's cargo features, which another crate of the build may enable
/// (`actix-web/compress-zstd` without this crate's `compress-zstd`): so they are not listed
/// here but asked of `Compress` itself, once, by sending it a small body for each coding
/// and looking at the `Content-Encoding` it gives back.
fn supported() -> &'static [Encoding] {
    static SUPPORTED: OnceLock<Vec<Encoding>> = OnceLock::new();
    SUPPORTED.get_or_init(|| {
        let mut supported = vec![Encoding::identity()];
        supported.extend(
            Coding::ALL
                .into_iter()
                .filter(|&coding| produces(coding))
                .map(encoding),
        );
        supported
    })
}

/// Whether `Compress` encodes a body with `coding` for a request that accepts only it.
fn produces(coding: Coding) -> bool {
    let handler = fn_service(|req: ServiceRequest| async move {
        Ok::<_, Error>(req.into_response(HttpResponse::Ok().body("probe")))
    });
    // `Compress` and the handler are ready futures: no runtime is needed to drive them.
    let Some(Ok(compress)) = Compress::default().new_transform(handler).now_or_never() else {
        return false;
    };
    let req = TestRequest::default()
        .insert_header((header::ACCEPT_ENCODING, coding.name()))
        .to_srv_request();
    compress
        .call(req)
        .now_or_never()
        .and_then(Result::ok)
        .is_some_and(|res| encoded(res.headers()) == Some(coding))
}

fn encoding(coding: Coding) -> Encoding {
    match coding {
        Coding::Br => Encoding::brotli(),
        Coding::Gzip => Encoding::gzip(),
        Coding::Deflate => Encoding::deflate(),
        Coding::Zstd => Encoding::zstd(),
    }
}

/// What this request negotiates with the codings `Compress` produces (`None`: identity),
/// exactly as `Compress` negotiates it.
pub(super) fn negotiate(req: &ServiceRequest) -> Variant {
    let accept = AcceptEncoding::parse(req).ok()?;
    match accept.negotiate(supported().iter())? {
        Encoding::Known(ContentEncoding::Brotli) => Some(Coding::Br),
        Encoding::Known(ContentEncoding::Gzip) => Some(Coding::Gzip),
        Encoding::Known(ContentEncoding::Deflate) => Some(Coding::Deflate),
        Encoding::Known(ContentEncoding::Zstd) => Some(Coding::Zstd),
        _ => None,
    }
}

/// The coding of a response body, as its `Content-Encoding` says (`None`: identity or a
/// coding the layer does not name).
pub(super) fn encoded(headers: &HeaderMap) -> Variant {
    Coding::from_name(headers.get(header::CONTENT_ENCODING)?.as_bytes())
}

/// The variant of the 200 a 304 stands for, when its responder recorded it. A 200 whose
/// handler set `Content-Encoding` is sent as it is: identity when such responses are
/// marked (`own_marked`, inside `TaggedCompress`), else the coding it names, as a 2xx
/// response's tag reads it. Otherwise, what `Compress` does with it: it encodes with the
/// `negotiated` coding, except an empty body, a `204`/`206`, and an image (but SVG) or a
/// video (actix-web's default predicate). `None`: not recorded.
pub(super) fn stands_for(
    stands_for: Option<&StandsFor>,
    negotiated: Variant,
    own_marked: bool,
) -> Option<Variant> {
    let it = stands_for?;
    if let Some(own) = &it.content_encoding {
        return Some(if own_marked {
            None
        } else {
            Coding::from_name(own.as_bytes())
        });
    }
    let encodes = !it.empty
        && !matches!(
            it.status,
            StatusCode::NO_CONTENT | StatusCode::PARTIAL_CONTENT
        )
        && compressible(it.content_type.as_ref());
    Some(if encodes { negotiated } else { None })
}

/// actix-web's default `Compress` predicate on a `Content-Type`: everything but images
/// (SVG excepted) and videos; no type, or one that does not parse, is compressed.
fn compressible(content_type: Option<&HeaderValue>) -> bool {
    let Some(essence) = content_type
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
    else {
        return true;
    };
    let Some((kind, subtype)) = essence.trim().split_once('/') else {
        return true;
    };
    let subtype = subtype.split('+').next().unwrap_or(subtype);
    if kind.eq_ignore_ascii_case("image") {
        subtype.eq_ignore_ascii_case("svg")
    } else {
        !kind.eq_ignore_ascii_case("video")
    }
}

/// The variant a 304's tag is sent for. `of_200` is the variant of the 200 it stands for;
/// when a kept `If-None-Match` member matched the response's tag, the 304 confirms what the
/// client holds: that variant if such a member matched, else identity if an identity
/// member matched (a cache holding that variant may use it); with no member matched (`*`,
/// `If-Modified-Since`), `of_200`.
pub(super) fn not_modified(
    response: &HeaderMap,
    request: &HeaderMap,
    members: &Members,
    of_200: Variant,
) -> Variant {
    let Some(tag) = response
        .get(header::ETAG)
        .and_then(|v| EntityTagRef::parse(v.as_bytes()).ok())
    else {
        return of_200;
    };
    let lines = Lines::collect(request.get_all(header::IF_NONE_MATCH));
    let Ok(list) = TagList::parse(lines.as_slice()) else {
        return of_200;
    };
    let (mut any, mut identity) = (false, false);
    for (i, member) in list.iter().enumerate() {
        if member.opaque() != tag.opaque() {
            continue;
        }
        match members.variant(i) {
            v if v == of_200 => return of_200,
            None => identity = true,
            Some(_) => {}
        }
        any = true;
    }
    if any && identity { None } else { of_200 }
}

/// Adds `Vary: Accept-Encoding` unless a `Vary` already names it (or is `*`).
pub(super) fn add_vary(headers: &mut HeaderMap) {
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
    fn the_predicate_is_actix_webs() {
        let ct = |v: &'static str| Some(HeaderValue::from_static(v));
        assert!(compressible(None));
        assert!(compressible(ct("application/json").as_ref()));
        assert!(compressible(ct("image/svg+xml; charset=utf-8").as_ref()));
        assert!(compressible(ct("not a type").as_ref()));
        assert!(!compressible(ct("image/png").as_ref()));
        assert!(!compressible(ct("Video/MP4").as_ref()));
    }

    #[test]
    fn gzip_is_always_found() {
        // etag-actix's `compress` feature turns on actix-web's gzip and brotli.
        assert!(supported().contains(&Encoding::gzip()));
        assert!(supported().contains(&Encoding::brotli()));
        assert_eq!(supported().first(), Some(&Encoding::identity()));
    }
}
