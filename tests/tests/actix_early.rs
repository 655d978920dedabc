//! `Tagged::head` and `Conditional`: 304 and 412 answered from a version lookup, before the
//! representation is loaded, with the headers of the 200 declared once for both paths.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod actix_support;

use std::convert::Infallible;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_support::*;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpRequest, test, web};
use etag_actix::{Conditional, ETag, EntityTag, Tagged, Unloaded, get_or_head};

/// What `SELECT id, version, updated_at` gives: the validators of [`widget`].
#[derive(ETag)]
struct ProductVersion {
    #[etag]
    id: u64,
    #[etag]
    version: u64,
    #[etag(last_modified)]
    updated: Option<std::time::SystemTime>,
}

#[derive(Default)]
struct Loads(AtomicUsize);

impl Loads {
    fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

async fn show(
    req: HttpRequest,
    loads: web::Data<Loads>,
) -> Result<Conditional<Product>, Infallible> {
    let version = ProductVersion {
        id: 1,
        version: 3,
        updated: Some(changed()),
    };
    Tagged::head(&version)
        .cache_control("max-age=30")
        .vary("Accept-Language")
        .insert_header((header::EXPIRES, "Thu, 01 Dec 2044 16:00:00 GMT"))
        .insert_header((header::CONTENT_LOCATION, "/p/1"))
        .insert_header(("x-trace", "kept"))
        .load(&req, async || {
            loads.0.fetch_add(1, Ordering::SeqCst);
            Ok(widget())
        })
        .await
}

macro_rules! app {
    ($loads:expr) => {
        test::init_service(
            App::new()
                .app_data($loads.clone())
                .route("/p/1", get_or_head().to(show))
                .route("/p/1", web::post().to(show)),
        )
        .await
    };
}

fn get(headers: &[(header::HeaderName, &str)]) -> test::TestRequest {
    let mut req = test::TestRequest::get().uri("/p/1");
    for (name, value) in headers {
        req = req.insert_header((name.clone(), (*value).to_owned()));
    }
    req
}

/// The headers a 304 must repeat from its 200 (RFC 9110 §15.4.5).
const DECLARED: [(&str, &str); 5] = [
    ("cache-control", "max-age=30"),
    ("vary", "Accept-Language"),
    ("expires", "Thu, 01 Dec 2044 16:00:00 GMT"),
    ("content-location", "/p/1"),
    ("x-trace", "kept"),
];

fn assert_declared<B>(res: &ServiceResponse<B>) {
    for (name, value) in DECLARED {
        let name = header::HeaderName::from_static(name);
        assert_eq!(header(res, name.clone()).as_deref(), Some(value), "{name}");
    }
}

#[actix_web::test]
async fn the_lookup_tag_is_the_models_tag() {
    let version = ProductVersion {
        id: 1,
        version: 3,
        updated: None,
    };
    assert_eq!(version.etag(), widget().etag());
}

#[actix_web::test]
async fn a_current_copy_is_304_without_loading_as_a_response_not_an_error() {
    let loads = web::Data::new(Loads::default());
    let app = app!(loads);
    for headers in [
        vec![(header::IF_NONE_MATCH, widget_tag())],
        vec![(header::IF_MODIFIED_SINCE, IMF.to_owned())],
    ] {
        for method in [Method::GET, Method::HEAD] {
            let mut req = test::TestRequest::default()
                .method(method.clone())
                .uri("/p/1");
            for (name, value) in &headers {
                req = req.insert_header((name.clone(), value.clone()));
            }
            let res = app.call(req.to_request()).await.unwrap();
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{method}");
            assert!(res.response().error().is_none(), "a 304 is no error");
            assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
            assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
            assert!(header(&res, header::DATE).is_some());
            assert_declared(&res);
            assert_eq!(header(&res, header::CONTENT_TYPE), None);
            assert!(body(res).await.is_empty());
        }
    }
    assert_eq!(loads.count(), 0, "nothing was loaded");
}

#[actix_web::test]
async fn otherwise_the_loaded_value_is_sent_with_the_same_headers() {
    let loads = web::Data::new(Loads::default());
    let app = app!(loads);
    let res = test::call_service(
        &app,
        get(&[(header::IF_NONE_MATCH, "\"old\"")]).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert_eq!(
        header(&res, header::CONTENT_TYPE).as_deref(),
        Some("application/json")
    );
    assert_declared(&res);
    assert_eq!(loads.count(), 1);
    let doc: serde_json::Value = serde_json::from_slice(&body(res).await).unwrap();
    assert_eq!(doc["name"], "Widget");
}

#[actix_web::test]
async fn a_failed_if_match_is_412_before_loading() {
    let loads = web::Data::new(Loads::default());
    let app = app!(loads);
    let res = test::call_service(&app, get(&[(header::IF_MATCH, "\"old\"")]).to_request()).await;
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    problem(res, 412).await;
    let res = test::call_service(
        &app,
        get(&[(header::IF_UNMODIFIED_SINCE, "Sat, 05 Nov 1994 08:49:37 GMT")]).to_request(),
    )
    .await;
    problem(res, 412).await;
    // A malformed If-Match: 400, nothing loaded either.
    let res = test::call_service(&app, get(&[(header::IF_MATCH, "old")]).to_request()).await;
    problem(res, 400).await;
    assert_eq!(loads.count(), 0);
}

/// Other methods are the write's business: the head never answers for them.
#[actix_web::test]
async fn other_methods_always_load() {
    let loads = web::Data::new(Loads::default());
    let app = app!(loads);
    let req = test::TestRequest::post()
        .uri("/p/1")
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(loads.count(), 1);
}

#[actix_web::test]
async fn a_value_changed_since_the_lookup_is_sent_with_its_own_tag() {
    let req = test::TestRequest::get().to_http_request();
    let stale = ProductVersion {
        id: 1,
        version: 2,
        updated: None,
    };
    let answer = Tagged::head(&stale)
        .load(&req, async || Ok::<_, Infallible>(widget()))
        .await
        .unwrap();
    let tagged = answer.into_tagged().unwrap();
    assert_eq!(tagged.entity_tag(), &widget().etag());
    assert_eq!(tagged.modified(), Some(changed()));
}

#[actix_web::test]
async fn an_invalid_declared_header_is_a_500_not_a_304() {
    let head = Tagged::with_etag(Unloaded, EntityTag::strong("v1").unwrap())
        .insert_header((header::LAST_MODIFIED, "yesterday"));
    let req = test::TestRequest::get()
        .insert_header((header::IF_NONE_MATCH, "\"v1\""))
        .to_http_request();
    let res = head.early(&req).unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[actix_web::test]
async fn a_non_2xx_status_is_never_answered_early() {
    let head =
        Tagged::with_etag(Unloaded, EntityTag::strong("v1").unwrap()).status(StatusCode::NOT_FOUND);
    let req = test::TestRequest::get()
        .insert_header((header::IF_NONE_MATCH, "\"v1\""))
        .to_http_request();
    assert!(head.early(&req).is_none());
}
