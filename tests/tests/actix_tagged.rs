//! `Tagged<T>` through real requests: conditional GET/HEAD, the 304 header set, the other
//! methods, dates, and the proof that the 304 path does not serialize.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actix_support;

use std::sync::atomic::Ordering;
use std::time::{Duration, SystemTime};

use actix_support::*;
use actix_web::body::{BodySize, MessageBody as _};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::{App, test, web};
use etag_actix::{Clock, ETag, EntityTag, PreconditionConfig, Tagged, get_or_head};

async fn show() -> Tagged<Product> {
    Tagged::new(widget())
}

async fn show_missing(path: web::Path<u64>) -> Option<Tagged<Product>> {
    (*path == 1).then(|| Tagged::new(widget()))
}

async fn show_decorated() -> Tagged<Product> {
    Tagged::new(widget())
        .cache_control("private, max-age=60")
        .vary("Accept-Language")
        .insert_header((header::EXPIRES, "Thu, 01 Dec 2044 16:00:00 GMT"))
        .insert_header((header::CONTENT_LOCATION, "/products/1"))
        .insert_header((header::CONTENT_LANGUAGE, "en"))
        .insert_header(("x-request-id", "abc"))
}

macro_rules! app {
    () => {
        test::init_service(
            App::new()
                .route("/p", get_or_head().to(show))
                .route("/p", web::route().to(show))
                .route("/items/{id}", get_or_head().to(show_missing))
                .route("/decorated", get_or_head().to(show_decorated))
                .route("/get-only", web::get().to(show)),
        )
        .await
    };
}

fn get() -> test::TestRequest {
    test::TestRequest::get().uri("/p")
}

fn req(method: Method) -> test::TestRequest {
    test::TestRequest::default().method(method).uri("/p")
}

#[actix_web::test]
async fn get_sends_validators_json_and_default_cache_control() {
    let app = app!();
    let res = test::call_service(&app, get().to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
    assert_eq!(
        header(&res, header::CACHE_CONTROL).as_deref(),
        Some("no-cache")
    );
    assert_eq!(
        header(&res, header::CONTENT_TYPE).as_deref(),
        Some("application/json")
    );
    let body = body(res).await;
    assert_eq!(body, br#"{"id":1,"version":3,"name":"Widget"}"#);
}

#[actix_web::test]
async fn derived_tag_is_the_27_char_strong_form() {
    let tag = widget().etag();
    assert!(!tag.is_weak());
    assert_eq!(tag.opaque().len(), 27);
}

#[actix_web::test]
async fn if_none_match_hit_is_304_with_exact_header_set() {
    let app = app!();
    let req = get().insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_names(&res),
        ["cache-control", "date", "etag", "last-modified"]
    );
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert_eq!(res.response().body().size(), BodySize::None);
    assert!(body(res).await.is_empty());
}

#[actix_web::test]
async fn not_modified_repeats_cache_headers_but_no_content_headers() {
    let app = app!();
    let full = test::call_service(
        &app,
        test::TestRequest::get().uri("/decorated").to_request(),
    )
    .await;
    assert_eq!(full.status(), StatusCode::OK);
    assert_eq!(
        header(&full, header::CONTENT_LANGUAGE).as_deref(),
        Some("en")
    );
    let req = test::TestRequest::get()
        .uri("/decorated")
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        header_names(&res),
        [
            "cache-control",
            "content-location",
            "date",
            "etag",
            "expires",
            "last-modified",
            "vary",
            "x-request-id"
        ]
    );
    for name in [
        "cache-control",
        "content-location",
        "etag",
        "expires",
        "last-modified",
        "vary",
    ] {
        assert_eq!(
            headers_all(&res, header::HeaderName::from_static(name)),
            headers_all(&full, header::HeaderName::from_static(name)),
            "{name}"
        );
    }
    assert_eq!(
        header(&res, header::CACHE_CONTROL).as_deref(),
        Some("private, max-age=60")
    );
}

#[actix_web::test]
async fn weak_comparison_for_if_none_match() {
    let app = app!();
    let weak = widget().etag().into_weak().to_string();
    let req = get().insert_header((header::IF_NONE_MATCH, weak));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn if_none_match_miss_is_200() {
    let app = app!();
    let req = get().insert_header((header::IF_NONE_MATCH, "\"other\", W/\"x\""));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
}

#[actix_web::test]
async fn several_lines_and_commas_inside_tags() {
    let app = app!();
    let req = get()
        .append_header((header::IF_NONE_MATCH, "\"a,b\", , \"c\""))
        .append_header((header::IF_NONE_MATCH, "W/\"d,\""))
        .append_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
}

#[actix_web::test]
async fn tags_with_commas_and_non_ascii_bytes_are_matched_whole() {
    async fn odd() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("a,b").unwrap())
    }
    async fn accented() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("café").unwrap())
    }
    let app = test::init_service(
        App::new()
            .route("/odd", web::get().to(odd))
            .route("/accented", web::get().to(accented)),
    )
    .await;
    // `"a` and `b"` are not members: the comma is inside the tag.
    let req = test::TestRequest::get()
        .uri("/odd")
        .insert_header((header::IF_NONE_MATCH, "\"a\", \"b\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
    let req = test::TestRequest::get()
        .uri("/odd")
        .insert_header((header::IF_NONE_MATCH, "\"x\", \"a,b\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
    // obs-text bytes in the header, matched byte for byte.
    let value = HeaderValue::from_bytes("\"\u{ff}\", \"café\"".as_bytes()).unwrap();
    let req = test::TestRequest::get()
        .uri("/accented")
        .insert_header((header::IF_NONE_MATCH, value));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        res.headers().get(header::ETAG).unwrap().as_bytes(),
        "\"café\"".as_bytes()
    );
    let value = HeaderValue::from_bytes(b"\"caf\xe9\"").unwrap();
    let req = test::TestRequest::get()
        .uri("/accented")
        .insert_header((header::IF_NONE_MATCH, value));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn star_matches_an_existing_resource_but_404_stays_404() {
    let app = app!();
    let req = test::TestRequest::get()
        .uri("/items/1")
        .insert_header((header::IF_NONE_MATCH, "*"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
    let req = test::TestRequest::get()
        .uri("/items/2")
        .insert_header((header::IF_NONE_MATCH, "*"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_FOUND
    );
    let req = test::TestRequest::get()
        .uri("/items/2")
        .insert_header((header::IF_MATCH, "\"nope\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn malformed_if_none_match_on_get_is_ignored() {
    let app = app!();
    for bad in [
        "abc",
        "w/\"x\"",
        "\"open",
        "\"a\" \"b\"",
        "*, \"a\"",
        "\"a b\"",
    ] {
        let req = get().insert_header((header::IF_NONE_MATCH, bad));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{bad}");
    }
}

#[actix_web::test]
async fn malformed_if_none_match_still_blocks_if_modified_since() {
    let app = app!();
    let req = get()
        .insert_header((header::IF_NONE_MATCH, "garbage"))
        .insert_header((header::IF_MODIFIED_SINCE, IMF));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn malformed_if_match_on_get_is_400_naming_the_header() {
    let app = app!();
    let req = get().insert_header((header::IF_MATCH, "abc"));
    let res = test::call_service(&app, req.to_request()).await;
    let doc = problem(res, 400).await;
    assert_eq!(
        doc["detail"],
        "malformed If-Match header: entity-tags must be quoted"
    );
}

#[actix_web::test]
async fn if_match_on_get() {
    let app = app!();
    let req = get().insert_header((header::IF_MATCH, widget_tag()));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
    let req = get().insert_header((header::IF_MATCH, "\"stale\""));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    problem(res, 412).await;
    // If-Match compares strongly: the weak form of the current tag fails.
    let weak = widget().etag().into_weak().to_string();
    let req = get().insert_header((header::IF_MATCH, weak));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
}

#[actix_web::test]
async fn if_modified_since_in_all_three_date_forms() {
    let app = app!();
    for date in [IMF, RFC850, ASCTIME] {
        let req = get().insert_header((header::IF_MODIFIED_SINCE, date));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{date}");
        assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
    }
    // One second earlier: modified since.
    let req = get().insert_header((header::IF_MODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:36 GMT"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
    // Invalid date: ignored.
    let req = get().insert_header((header::IF_MODIFIED_SINCE, "yesterday"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn if_modified_since_is_ignored_when_if_none_match_is_present() {
    let app = app!();
    let req = get()
        .insert_header((header::IF_NONE_MATCH, "\"other\""))
        .insert_header((header::IF_MODIFIED_SINCE, IMF));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn if_unmodified_since_on_get() {
    let app = app!();
    for date in [IMF, RFC850, ASCTIME] {
        let req = get().insert_header((header::IF_UNMODIFIED_SINCE, date));
        assert_eq!(
            test::call_service(&app, req.to_request()).await.status(),
            StatusCode::OK,
            "{date}"
        );
    }
    let req = get().insert_header((header::IF_UNMODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:36 GMT"));
    let res = test::call_service(&app, req.to_request()).await;
    let doc = problem(res, 412).await;
    assert!(
        doc["detail"]
            .as_str()
            .unwrap()
            .contains("If-Unmodified-Since")
    );
    // Ignored when If-Match is present (and true).
    let req = get()
        .insert_header((header::IF_MATCH, widget_tag()))
        .insert_header((header::IF_UNMODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:36 GMT"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
    // Invalid: ignored.
    let req = get().insert_header((header::IF_UNMODIFIED_SINCE, "not a date"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn head_is_answered_like_get_without_body() {
    let app = app!();
    let full = test::call_service(&app, get().to_request()).await;
    let res = test::call_service(&app, req(Method::HEAD).to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header_names(&res), header_names(&full));
    assert_eq!(header(&res, header::ETAG), header(&full, header::ETAG));
    // The body is there for its length; actix's HTTP layer does not send it for HEAD.
    assert_eq!(res.response().body().size(), full.response().body().size());
    assert!(matches!(res.response().body().size(), BodySize::Sized(n) if n > 0));
    let req = req(Method::HEAD).insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    let req = test::TestRequest::default()
        .method(Method::HEAD)
        .uri("/p")
        .insert_header((header::IF_MATCH, "\"stale\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
}

#[actix_web::test]
async fn web_get_alone_does_not_route_head() {
    let app = app!();
    let res = test::call_service(
        &app,
        test::TestRequest::default()
            .method(Method::HEAD)
            .uri("/get-only")
            .to_request(),
    )
    .await;
    assert_ne!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn other_methods_send_the_tag_without_evaluating() {
    let app = app!();
    for method in [Method::POST, Method::PUT, Method::PATCH, Method::DELETE] {
        let req = req(method.clone())
            .insert_header((header::IF_NONE_MATCH, "*"))
            .insert_header((header::IF_MATCH, "\"stale\""))
            .insert_header((header::IF_UNMODIFIED_SINCE, "Sun, 06 Nov 1994 08:49:36 GMT"));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::OK, "{method}");
        assert_eq!(header(&res, header::ETAG), Some(widget_tag()), "{method}");
    }
}

#[actix_web::test]
async fn options_ignores_preconditions() {
    let app = app!();
    let req = req(Method::OPTIONS)
        .insert_header((header::IF_MATCH, "garbage"))
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn created_sends_201_location_and_tag() {
    async fn create() -> Tagged<Product> {
        Tagged::new(widget()).created("/products/1")
    }
    let app = test::init_service(App::new().route("/products", web::post().to(create))).await;
    let req = test::TestRequest::post()
        .uri("/products")
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        header(&res, header::LOCATION).as_deref(),
        Some("/products/1")
    );
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
}

#[actix_web::test]
async fn invalid_header_value_is_500() {
    async fn broken() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("a").unwrap()).created("/bad\nheader")
    }
    let app = test::init_service(App::new().route("/", web::post().to(broken))).await;
    let res = test::call_service(&app, test::TestRequest::post().to_request()).await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
}

#[actix_web::test]
async fn non_2xx_status_is_not_evaluated() {
    async fn accepted() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("a").unwrap()).status(StatusCode::CONFLICT)
    }
    let app = test::init_service(App::new().route("/", web::get().to(accepted))).await;
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"a\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::CONFLICT
    );
}

#[actix_web::test]
async fn not_modified_path_never_serializes() {
    async fn never() -> Tagged<NeverSerialize> {
        Tagged::new(NeverSerialize { version: 7 })
    }
    let tag = NeverSerialize { version: 7 }.etag().to_string();
    let app = test::init_service(App::new().route("/", get_or_head().to(never))).await;
    for method in [Method::GET, Method::HEAD] {
        let req = test::TestRequest::default()
            .method(method)
            .insert_header((header::IF_NONE_MATCH, tag.clone()));
        assert_eq!(
            test::call_service(&app, req.to_request()).await.status(),
            StatusCode::NOT_MODIFIED
        );
    }
    // A 412 does not serialize either.
    let req = test::TestRequest::get().insert_header((header::IF_MATCH, "\"x\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
}

#[actix_web::test]
async fn serialize_runs_once_on_200_and_never_on_304() {
    static COUNTER: SerializeCounter = SerializeCounter(std::sync::atomic::AtomicUsize::new(0));
    async fn counted() -> Tagged<Counted> {
        Tagged::new(Counted {
            version: 1,
            counter: &COUNTER,
        })
    }
    let tag = Counted {
        version: 1,
        counter: &COUNTER,
    }
    .etag()
    .to_string();
    let app = test::init_service(App::new().route("/", web::get().to(counted))).await;
    let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(COUNTER.count(), 1);
    for _ in 0..3 {
        let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, tag.clone()));
        assert_eq!(
            test::call_service(&app, req.to_request()).await.status(),
            StatusCode::NOT_MODIFIED
        );
    }
    assert_eq!(COUNTER.0.load(Ordering::SeqCst), 1);
}

#[actix_web::test]
async fn explicit_tag_and_last_modified() {
    async fn explicit() -> Tagged<Vec<u32>> {
        Tagged::with_etag(vec![1, 2], EntityTag::weak("list-9").unwrap()).last_modified(changed())
    }
    let app = test::init_service(App::new().route("/", web::get().to(explicit))).await;
    let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    assert_eq!(header(&res, header::ETAG).as_deref(), Some("W/\"list-9\""));
    assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"list-9\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[actix_web::test]
async fn response_error_in_handler_passes_through() {
    async fn fails() -> Result<Tagged<u8>, actix_web::Error> {
        Err(actix_web::error::ErrorNotFound("nope"))
    }
    let app = test::init_service(App::new().route("/", web::get().to(fails))).await;
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "*"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_FOUND
    );
}

/// Sends one raw HTTP/1.1 request and returns the raw response (head and body).
fn exchange(addr: std::net::SocketAddr, request: String) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut out = Vec::new();
    stream.read_to_end(&mut out).unwrap();
    String::from_utf8_lossy(&out).into_owned()
}

fn wire_header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|line| {
        let (n, v) = line.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[actix_web::test]
async fn over_the_wire_head_has_the_get_content_length_and_304_has_none() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = actix_web::HttpServer::new(|| App::new().route("/p", get_or_head().to(show)))
        .workers(1)
        .disable_signals()
        .listen(listener)
        .unwrap()
        .run();
    let handle = server.handle();
    let running = actix_web::rt::spawn(server);
    let tag = widget_tag();
    let (get, head, not_modified) = actix_web::rt::task::spawn_blocking(move || {
        let req = |method: &str, extra: &str| {
            format!("{method} /p HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{extra}\r\n")
        };
        (
            exchange(addr, req("GET", "")),
            exchange(addr, req("HEAD", "")),
            exchange(addr, req("GET", &format!("If-None-Match: {tag}\r\n"))),
        )
    })
    .await
    .unwrap();
    handle.stop(true).await;
    running.await.unwrap().unwrap();

    assert!(get.starts_with("HTTP/1.1 200"), "{get}");
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let length = wire_header(&get, "content-length").unwrap();
    assert_ne!(length, "0");
    assert_eq!(wire_header(&head, "content-length"), Some(length));
    assert!(head.ends_with("\r\n\r\n"), "HEAD sent a body: {head}");
    assert_eq!(wire_header(&head, "etag"), wire_header(&get, "etag"));

    assert!(not_modified.starts_with("HTTP/1.1 304"), "{not_modified}");
    assert_eq!(wire_header(&not_modified, "content-length"), None);
    assert_eq!(wire_header(&not_modified, "content-type"), None);
    assert_eq!(
        wire_header(&not_modified, "etag"),
        wire_header(&get, "etag")
    );
    assert_eq!(wire_header(&not_modified, "last-modified"), Some(IMF));
    assert_eq!(
        wire_header(&not_modified, "cache-control"),
        Some("no-cache")
    );
    assert!(wire_header(&not_modified, "date").is_some());
    assert!(
        not_modified.ends_with("\r\n\r\n"),
        "304 sent a body: {not_modified}"
    );
}

#[actix_web::test]
async fn dates_compare_in_whole_seconds() {
    async fn fractional() -> Tagged<u8> {
        let time = changed() + std::time::Duration::from_millis(700);
        Tagged::with_etag(1, EntityTag::strong("f").unwrap()).last_modified(time)
    }
    let app = test::init_service(App::new().route("/", web::get().to(fractional))).await;
    let req = test::TestRequest::get().insert_header((header::IF_MODIFIED_SINCE, IMF));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
    let req = test::TestRequest::get().insert_header((header::IF_UNMODIFIED_SINCE, IMF));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// One clamping rule for HTTP dates (etag-core's `HttpDate`): a modification time before
/// 1970, which the date parser cannot read back, is sent as the epoch, as
/// `format_http_date` writes it (it used to be left out). Conditions are still evaluated
/// against the true time.
#[actix_web::test]
async fn last_modified_outside_the_http_date_range_is_clamped() {
    async fn old() -> Tagged<u8> {
        // Sat, 01 Jan 1966 00:00:00 GMT
        let time = SystemTime::UNIX_EPOCH - Duration::from_secs(126_230_400);
        Tagged::with_etag(1, EntityTag::strong("o").unwrap()).last_modified(time)
    }
    let app = test::init_service(App::new().route("/old", web::get().to(old))).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/old").to_request()).await;
    let epoch = "Thu, 01 Jan 1970 00:00:00 GMT";
    assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(epoch));
    assert_eq!(
        header(&res, header::LAST_MODIFIED),
        Some(etag_actix::format_http_date(
            SystemTime::UNIX_EPOCH - Duration::from_secs(1)
        ))
    );
    let req = test::TestRequest::get()
        .uri("/old")
        .insert_header((header::IF_MODIFIED_SINCE, epoch));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
    let req = test::TestRequest::get()
        .uri("/old")
        .insert_header((header::IF_UNMODIFIED_SINCE, "Fri, 31 Dec 1965 23:59:59 GMT"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
}

#[actix_web::test]
async fn date_conditions_are_ignored_without_a_modification_time() {
    async fn untimed() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("u").unwrap())
    }
    let app = test::init_service(App::new().route("/", web::get().to(untimed))).await;
    let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    assert_eq!(header(&res, header::LAST_MODIFIED), None);
    for name in [header::IF_MODIFIED_SINCE, header::IF_UNMODIFIED_SINCE] {
        let req =
            test::TestRequest::get().insert_header((name.clone(), "Sun, 06 Nov 2050 08:49:37 GMT"));
        assert_eq!(
            test::call_service(&app, req.to_request()).await.status(),
            StatusCode::OK,
            "{name}"
        );
        let req =
            test::TestRequest::get().insert_header((name.clone(), "Sun, 06 Nov 1970 08:49:37 GMT"));
        assert_eq!(
            test::call_service(&app, req.to_request()).await.status(),
            StatusCode::OK,
            "{name}"
        );
    }
}

/// The instant the tests below are judged at: 700 ms into [`changed`]'s second.
fn at_700() -> SystemTime {
    changed() + Duration::from_millis(700)
}

/// The same clock for every request of a test, so "the current second" is exact.
fn clocked() -> PreconditionConfig {
    PreconditionConfig::new().clock(Clock::fixed(at_700()))
}

/// RFC 9110 §8.8.2.1: an origin must not send a Last-Modified later than its Date. actix
/// refreshes its own Date only every 500 ms, so `Tagged` sets Date itself, on every
/// response, from the instant it judged the modification time at (and never earlier than
/// that time, when a writer's clock runs ahead). A modification time whose second has not
/// passed yet (a write just now, or a clock ahead of this instance) is not sent as
/// Last-Modified at all (RFC 9110 §8.8.2.2, see `same_second_if_modified_since_is_200_not_304`).
#[actix_web::test]
async fn last_modified_is_never_later_than_date() {
    async fn future() -> Tagged<&'static str> {
        Tagged::with_etag("x", EntityTag::strong("x").unwrap())
            .last_modified(at_700() + Duration::from_secs(3600))
    }
    async fn just_passed() -> Tagged<&'static str> {
        Tagged::with_etag("x", EntityTag::strong("x").unwrap())
            .last_modified(at_700() - Duration::from_secs(1))
    }
    let app = test::init_service(
        App::new()
            .app_data(clocked())
            .route("/f", get_or_head().to(future))
            .route("/p", get_or_head().to(just_passed)),
    )
    .await;
    for (inm, status) in [
        (None, StatusCode::OK),
        (Some("\"x\""), StatusCode::NOT_MODIFIED),
    ] {
        let request = |uri| {
            let mut req = test::TestRequest::get().uri(uri);
            if let Some(inm) = inm {
                req = req.insert_header((header::IF_NONE_MATCH, inm));
            }
            req.to_request()
        };
        // Ahead of this instance's clock: not sent until its second has passed, and the
        // Date is the modification's, not older.
        let res = test::call_service(&app, request("/f")).await;
        assert_eq!(res.status(), status);
        assert_eq!(header(&res, header::LAST_MODIFIED), None);
        assert_eq!(
            header(&res, header::DATE),
            Some(etag_actix::format_http_date(
                at_700() + Duration::from_secs(3600)
            ))
        );

        let res = test::call_service(&app, request("/p")).await;
        assert_eq!(res.status(), status);
        let date = |name| {
            let value = res.headers().get(name).expect("header present");
            etag_actix::parse_http_date(value.as_bytes()).unwrap()
        };
        let (lm, sent) = (date(header::LAST_MODIFIED), date(header::DATE));
        assert!(
            lm < sent,
            "Last-Modified {lm:?} is not before Date {sent:?}"
        );
        assert_eq!(second_of(sent), second_of(at_700()));
    }
}

/// A resource modified 200 ms into the second the tests are judged at: its `Last-Modified`
/// second has not passed yet.
async fn modified_now() -> Tagged<&'static str> {
    Tagged::with_etag("x", EntityTag::strong("now").unwrap())
        .last_modified(changed() + Duration::from_millis(200))
}

/// A resource modified two seconds ago.
async fn modified_earlier() -> Tagged<&'static str> {
    Tagged::with_etag("x", EntityTag::strong("earlier").unwrap())
        .last_modified(SystemTime::now() - Duration::from_secs(2))
}

/// RFC 9110 §8.8.2.2: a date has whole seconds, so a resource can change again within the
/// second its `Last-Modified` names. While that second lasts, the date is not a usable
/// validator: no `Last-Modified` is sent, and `If-Modified-Since` cannot produce a 304 (a
/// client holding this second's date might hold an older version).
#[actix_web::test]
async fn same_second_if_modified_since_is_200_not_304() {
    let app = test::init_service(
        App::new()
            .app_data(clocked())
            .route("/", get_or_head().to(modified_now)),
    )
    .await;
    let req = test::TestRequest::get().insert_header((header::IF_MODIFIED_SINCE, IMF));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::LAST_MODIFIED), None);
    // `Tagged`'s own Date, the second judged at: not actix-web's, up to 500 ms older.
    assert_eq!(header(&res, header::DATE).as_deref(), Some(IMF));
    assert_eq!(header(&res, header::ETAG).as_deref(), Some("\"now\""));
}

#[actix_web::test]
async fn no_last_modified_on_a_304_within_its_second() {
    let app = test::init_service(
        App::new()
            .app_data(clocked())
            .route("/", get_or_head().to(modified_now)),
    )
    .await;
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"now\""));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header_names(&res), ["cache-control", "date", "etag"]);
}

/// The other direction: a server cannot show that the resource is unmodified since any date
/// within its modification second, so `If-Unmodified-Since` fails (412).
#[actix_web::test]
async fn same_second_if_unmodified_since_is_412() {
    let app = test::init_service(
        App::new()
            .app_data(clocked())
            .route("/", get_or_head().to(modified_now)),
    )
    .await;
    let req = test::TestRequest::get().insert_header((header::IF_UNMODIFIED_SINCE, IMF));
    let res = test::call_service(&app, req.to_request()).await;
    let doc = problem(res, 412).await;
    assert!(
        doc["detail"]
            .as_str()
            .unwrap()
            .contains("If-Unmodified-Since")
    );
}

/// Every response of `Tagged` carries a `Date` of its own, with or without Last-Modified,
/// so that a response right after a write is never dated before the write.
#[actix_web::test]
async fn every_tagged_response_has_a_date_not_older_than_the_change() {
    async fn untimed() -> Tagged<&'static str> {
        Tagged::with_etag("x", EntityTag::strong("u").unwrap())
    }
    let app = test::init_service(
        App::new()
            .app_data(clocked())
            .route("/now", get_or_head().to(modified_now))
            .route("/untimed", get_or_head().to(untimed)),
    )
    .await;
    for (uri, tag) in [("/now", "\"now\""), ("/untimed", "\"u\"")] {
        for inm in [None, Some(tag)] {
            let mut req = test::TestRequest::get().uri(uri);
            if let Some(inm) = inm {
                req = req.insert_header((header::IF_NONE_MATCH, inm));
            }
            let res = test::call_service(&app, req.to_request()).await;
            assert_eq!(
                header(&res, header::DATE).as_deref(),
                Some(IMF),
                "{uri} {inm:?}"
            );
        }
        // The 412 carries the current tag: it is dated by the same clock, not actix-web's.
        let req = test::TestRequest::get()
            .uri(uri)
            .insert_header((header::IF_MATCH, "\"stale\""));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{uri}");
        assert_eq!(
            header(&res, header::DATE).as_deref(),
            Some(IMF),
            "{uri} 412"
        );
    }
}

#[actix_web::test]
async fn last_modified_two_seconds_ago_behaves_as_before() {
    let app = test::init_service(App::new().route("/", get_or_head().to(modified_earlier))).await;
    let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let sent = header(&res, header::LAST_MODIFIED).expect("Last-Modified is sent");
    let date = header(&res, header::DATE).expect("a fresh Date comes with it");
    let parse = |v: &str| etag_actix::parse_http_date(v.as_bytes()).unwrap();
    assert!(parse(&sent) < parse(&date));
    let req = test::TestRequest::get().insert_header((header::IF_MODIFIED_SINCE, sent.clone()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::LAST_MODIFIED), Some(sent.clone()));
    let req = test::TestRequest::get().insert_header((header::IF_UNMODIFIED_SINCE, sent));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// `insert_header` with `ETag` or `Last-Modified` sets the validators themselves: the tag
/// evaluated is the tag sent, and no response carries two of either.
#[actix_web::test]
async fn insert_header_sets_the_validators() {
    async fn overridden() -> Tagged<&'static str> {
        Tagged::with_etag("x", EntityTag::strong("v1").unwrap())
            .last_modified(SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000))
            .insert_header((header::LAST_MODIFIED, IMF))
            .insert_header((header::ETAG, "\"other\""))
    }
    let app = test::init_service(App::new().route("/", get_or_head().to(overridden))).await;
    let res = test::call_service(&app, test::TestRequest::get().to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(headers_all(&res, header::ETAG), ["\"other\""]);
    assert_eq!(headers_all(&res, header::LAST_MODIFIED), [IMF]);
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"other\""));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(headers_all(&res, header::ETAG), ["\"other\""]);
    assert_eq!(headers_all(&res, header::LAST_MODIFIED), [IMF]);
    assert_eq!(headers_all(&res, header::DATE).len(), 1);
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"v1\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
    let req = test::TestRequest::get().insert_header((header::IF_MODIFIED_SINCE, IMF));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_MODIFIED
    );
}

#[actix_web::test]
async fn a_304_never_repeats_a_header_the_handler_set() {
    async fn dated() -> Tagged<&'static str> {
        Tagged::with_etag("x", EntityTag::strong("d").unwrap())
            .last_modified(changed())
            .insert_header((header::DATE, "Mon, 07 Nov 1994 08:49:37 GMT"))
    }
    let app = test::init_service(App::new().route("/", get_or_head().to(dated))).await;
    let req = test::TestRequest::get().insert_header((header::IF_NONE_MATCH, "\"d\""));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    for name in ["etag", "last-modified", "date", "cache-control"] {
        assert_eq!(
            headers_all(&res, header::HeaderName::from_static(name)).len(),
            1,
            "{name}"
        );
    }
    assert_eq!(
        header(&res, header::DATE).as_deref(),
        Some("Mon, 07 Nov 1994 08:49:37 GMT")
    );
}

#[actix_web::test]
async fn insert_header_with_an_invalid_validator_is_500() {
    async fn bad_tag() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("a").unwrap()).insert_header((header::ETAG, "a"))
    }
    async fn bad_date() -> Tagged<u8> {
        Tagged::with_etag(1, EntityTag::strong("a").unwrap())
            .insert_header((header::LAST_MODIFIED, "yesterday"))
    }
    let app = test::init_service(
        App::new()
            .route("/tag", web::get().to(bad_tag))
            .route("/date", web::get().to(bad_date)),
    )
    .await;
    for uri in ["/tag", "/date"] {
        let req = test::TestRequest::get()
            .uri(uri)
            .insert_header((header::IF_NONE_MATCH, "\"a\""));
        let res = test::call_service(&app, req.to_request()).await;
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{uri}");
    }
}

/// RFC 9110 §9.3.4 / §6.4.2: a 2xx to `PUT` carries the new representation with its
/// validators and a `Content-Location` naming the target, so the tag describes the
/// response's content; `omit_validators` gives the strict reading.
#[actix_web::test]
async fn put_responses_say_what_their_tag_describes() {
    async fn stored() -> Tagged<Product> {
        Tagged::new(widget())
    }
    async fn elsewhere() -> Tagged<Product> {
        Tagged::new(widget()).insert_header((header::CONTENT_LOCATION, "/canonical/1"))
    }
    async fn strict() -> Tagged<Product> {
        Tagged::new(widget()).omit_validators()
    }
    let app = test::init_service(
        App::new()
            .route("/p/1", web::put().to(stored))
            .route("/p/1", web::patch().to(stored))
            .route("/p/1", web::post().to(stored))
            .route("/e/1", web::put().to(elsewhere))
            .route("/s/1", web::put().to(strict))
            .route("/s/1", web::get().to(strict)),
    )
    .await;
    let res = test::call_service(
        &app,
        test::TestRequest::put().uri("/p/1?dry=0").to_request(),
    )
    .await;
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
    assert_eq!(
        header(&res, header::CONTENT_LOCATION).as_deref(),
        Some("/p/1?dry=0")
    );
    // Not PUT: nothing is added.
    for req in [test::TestRequest::patch(), test::TestRequest::post()] {
        let res = test::call_service(&app, req.uri("/p/1").to_request()).await;
        assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
        assert_eq!(header(&res, header::CONTENT_LOCATION), None);
    }
    // The handler's own Content-Location stays.
    let res = test::call_service(&app, test::TestRequest::put().uri("/e/1").to_request()).await;
    assert_eq!(
        header(&res, header::CONTENT_LOCATION).as_deref(),
        Some("/canonical/1")
    );
    // The strict reading: no validators, nothing said about the target.
    let res = test::call_service(&app, test::TestRequest::put().uri("/s/1").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    for name in [
        header::ETAG,
        header::LAST_MODIFIED,
        header::CONTENT_LOCATION,
    ] {
        assert_eq!(header(&res, name.clone()), None, "{name}");
    }
    // Conditions are still evaluated against the tag.
    let req = test::TestRequest::get()
        .uri("/s/1")
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    // The 304 stands for that 200 and says no more than it: no validators on either.
    let full = test::call_service(&app, test::TestRequest::get().uri("/s/1").to_request()).await;
    assert_eq!(full.status(), StatusCode::OK);
    for name in [header::ETAG, header::LAST_MODIFIED] {
        assert_eq!(header(&full, name.clone()), None, "200 {name}");
        assert_eq!(header(&res, name.clone()), None, "304 {name}");
    }
    assert!(header(&res, header::DATE).is_some());
}
