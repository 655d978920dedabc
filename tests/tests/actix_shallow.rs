//! `ShallowEtag`: body-hash tags for handlers without `Tagged`, and its limits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actix_support;

use actix_support::*;
use actix_web::body::{BodySize, MessageBody};
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::web::Bytes;
use actix_web::{App, HttpResponse, test, web};
use etag_actix::{Clock, PreconditionConfig, ShallowEtag};

const LIMIT: usize = 64;

fn sized(n: usize) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain")
        .insert_header((header::CACHE_CONTROL, "max-age=10"))
        .insert_header((header::LAST_MODIFIED, IMF))
        .body("x".repeat(n))
}

async fn at_limit() -> HttpResponse {
    sized(LIMIT)
}

async fn over_limit() -> HttpResponse {
    sized(LIMIT + 1)
}

async fn streaming() -> HttpResponse {
    HttpResponse::Ok().body(OneChunk(Some(Bytes::from_static(b"streamed"))))
}

/// A body of unknown size (one chunk).
struct OneChunk(Option<Bytes>);

impl MessageBody for OneChunk {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Bytes, Self::Error>>> {
        std::task::Poll::Ready(self.0.take().map(Ok))
    }
}

async fn not_found() -> HttpResponse {
    HttpResponse::NotFound().body("missing")
}

async fn own_tag() -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::ETAG, "\"mine\""))
        .body("body")
}

async fn partial() -> HttpResponse {
    HttpResponse::PartialContent().body("part")
}

async fn get_or_head_same(req: actix_web::HttpRequest) -> HttpResponse {
    let _ = req;
    sized(10)
}

async fn head_empty(req: actix_web::HttpRequest) -> HttpResponse {
    if req.method() == Method::HEAD {
        HttpResponse::Ok().finish()
    } else {
        sized(10)
    }
}

macro_rules! app {
    () => {
        test::init_service(
            App::new()
                .wrap(ShallowEtag::new().max_size(LIMIT))
                .route("/at", web::to(at_limit))
                .route("/over", web::get().to(over_limit))
                .route("/stream", web::get().to(streaming))
                .route("/missing", web::get().to(not_found))
                .route("/own", web::get().to(own_tag))
                .route("/partial", web::get().to(partial))
                .route("/same", web::to(get_or_head_same))
                .route("/head-empty", web::to(head_empty)),
        )
        .await
    };
}

/// `"base64url(xxh3-128(bytes))"`, the 16 bytes of the hash little-endian, computed here
/// without the crate.
fn body_tag(bytes: &[u8]) -> String {
    use base64::Engine as _;
    let hash = xxhash_rust::xxh3::xxh3_128(bytes).to_le_bytes();
    format!(
        "\"{}\"",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(hash)
    )
}

/// The body tag's vectors, computed with Python's `xxhash` package
/// (`base64.urlsafe_b64encode(xxh3_128_intdigest(b).to_bytes(16, "little"))`).
// `test` is actix-web's module here: the plain test attribute by its full path.
#[core::prelude::v1::test]
fn body_tags_match_an_independent_implementation() {
    assert_eq!(body_tag(b"hello"), "\"GDhSXqrPecd_PhsHrcHptQ\"");
    assert_eq!(body_tag(b""), "\"f0mNRiTDAWDYmEcB0waqmQ\"");
}

#[actix_web::test]
async fn a_body_is_tagged_with_its_xxh3_128() {
    async fn hello() -> HttpResponse {
        HttpResponse::Ok().body("hello")
    }
    let app = test::init_service(
        App::new()
            .wrap(ShallowEtag::new())
            .route("/", web::get().to(hello)),
    )
    .await;
    let res = test::call_service(&app, get("/").to_request()).await;
    assert_eq!(
        header(&res, header::ETAG).as_deref(),
        Some("\"GDhSXqrPecd_PhsHrcHptQ\"")
    );
}

fn get(uri: &str) -> test::TestRequest {
    test::TestRequest::get().uri(uri)
}

#[actix_web::test]
async fn body_at_the_limit_is_tagged_with_its_xxh3_128() {
    let app = app!();
    let res = test::call_service(&app, get("/at").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let expected = body_tag("x".repeat(LIMIT).as_bytes());
    assert_eq!(header(&res, header::ETAG), Some(expected.clone()));
    assert_eq!(expected.len(), 24); // 22 base64url characters and the quotes
    assert_eq!(body(res).await, "x".repeat(LIMIT).into_bytes());
}

#[actix_web::test]
async fn if_none_match_gets_304_without_content_headers() {
    let app = app!();
    let tag = body_tag("x".repeat(LIMIT).as_bytes());
    let res = test::call_service(
        &app,
        get("/at")
            .insert_header((header::IF_NONE_MATCH, tag.clone()))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // No Content-*; a fresh Date of the layer's own (never actix-web's, up to 500 ms old).
    assert_eq!(
        header_names(&res),
        ["cache-control", "date", "etag", "last-modified"]
    );
    assert_eq!(header(&res, header::ETAG), Some(tag));
    assert!(body(res).await.is_empty());
}

#[actix_web::test]
async fn if_modified_since_uses_the_response_last_modified() {
    let app = app!();
    let req = get("/at").insert_header((header::IF_MODIFIED_SINCE, RFC850));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[actix_web::test]
async fn stale_if_match_on_get_is_412_and_malformed_is_400() {
    let app = app!();
    let req = get("/at").insert_header((header::IF_MATCH, "\"old\""));
    problem(test::call_service(&app, req.to_request()).await, 412).await;
    let req = get("/at").insert_header((header::IF_MATCH, "old"));
    problem(test::call_service(&app, req.to_request()).await, 400).await;
}

#[actix_web::test]
async fn over_the_limit_is_left_alone() {
    let app = app!();
    let res = test::call_service(
        &app,
        get("/over")
            .insert_header((header::IF_NONE_MATCH, "*"))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::ETAG), None);
    assert_eq!(body(res).await.len(), LIMIT + 1);
}

#[actix_web::test]
async fn streaming_bodies_are_left_alone() {
    let app = app!();
    let res = test::call_service(&app, get("/stream").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::ETAG), None);
    assert_eq!(body(res).await, b"streamed");
}

#[actix_web::test]
async fn other_statuses_are_left_alone() {
    let app = app!();
    for uri in ["/missing", "/partial"] {
        let res = test::call_service(
            &app,
            get(uri)
                .insert_header((header::IF_NONE_MATCH, "*"))
                .to_request(),
        )
        .await;
        assert_ne!(res.status(), StatusCode::NOT_MODIFIED, "{uri}");
        assert_eq!(header(&res, header::ETAG), None, "{uri}");
    }
}

#[actix_web::test]
async fn a_handler_tag_wins() {
    let app = app!();
    let res = test::call_service(&app, get("/own").to_request()).await;
    assert_eq!(header(&res, header::ETAG).as_deref(), Some("\"mine\""));
    let res = test::call_service(
        &app,
        get("/own")
            .insert_header((header::IF_NONE_MATCH, "\"mine\""))
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK); // the layer leaves such responses to their handler
}

#[actix_web::test]
async fn other_methods_are_left_alone() {
    let app = app!();
    for method in [
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ] {
        let req = test::TestRequest::default()
            .method(method.clone())
            .uri("/at")
            .insert_header((header::IF_NONE_MATCH, "*"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{method}");
        assert_eq!(header(&res, header::ETAG), None, "{method}");
    }
}

#[actix_web::test]
async fn head_with_the_get_body_gets_the_get_tag() {
    let app = app!();
    let get_res = test::call_service(&app, get("/same").to_request()).await;
    let head = test::TestRequest::default()
        .method(Method::HEAD)
        .uri("/same");
    let head_res = test::call_service(&app, head.to_request()).await;
    assert_eq!(
        header(&head_res, header::ETAG),
        header(&get_res, header::ETAG)
    );
    assert!(header(&head_res, header::ETAG).is_some());
}

#[actix_web::test]
async fn head_with_an_empty_body_is_not_tagged() {
    let app = app!();
    let head = test::TestRequest::default()
        .method(Method::HEAD)
        .uri("/head-empty");
    let res = test::call_service(&app, head.to_request()).await;
    assert_eq!(header(&res, header::ETAG), None);
}

/// The handler's `Last-Modified` follows the same rule as `Tagged`'s: while its second lasts
/// it is neither used for `If-Modified-Since` nor sent (RFC 9110 §8.8.2.2).
#[actix_web::test]
async fn same_second_last_modified_is_neither_used_nor_sent() {
    // Changed 200 ms into the second the request is judged at (700 ms), on the test's clock.
    async fn fresh() -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::LAST_MODIFIED, IMF))
            .body("fresh")
    }
    let clock = Clock::fixed(changed() + std::time::Duration::from_millis(700));
    let app = test::init_service(
        App::new()
            .app_data(PreconditionConfig::new().clock(clock))
            .wrap(ShallowEtag::new())
            .route("/fresh", web::get().to(fresh)),
    )
    .await;
    let req = get("/fresh").insert_header((header::IF_MODIFIED_SINCE, IMF));
    let by_date = test::call_service(&app, req.to_request()).await;
    let req = get("/fresh").insert_header((header::IF_NONE_MATCH, body_tag(b"fresh")));
    let by_tag = test::call_service(&app, req.to_request()).await;
    assert_eq!(by_date.status(), StatusCode::OK);
    assert_eq!(header(&by_date, header::LAST_MODIFIED), None);
    assert_eq!(by_tag.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&by_tag, header::LAST_MODIFIED), None);
}
