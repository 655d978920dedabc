//! Entity tags behind actix-web's `Compress`: suffixed strong tags per coding, suffixes
//! stripped from incoming conditions, `Vary: Accept-Encoding` on 200 and 304, and the
//! same app without compression.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actix_support;

use std::sync::Mutex;

use actix_support::*;
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Compress;
use actix_web::{App, HttpResponse, test, web};
use etag_actix::{
    CompressTags, ETag, EntityTag, Preconditions, ShallowEtag, Tagged, TaggedCompress, get_or_head,
};

struct Store(Mutex<Product>);

async fn show(store: web::Data<Store>) -> Tagged<Product> {
    Tagged::new(store.0.lock().unwrap().clone())
}

async fn replace(
    pre: Preconditions,
    store: web::Data<Store>,
) -> Result<Tagged<Product>, actix_web::Error> {
    let mut current = store.0.lock().unwrap();
    pre.check(&*current)?;
    current.version += 1;
    Ok(Tagged::new(current.clone()))
}

async fn weak() -> Tagged<&'static str> {
    Tagged::with_etag("weakly tagged body", EntityTag::weak("w1").unwrap())
}

async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .body("a page without its own tag ".repeat(20))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(Store(Mutex::new(widget()))))
        .route("/p", get_or_head().to(show))
        .route("/p", web::put().to(replace))
        .route("/weak", web::get().to(weak))
        .service(
            web::scope("/shallow")
                .wrap(ShallowEtag::new())
                .route("", web::get().to(page)),
        );
}

macro_rules! tagged_app {
    () => {
        test::init_service(App::new().wrap(TaggedCompress::default()).configure(routes)).await
    };
}

fn get(coding: Option<&str>) -> test::TestRequest {
    let req = test::TestRequest::get().uri("/p");
    match coding {
        Some(coding) => req.insert_header((header::ACCEPT_ENCODING, coding)),
        None => req,
    }
}

fn suffixed(coding: &str) -> String {
    format!("\"{}.{coding}\"", widget().etag().opaque())
}

fn varies_on_accept_encoding<B>(res: &actix_web::dev::ServiceResponse<B>) -> bool {
    headers_all(res, header::VARY)
        .iter()
        .flat_map(|v| {
            v.split(',')
                .map(|s| s.trim().to_ascii_lowercase())
                .collect::<Vec<_>>()
        })
        .any(|v| v == "accept-encoding")
}

#[actix_web::test]
async fn gzip_and_brotli_bodies_get_suffixed_strong_tags() {
    let app = tagged_app!();
    for coding in ["gzip", "br"] {
        let res = test::call_service(&app, get(Some(coding)).to_request()).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            header(&res, header::CONTENT_ENCODING).as_deref(),
            Some(coding)
        );
        assert_eq!(header(&res, header::ETAG), Some(suffixed(coding)));
        assert!(varies_on_accept_encoding(&res));
        let body = body(res).await;
        if coding == "gzip" {
            assert_eq!(body.get(..2), Some(&[0x1f, 0x8b][..]));
        }
    }
}

#[actix_web::test]
async fn identity_response_keeps_the_plain_tag_and_varies() {
    let app = tagged_app!();
    for accept in [None, Some("identity")] {
        let res = test::call_service(&app, get(accept).to_request()).await;
        assert_eq!(header(&res, header::CONTENT_ENCODING), None);
        assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
        assert!(varies_on_accept_encoding(&res), "{accept:?}");
    }
}

#[actix_web::test]
async fn identity_and_gzip_never_share_a_strong_tag() {
    let app = tagged_app!();
    let plain = test::call_service(&app, get(None).to_request()).await;
    let gzip = test::call_service(&app, get(Some("gzip")).to_request()).await;
    let br = test::call_service(&app, get(Some("br")).to_request()).await;
    let tags = [plain, gzip, br].map(|res| header(&res, header::ETAG).unwrap());
    assert_ne!(tags[0], tags[1]);
    assert_ne!(tags[0], tags[2]);
    assert_ne!(tags[1], tags[2]);
}

#[actix_web::test]
async fn gzip_client_revalidates_with_304() {
    let app = tagged_app!();
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, suffixed("gzip")));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
    assert!(varies_on_accept_encoding(&res));
    assert_eq!(header(&res, header::CONTENT_ENCODING), None);
    assert_eq!(header(&res, header::CONTENT_TYPE), None);
    assert!(body(res).await.is_empty());
}

#[actix_web::test]
async fn identity_client_revalidates_with_304() {
    let app = tagged_app!();
    let req = get(None).insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert!(varies_on_accept_encoding(&res));
}

#[actix_web::test]
async fn not_modified_tag_names_the_matching_stored_variant() {
    let app = tagged_app!();
    // A cache holding both variants sends both tags; the 304 names the one this request
    // would get (gzip).
    let req = get(Some("gzip")).insert_header((
        header::IF_NONE_MATCH,
        format!("{}, {}", widget_tag(), suffixed("gzip")),
    ));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
    // Holding only the identity variant: the 304 confirms that one.
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
}

#[actix_web::test]
async fn if_modified_since_304_gets_the_negotiated_suffix() {
    let app = tagged_app!();
    for (accept, tag) in [
        (Some("gzip"), suffixed("gzip")),
        (Some("br, gzip"), suffixed("br")),
        (None, widget_tag()),
    ] {
        let req = get(accept).insert_header((header::IF_MODIFIED_SINCE, IMF));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(header(&res, header::ETAG), Some(tag), "{accept:?}");
        assert!(varies_on_accept_encoding(&res));
    }
}

#[actix_web::test]
async fn gzip_client_can_write_with_if_match() {
    let app = tagged_app!();
    let req = test::TestRequest::put()
        .uri("/p")
        .insert_header((header::ACCEPT_ENCODING, "gzip"))
        .insert_header((header::IF_MATCH, suffixed("gzip")));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let new_tag = header(&res, header::ETAG).unwrap();
    assert!(new_tag.ends_with(".gzip\""), "{new_tag}");
    // The same (now stale) tag again: 412, not a lost update.
    let req = test::TestRequest::put()
        .uri("/p")
        .insert_header((header::ACCEPT_ENCODING, "gzip"))
        .insert_header((header::IF_MATCH, suffixed("gzip")));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    // The new tag works, suffix and all.
    let req = test::TestRequest::put()
        .uri("/p")
        .insert_header((header::IF_MATCH, new_tag));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn head_is_tagged_like_get() {
    let app = tagged_app!();
    let req = get(Some("gzip")).method(Method::HEAD);
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(&res, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
}

#[actix_web::test]
async fn weak_tags_are_left_alone() {
    let app = tagged_app!();
    let req = test::TestRequest::get()
        .uri("/weak")
        .insert_header((header::ACCEPT_ENCODING, "gzip"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(
        header(&res, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    assert_eq!(header(&res, header::ETAG).as_deref(), Some("W/\"w1\""));
    let req = test::TestRequest::get()
        .uri("/weak")
        .insert_header((header::ACCEPT_ENCODING, "gzip"))
        .insert_header((header::IF_NONE_MATCH, "W/\"w1\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[actix_web::test]
async fn errors_are_left_alone() {
    let app = tagged_app!();
    let req = test::TestRequest::get()
        .uri("/missing")
        .insert_header((header::ACCEPT_ENCODING, "gzip"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(!varies_on_accept_encoding(&res));
}

#[actix_web::test]
async fn explicit_compress_then_compress_tags_is_the_same() {
    let app = test::init_service(
        App::new()
            .wrap(Compress::default())
            .wrap(CompressTags::default())
            .configure(routes),
    )
    .await;
    let res = test::call_service(&app, get(Some("gzip")).to_request()).await;
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, suffixed("gzip")));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[actix_web::test]
async fn shallow_tags_inside_tagged_compress() {
    let app = tagged_app!();
    let req = test::TestRequest::get()
        .uri("/shallow")
        .insert_header((header::ACCEPT_ENCODING, "gzip"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(
        header(&res, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    let tag = header(&res, header::ETAG).unwrap();
    assert!(tag.ends_with(".gzip\""), "{tag}");
    let req = test::TestRequest::get()
        .uri("/shallow")
        .insert_header((header::ACCEPT_ENCODING, "gzip"))
        .insert_header((header::IF_NONE_MATCH, tag.clone()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(tag));
}

#[actix_web::test]
async fn compress_alone_shares_one_strong_tag_across_codings() {
    // What the layer fixes: bare `Compress` sends the identity tag on the gzip body.
    let app = test::init_service(App::new().wrap(Compress::default()).configure(routes)).await;
    let res = test::call_service(&app, get(Some("gzip")).to_request()).await;
    assert_eq!(
        header(&res, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    let res = test::call_service(&app, get(None).to_request()).await;
    assert!(!varies_on_accept_encoding(&res)); // and no Vary on identity responses
}

#[actix_web::test]
async fn without_compression_nothing_changes() {
    let app = test::init_service(App::new().configure(routes)).await;
    let res = test::call_service(&app, get(Some("gzip")).to_request()).await;
    assert_eq!(header(&res, header::CONTENT_ENCODING), None);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert!(!varies_on_accept_encoding(&res));
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, widget_tag()));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
    // A suffixed tag means nothing without the layer.
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, suffixed("gzip")));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn existing_vary_is_extended_not_duplicated() {
    async fn varied() -> Tagged<&'static str> {
        Tagged::with_etag("hello hello hello", EntityTag::strong("v").unwrap())
            .vary("Accept-Language")
    }
    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/", web::get().to(varied)),
    )
    .await;
    let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    let vary = headers_all(&res, header::VARY)
        .join(", ")
        .to_ascii_lowercase();
    assert_eq!(vary.matches("accept-encoding").count(), 1, "{vary}");
    assert!(vary.contains("accept-language"), "{vary}");
    let res = test::call_service(
        &app,
        test::TestRequest::get()
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
            .to_request(),
    )
    .await;
    let vary = headers_all(&res, header::VARY)
        .join(", ")
        .to_ascii_lowercase();
    assert_eq!(vary.matches("accept-encoding").count(), 1, "{vary}");
}

async fn suffixed_by_hand() -> Tagged<String> {
    Tagged::with_etag("x".repeat(300), EntityTag::strong("report.gzip").unwrap())
}

/// A handler's own strong tag that already ends in a coding suffix: the identity and the
/// gzip body still get different tags, and each revalidates.
#[actix_web::test]
async fn a_tag_ending_in_a_coding_suffix_still_gets_one_tag_per_coding() {
    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/f", get_or_head().to(suffixed_by_hand)),
    )
    .await;
    let get = |accept: Option<&str>| {
        let req = test::TestRequest::get().uri("/f");
        match accept {
            Some(accept) => req.insert_header((header::ACCEPT_ENCODING, accept.to_owned())),
            None => req,
        }
    };
    let identity = test::call_service(&app, get(None).to_request()).await;
    let gzip = test::call_service(&app, get(Some("gzip")).to_request()).await;
    assert_eq!(header(&identity, header::CONTENT_ENCODING), None);
    assert_eq!(
        header(&gzip, header::CONTENT_ENCODING).as_deref(),
        Some("gzip")
    );
    let identity_tag = header(&identity, header::ETAG).unwrap();
    let gzip_tag = header(&gzip, header::ETAG).unwrap();
    assert_eq!(identity_tag, "\"report.gzip.identity\"");
    assert_eq!(gzip_tag, "\"report.gzip.gzip\"");
    for (accept, tag) in [(None, &identity_tag), (Some("gzip"), &gzip_tag)] {
        let req = get(accept).insert_header((header::IF_NONE_MATCH, tag.clone()));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{accept:?}");
        assert_eq!(header(&res, header::ETAG).as_ref(), Some(tag), "{accept:?}");
    }
    // The handler's tag itself is neither variant's.
    let req = get(None).insert_header((header::IF_NONE_MATCH, "\"report.gzip\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// A client that now asks for identity, holding the gzip variant's tag, does not hold what it
/// would get: 200, not a 304 that would confirm a gzip body it cannot use.
#[actix_web::test]
async fn a_tag_of_another_coding_is_no_match_for_if_none_match() {
    let app = tagged_app!();
    for accept in [None, Some("identity")] {
        let req = get(accept).insert_header((header::IF_NONE_MATCH, suffixed("gzip")));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    }
    // Nor is a brotli tag for a gzip request.
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, suffixed("br")));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
}

/// `If-Match` protects the resource, whatever variant the client holds.
#[actix_web::test]
async fn if_match_strips_any_known_suffix() {
    let app = tagged_app!();
    let req = test::TestRequest::put()
        .uri("/p")
        .insert_header((header::IF_MATCH, suffixed("br")));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// A proxy that changes the body weakens the tag: `W/"opaque.gzip"` still revalidates.
#[actix_web::test]
async fn weak_members_lose_the_suffix_too() {
    let app = tagged_app!();
    let weakened = format!("W/{}", suffixed("gzip"));
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, weakened.clone()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
    // ... but only for the coding this request negotiates.
    let req = get(None).insert_header((header::IF_NONE_MATCH, weakened));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// Two tag layers (say one on the app and one on a scope) suffix and strip once.
#[actix_web::test]
async fn nested_layers_suffix_once() {
    let app = test::init_service(
        App::new().wrap(CompressTags::default()).service(
            web::scope("")
                .wrap(TaggedCompress::default())
                .configure(routes)
                .route("/f", get_or_head().to(suffixed_by_hand)),
        ),
    )
    .await;
    let res = test::call_service(&app, get(Some("gzip")).to_request()).await;
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
    let req = get(Some("gzip")).insert_header((header::IF_NONE_MATCH, suffixed("gzip")));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(suffixed("gzip")));
    let req = test::TestRequest::get()
        .uri("/f")
        .insert_header((header::ACCEPT_ENCODING, "gzip"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(
        header(&res, header::ETAG).as_deref(),
        Some("\"report.gzip.gzip\"")
    );
    let req = test::TestRequest::get()
        .uri("/f")
        .insert_header((header::ACCEPT_ENCODING, "gzip"))
        .insert_header((header::IF_NONE_MATCH, "\"report.gzip.gzip\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

/// An `If-None-Match` left with no member for this request still counts as present, so
/// `If-Modified-Since` stays ignored (RFC 9110 §13.1.3).
#[actix_web::test]
async fn dropped_members_keep_if_modified_since_ignored() {
    let app = tagged_app!();
    let req = get(None)
        .insert_header((header::IF_NONE_MATCH, suffixed("gzip")))
        .insert_header((header::IF_MODIFIED_SINCE, IMF));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// A representation `Compress` never encodes: an image, a video, a body that carries its
/// own `Content-Encoding`. Its 304s must carry the tag of that unencoded 200, whatever the
/// client accepts (RFC 9111 §4.3.4: a 304 updates the stored response its tag names).
async fn image() -> Tagged<String> {
    Tagged::with_etag("x".repeat(300), EntityTag::strong("img1").unwrap())
        .last_modified(changed())
        .insert_header((header::CONTENT_TYPE, "image/png"))
}

async fn video() -> Tagged<String> {
    Tagged::with_etag("x".repeat(300), EntityTag::strong("vid1").unwrap())
        .last_modified(changed())
        .insert_header((header::CONTENT_TYPE, "video/mp4"))
}

async fn svg() -> Tagged<String> {
    Tagged::with_etag("x".repeat(300), EntityTag::strong("svg1").unwrap())
        .last_modified(changed())
        .insert_header((header::CONTENT_TYPE, "image/svg+xml"))
}

async fn own_coding() -> Tagged<String> {
    Tagged::with_etag("x".repeat(300), EntityTag::strong("pre1").unwrap())
        .last_modified(changed())
        .insert_header((header::CONTENT_ENCODING, "br"))
}

/// The 200 and the 304s (by date, by `*`, by the 200's own tag) carry one tag, for every
/// coding a client may ask for.
#[actix_web::test]
async fn a_304_carries_the_tag_of_the_200_it_stands_for() {
    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/image", get_or_head().to(image))
            .route("/video", get_or_head().to(video))
            .route("/svg", get_or_head().to(svg))
            .route("/own", get_or_head().to(own_coding))
            .configure(routes),
    )
    .await;
    for path in ["/image", "/video", "/svg", "/own", "/p"] {
        for accept in [
            None,
            Some("gzip"),
            Some("br"),
            Some("zstd"),
            Some("deflate"),
        ] {
            let get = || {
                let req = test::TestRequest::get().uri(path);
                match accept {
                    Some(a) => req.insert_header((header::ACCEPT_ENCODING, a)),
                    None => req,
                }
            };
            let full = test::call_service(&app, get().to_request()).await;
            assert_eq!(full.status(), StatusCode::OK);
            let tag = header(&full, header::ETAG).unwrap();
            for (name, value) in [
                (header::IF_MODIFIED_SINCE, IMF.to_owned()),
                (header::IF_NONE_MATCH, "*".to_owned()),
                (header::IF_NONE_MATCH, tag.clone()),
            ] {
                let req = get().insert_header((name.clone(), value.clone()));
                let res = test::call_service(&app, req.to_request()).await;
                assert_eq!(
                    res.status(),
                    StatusCode::NOT_MODIFIED,
                    "{path} {accept:?} {name}"
                );
                assert_eq!(
                    header(&res, header::ETAG).as_ref(),
                    Some(&tag),
                    "{path} {accept:?} {name}: {value}"
                );
            }
        }
    }
}

async fn suffixed_by_hand_replace(pre: Preconditions) -> Result<HttpResponse, actix_web::Error> {
    pre.check(&ByHand)?;
    Ok(HttpResponse::NoContent().finish())
}

struct ByHand;

impl ETag for ByHand {
    fn etag(&self) -> EntityTag {
        EntityTag::strong("report.gzip").unwrap()
    }
}

/// The 412 of a stale write carries the current tag in a form that, sent back as
/// `If-Match`, succeeds: here a handler tag that itself ends in a coding suffix.
#[actix_web::test]
async fn a_412_tag_sent_back_as_if_match_succeeds() {
    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/f", web::put().to(suffixed_by_hand_replace))
            .configure(routes),
    )
    .await;
    for (path, accept) in [
        ("/f", None),
        ("/f", Some("gzip")),
        ("/p", None),
        ("/p", Some("br")),
    ] {
        let put = |tag: &str| {
            let req = test::TestRequest::put()
                .uri(path)
                .insert_header((header::IF_MATCH, tag.to_owned()));
            match accept {
                Some(a) => req.insert_header((header::ACCEPT_ENCODING, a)),
                None => req,
            }
        };
        let res = test::call_service(&app, put("\"stale\"").to_request()).await;
        assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{path}");
        let current = header(&res, header::ETAG).unwrap();
        let res = test::call_service(&app, put(&current).to_request()).await;
        assert!(
            res.status().is_success(),
            "{path} {accept:?}: If-Match {current} got {}",
            res.status()
        );
    }
}

/// Whatever codings this build of actix-web can produce, the tag's suffix is the coding
/// of the body it is sent with, and a 304 by date names the same variant.
#[actix_web::test]
async fn the_suffix_follows_what_compress_actually_produced() {
    let app = tagged_app!();
    for coding in ["br", "gzip", "deflate", "zstd", "identity"] {
        let full = test::call_service(&app, get(Some(coding)).to_request()).await;
        let applied = header(&full, header::CONTENT_ENCODING);
        let expected = match &applied {
            Some(c) => suffixed(c),
            None => widget_tag(),
        };
        assert_eq!(
            header(&full, header::ETAG),
            Some(expected.clone()),
            "{coding}"
        );
        let req = get(Some(coding)).insert_header((header::IF_MODIFIED_SINCE, IMF));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(header(&res, header::ETAG), Some(expected), "{coding}: 304");
    }
}

/// A handler that answers its conditions with `Preconditions` and sends a PNG: its scope
/// says so with `PreconditionConfig::content_type`, without `with_headers` on each 304.
async fn picture(pre: Preconditions) -> Result<HttpResponse, actix_web::Error> {
    let tag = EntityTag::strong("pic1").unwrap();
    pre.check_with(Some(etag_actix::Validators {
        etag: Some(&tag),
        last_modified: Some(changed()),
    }))?;
    Ok(HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::ETAG, tag.to_string()))
        .body("x".repeat(300)))
}

/// The extractor's 304 stands for the 200 its config describes: an image, which `Compress`
/// sends unencoded, keeps its plain tag on the 304s by date and by `*` too; with the default
/// (JSON) the same handler's 304 by date takes the negotiated coding, like its JSON 200.
#[actix_web::test]
async fn an_extractor_304_stands_for_the_configured_content_type() {
    let app = test::init_service(
        App::new().wrap(TaggedCompress::default()).service(
            web::scope("/png")
                .app_data(
                    etag_actix::PreconditionConfig::new()
                        .content_type(header::HeaderValue::from_static("image/png")),
                )
                .route("", get_or_head().to(picture)),
        ),
    )
    .await;
    for accept in ["gzip", "br", "identity"] {
        let get = || {
            test::TestRequest::get()
                .uri("/png")
                .insert_header((header::ACCEPT_ENCODING, accept))
        };
        let full = test::call_service(&app, get().to_request()).await;
        assert_eq!(full.status(), StatusCode::OK);
        assert_eq!(header(&full, header::ETAG).as_deref(), Some("\"pic1\""));
        for (name, value) in [
            (header::IF_MODIFIED_SINCE, IMF),
            (header::IF_NONE_MATCH, "*"),
            (header::IF_NONE_MATCH, "\"pic1\""),
        ] {
            let req = get().insert_header((name.clone(), value));
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{accept} {name}");
            assert_eq!(
                header(&res, header::ETAG).as_deref(),
                Some("\"pic1\""),
                "{accept} {name}: {value}"
            );
        }
    }

    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/json", get_or_head().to(picture)),
    )
    .await;
    let req = test::TestRequest::get()
        .uri("/json")
        .insert_header((header::ACCEPT_ENCODING, "gzip"))
        .insert_header((header::IF_MODIFIED_SINCE, IMF));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG).as_deref(), Some("\"pic1.gzip\""));
}

/// A GET whose 200 is empty (`Compress` encodes no empty body), answered through
/// `Preconditions`: the 304 is given the 200's `Content-Length: 0` and so stands for an
/// identity 200, whatever the client accepts.
async fn empty_marker(pre: Preconditions) -> Result<HttpResponse, actix_web::Error> {
    let tag = EntityTag::strong("e1").unwrap();
    let mut of_200 = header::HeaderMap::new();
    of_200.insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from_static("0"),
    );
    pre.check_with(Some(etag_actix::Validators {
        etag: Some(&tag),
        last_modified: Some(changed()),
    }))
    .map_err(|err| err.with_headers(of_200))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag.to_string()))
        .finish())
}

#[actix_web::test]
async fn an_extractor_304_of_an_empty_200_keeps_the_plain_tag() {
    let app = test::init_service(
        App::new()
            .wrap(TaggedCompress::default())
            .route("/empty", get_or_head().to(empty_marker)),
    )
    .await;
    let get = || {
        test::TestRequest::get()
            .uri("/empty")
            .insert_header((header::ACCEPT_ENCODING, "gzip"))
    };
    let full = test::call_service(&app, get().to_request()).await;
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(header(&full, header::ETAG).as_deref(), Some("\"e1\""));
    for (name, value) in [
        (header::IF_MODIFIED_SINCE, IMF),
        (header::IF_NONE_MATCH, "*"),
        (header::IF_NONE_MATCH, "\"e1\""),
    ] {
        let req = get().insert_header((name.clone(), value));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{name}");
        assert_eq!(
            header(&res, header::ETAG).as_deref(),
            Some("\"e1\""),
            "{name}: {value}"
        );
        assert_eq!(header(&res, header::CONTENT_LENGTH), None, "{name}");
    }
}
