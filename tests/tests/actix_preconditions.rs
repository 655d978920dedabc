//! The `Preconditions` extractor through real requests: writes with If-Match, creation with
//! `If-None-Match: *`, the 400s for each malformed form, 428, problem+json, and a
//! compare-and-swap that loses no update.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod actix_support;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::SystemTime;

use actix_support::*;
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, test, web};
use etag_actix::{
    Clock, ETag, ErrorFormat, PreconditionConfig, PreconditionError, Preconditions, Tagged,
    get_or_head,
};
use serde::Deserialize;

#[derive(Default)]
struct Store {
    products: Mutex<HashMap<u64, Product>>,
    loads: AtomicUsize,
    conflicts: AtomicUsize,
}

impl Store {
    fn with_widget() -> web::Data<Store> {
        let store = Store::default();
        store.products.lock().unwrap().insert(1, widget());
        web::Data::new(store)
    }

    fn get(&self, id: u64) -> Option<Product> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        self.products.lock().unwrap().get(&id).cloned()
    }

    fn version(&self, id: u64) -> Option<u64> {
        self.products.lock().unwrap().get(&id).map(|p| p.version)
    }

    /// `UPDATE ... SET name = ?, version = version + 1 WHERE id = ? AND version = ?`
    fn update_if_version(&self, id: u64, version: u64, name: String) -> Option<Product> {
        let mut products = self.products.lock().unwrap();
        let Some(p) = products.get_mut(&id).filter(|p| p.version == version) else {
            self.conflicts.fetch_add(1, Ordering::SeqCst);
            return None;
        };
        p.version += 1;
        p.name = name;
        Some(p.clone())
    }

    /// `INSERT ... ON CONFLICT DO NOTHING`
    fn insert_if_absent(&self, p: Product) -> Option<Product> {
        let mut products = self.products.lock().unwrap();
        if products.contains_key(&p.id) {
            return None;
        }
        products.insert(p.id, p.clone());
        Some(p)
    }

    /// `DELETE ... WHERE id = ? AND version = ?`
    fn delete_if_version(&self, id: u64, version: u64) -> bool {
        let mut products = self.products.lock().unwrap();
        if products.get(&id).is_some_and(|p| p.version == version) {
            products.remove(&id);
            true
        } else {
            false
        }
    }
}

#[derive(Deserialize)]
struct Rename {
    name: String,
}

#[derive(ETag)]
struct ProductKey {
    #[etag]
    id: u64,
    #[etag]
    version: u64,
}

fn not_found() -> actix_web::Error {
    actix_web::error::ErrorNotFound("no such product")
}

async fn show(
    pre: Preconditions,
    id: web::Path<u64>,
    store: web::Data<Store>,
) -> Result<Tagged<Product>, actix_web::Error> {
    if let Some(version) = store.version(*id) {
        pre.not_modified(&ProductKey { id: *id, version }.etag())?;
    }
    Ok(Tagged::new(store.get(*id).ok_or_else(not_found)?))
}

/// Create or replace.
async fn put(
    pre: Preconditions,
    id: web::Path<u64>,
    body: web::Json<Rename>,
    store: web::Data<Store>,
) -> Result<Tagged<Product>, actix_web::Error> {
    let current = store.get(*id);
    pre.check_option(current.as_ref())?;
    let name = body.into_inner().name;
    match current {
        Some(current) => {
            actix_web::rt::task::yield_now().await; // let racing writers interleave here
            match store.update_if_version(*id, current.version, name) {
                Some(p) => Ok(Tagged::new(p)),
                None => Err(pre.failed(store.get(*id).map(|p| p.etag())).into()),
            }
        }
        None => {
            let p = Product {
                id: *id,
                version: 1,
                name,
                updated: None,
            };
            match store.insert_if_absent(p) {
                Some(p) => Ok(Tagged::new(p).created(format!("/s/{}", id))),
                None => Err(pre.failed(store.get(*id).map(|p| p.etag())).into()),
            }
        }
    }
}

async fn patch(
    pre: Preconditions,
    id: web::Path<u64>,
    body: web::Json<Rename>,
    store: web::Data<Store>,
) -> Result<Tagged<Product>, actix_web::Error> {
    let current = store.get(*id).ok_or_else(not_found)?;
    pre.check(&current)?;
    store
        .update_if_version(*id, current.version, body.into_inner().name)
        .map(Tagged::new)
        .ok_or_else(|| pre.failed(store.get(*id).map(|p| p.etag())).into())
}

async fn delete(
    pre: Preconditions,
    id: web::Path<u64>,
    store: web::Data<Store>,
) -> Result<HttpResponse, actix_web::Error> {
    let current = store.get(*id).ok_or_else(not_found)?;
    pre.check(&current)?;
    if store.delete_if_version(*id, current.version) {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(pre.failed(store.get(*id).map(|p| p.etag())).into())
    }
}

/// A POST that acts on the resource (say, "archive"): conditions apply like any write.
async fn archive(
    pre: Preconditions,
    id: web::Path<u64>,
    store: web::Data<Store>,
) -> Result<HttpResponse, PreconditionError> {
    let current = store.get(*id);
    pre.check_option(current.as_ref())?;
    Ok(HttpResponse::Accepted().finish())
}

async fn options(_pre: Preconditions) -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::ALLOW, "GET, HEAD, PUT, PATCH, DELETE"))
        .finish()
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/s/{id}", get_or_head().to(show))
        .route("/s/{id}", web::put().to(put))
        .route("/s/{id}", web::patch().to(patch))
        .route("/s/{id}", web::delete().to(delete))
        .route("/s/{id}", web::method(Method::OPTIONS).to(options))
        .route("/s/{id}/archive", web::post().to(archive));
}

macro_rules! app {
    ($store:expr) => {
        test::init_service(App::new().app_data($store.clone()).configure(routes)).await
    };
    ($store:expr, $config:expr) => {
        test::init_service(
            App::new()
                .app_data($store.clone())
                .service(web::scope("").app_data($config).configure(routes)),
        )
        .await
    };
}

fn write(method: Method, condition: Option<(header::HeaderName, &str)>) -> test::TestRequest {
    let mut req = test::TestRequest::default()
        .method(method)
        .uri("/s/1")
        .set_json(serde_json::json!({ "name": "Gadget" }));
    if let Some((name, value)) = condition {
        req = req.insert_header((name, value.to_owned()));
    }
    req
}

const WRITES: [Method; 3] = [Method::PUT, Method::PATCH, Method::DELETE];

#[actix_web::test]
async fn matching_if_match_lets_each_write_through() {
    for method in WRITES {
        let store = Store::with_widget();
        let app = app!(store);
        let tag = widget_tag();
        let res = test::call_service(
            &app,
            write(method.clone(), Some((header::IF_MATCH, &tag))).to_request(),
        )
        .await;
        assert!(res.status().is_success(), "{method}: {}", res.status());
        if method == Method::DELETE {
            assert!(store.version(1).is_none());
        } else {
            assert_eq!(store.version(1), Some(4));
            // The response carries the new state's tag, not the old one.
            let new_tag = ProductKey { id: 1, version: 4 }.etag().to_string();
            assert_eq!(header(&res, header::ETAG), Some(new_tag), "{method}");
        }
    }
}

#[actix_web::test]
async fn stale_if_match_is_412_with_current_etag_and_changes_nothing() {
    for method in WRITES {
        let store = Store::with_widget();
        let app = app!(store);
        let stale = ProductKey { id: 1, version: 2 }.etag().to_string();
        let res = test::call_service(
            &app,
            write(method.clone(), Some((header::IF_MATCH, &stale))).to_request(),
        )
        .await;
        assert_eq!(header(&res, header::ETAG), Some(widget_tag()), "{method}");
        let doc = problem(res, 412).await;
        assert_eq!(doc["title"], "Precondition Failed");
        assert!(
            doc["detail"].as_str().unwrap().contains("If-Match"),
            "{doc}"
        );
        assert_eq!(store.version(1), Some(3), "{method}");
    }
}

#[actix_web::test]
async fn if_match_is_strong_even_for_writes() {
    let store = Store::with_widget();
    let app = app!(store);
    let weak = widget().etag().into_weak().to_string();
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_MATCH, &weak))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(store.version(1), Some(3));
}

#[actix_web::test]
async fn if_match_list_across_lines_with_commas_inside() {
    let store = Store::with_widget();
    let app = app!(store);
    let req = write(Method::PATCH, None)
        .append_header((header::IF_MATCH, "\"x,y\", , W/\"z\""))
        .append_header((header::IF_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn each_malformed_form_is_400_and_changes_nothing() {
    let cases = [
        ("abc", "entity-tags must be quoted"),
        ("w/\"a\"", "the weak prefix is case-sensitive: use `W/`"),
        ("\"open", "missing closing quote"),
        ("\"a b\"", "character not allowed inside an entity-tag"),
        ("\"a\"x", "unexpected characters after an entity-tag"),
        (
            "\"a\" \"b\"",
            "entity-tags in a list must be separated by commas",
        ),
        ("*, \"a\"", "`*` cannot be combined with entity-tags"),
    ];
    for method in WRITES {
        for (header_name, label) in [
            (header::IF_MATCH, "If-Match"),
            (header::IF_NONE_MATCH, "If-None-Match"),
        ] {
            for (bad, reason) in cases {
                let store = Store::with_widget();
                let app = app!(store);
                let req = write(method.clone(), Some((header_name.clone(), bad)));
                let res = test::call_service(&app, req.to_request()).await;
                let doc = problem(res, 400).await;
                let detail = doc["detail"].as_str().unwrap();
                assert!(
                    detail.starts_with(&format!("malformed {label} header: {reason}")),
                    "{method} {label} {bad}: {detail}"
                );
                assert_eq!(store.version(1), Some(3));
                assert_eq!(store.loads.load(Ordering::SeqCst), 0, "the handler ran");
            }
        }
    }
}

#[actix_web::test]
async fn malformed_if_match_on_get_is_400_too() {
    let store = Store::with_widget();
    let app = app!(store);
    let req = test::TestRequest::get()
        .uri("/s/1")
        .insert_header((header::IF_MATCH, "nope"));
    problem(test::call_service(&app, req.to_request()).await, 400).await;
}

#[actix_web::test]
async fn empty_if_match_list_matches_nothing() {
    let store = Store::with_widget();
    let app = app!(store);
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_MATCH, " , "))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
}

#[actix_web::test]
async fn non_ascii_tag_bytes_in_if_match() {
    let store = Store::with_widget();
    let app = app!(store);
    let value = header::HeaderValue::from_bytes(b"\"\xe9t\xe9\", \"\xff\"").unwrap();
    let req = write(Method::PUT, None).insert_header((header::IF_MATCH, value));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED); // well-formed, no match
}

#[actix_web::test]
async fn put_with_if_none_match_star_creates_once() {
    let store = web::Data::new(Store::default());
    let app = app!(store);
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_NONE_MATCH, "*"))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(header(&res, header::LOCATION).as_deref(), Some("/s/1"));
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_NONE_MATCH, "*"))).to_request(),
    )
    .await;
    let doc = problem(res, 412).await;
    assert!(
        doc["detail"].as_str().unwrap().contains("If-None-Match"),
        "{doc}"
    );
    assert_eq!(store.version(1), Some(1));
}

#[actix_web::test]
async fn if_match_star_on_missing_resource_is_412() {
    let store = web::Data::new(Store::default());
    let app = app!(store);
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_MATCH, "*"))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(store.version(1), None);
}

#[actix_web::test]
async fn if_none_match_on_unsafe_methods_is_412_never_304() {
    let store = Store::with_widget();
    let app = app!(store);
    let tag = widget_tag();
    for method in WRITES {
        let res = test::call_service(
            &app,
            write(method.clone(), Some((header::IF_NONE_MATCH, &tag))).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED, "{method}");
    }
    let req = test::TestRequest::post()
        .uri("/s/1/archive")
        .insert_header((header::IF_NONE_MATCH, tag));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    let req = test::TestRequest::post()
        .uri("/s/1/archive")
        .insert_header((header::IF_MATCH, "\"old\""));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::PRECONDITION_FAILED
    );
    let req = test::TestRequest::post()
        .uri("/s/1/archive")
        .insert_header((header::IF_MATCH, widget_tag()));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::ACCEPTED
    );
    assert_eq!(store.version(1), Some(3));
}

#[actix_web::test]
async fn if_unmodified_since_in_all_three_forms() {
    for date in [IMF, RFC850, ASCTIME] {
        let store = Store::with_widget();
        let app = app!(store);
        let res = test::call_service(
            &app,
            write(Method::PATCH, Some((header::IF_UNMODIFIED_SINCE, date))).to_request(),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{date}");
    }
    let store = Store::with_widget();
    let app = app!(store);
    let earlier = "Sat, 05 Nov 1994 08:49:37 GMT";
    let res = test::call_service(
        &app,
        write(Method::DELETE, Some((header::IF_UNMODIFIED_SINCE, earlier))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(store.version(1), Some(3));
    // An invalid date is ignored.
    let res = test::call_service(
        &app,
        write(Method::DELETE, Some((header::IF_UNMODIFIED_SINCE, "soon"))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn options_ignores_preconditions_even_malformed() {
    let store = Store::with_widget();
    let app = app!(store);
    let req = test::TestRequest::default()
        .method(Method::OPTIONS)
        .uri("/s/1")
        .insert_header((header::IF_MATCH, "garbage"))
        .insert_header((header::IF_NONE_MATCH, "*"));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

#[actix_web::test]
async fn precondition_required_when_configured() {
    let store = Store::with_widget();
    let app = app!(store, PreconditionConfig::new().require_precondition(true));
    for method in WRITES {
        let res = test::call_service(&app, write(method.clone(), None).to_request()).await;
        assert_eq!(
            header(&res, header::CACHE_CONTROL).as_deref(),
            Some("no-store")
        );
        let doc = problem(res, 428).await;
        assert_eq!(doc["title"], "Precondition Required");
        assert!(
            doc["detail"].as_str().unwrap().contains("If-Match"),
            "{doc}"
        );
        assert_eq!(store.version(1), Some(3));
    }
    // The conditions that protect a write are accepted.
    let res = test::call_service(
        &app,
        write(Method::PATCH, Some((header::IF_MATCH, &widget_tag()))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = test::call_service(
        &app,
        write(
            Method::PATCH,
            Some((header::IF_UNMODIFIED_SINCE, "Sun, 06 Nov 2050 08:49:37 GMT")),
        )
        .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_NONE_MATCH, "*"))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED); // exists already, but not 428
    // Reads and POST are not covered.
    let res = test::call_service(&app, test::TestRequest::get().uri("/s/1").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = test::call_service(
        &app,
        test::TestRequest::post().uri("/s/1/archive").to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
}

#[actix_web::test]
async fn precondition_not_required_by_default() {
    let store = Store::with_widget();
    let app = app!(store);
    let res = test::call_service(&app, write(Method::PATCH, None).to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn plain_text_errors_when_configured() {
    let store = Store::with_widget();
    let app = app!(
        store,
        PreconditionConfig::new().error_format(ErrorFormat::PlainText)
    );
    let res = test::call_service(
        &app,
        write(Method::PUT, Some((header::IF_MATCH, "\"old\""))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        header(&res, header::CONTENT_TYPE).as_deref(),
        Some("text/plain; charset=utf-8")
    );
    let text = String::from_utf8(body(res).await).unwrap();
    assert!(text.starts_with("Precondition Failed: "), "{text}");
    // Tagged's own 412 on GET follows the config too.
    let req = test::TestRequest::get()
        .uri("/s/1")
        .insert_header((header::IF_MATCH, "\"old\""));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
    assert_eq!(
        header(&res, header::CONTENT_TYPE).as_deref(),
        Some("text/plain; charset=utf-8")
    );
}

#[actix_web::test]
async fn early_304_skips_the_load() {
    let store = Store::with_widget();
    let app = app!(store);
    let req = test::TestRequest::get()
        .uri("/s/1")
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, header::ETAG), Some(widget_tag()));
    assert_eq!(
        header(&res, header::CACHE_CONTROL).as_deref(),
        Some("no-cache")
    );
    assert_eq!(header(&res, header::CONTENT_TYPE), None);
    assert_eq!(store.loads.load(Ordering::SeqCst), 0);
    assert!(body(res).await.is_empty());
    // The key type derives the same tag as the model.
    assert_eq!(ProductKey { id: 1, version: 3 }.etag(), widget().etag());
    // If-Modified-Since needs the full validators: the load happens and Tagged answers.
    let req = test::TestRequest::get()
        .uri("/s/1")
        .insert_header((header::IF_MODIFIED_SINCE, IMF));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(store.loads.load(Ordering::SeqCst), 1);
    assert_eq!(header(&res, header::LAST_MODIFIED).as_deref(), Some(IMF));
}

#[actix_web::test]
async fn missing_resource_stays_404_with_star() {
    let store = web::Data::new(Store::default());
    let app = app!(store);
    let req = test::TestRequest::get()
        .uri("/s/9")
        .insert_header((header::IF_NONE_MATCH, "*"));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = test::call_service(
        &app,
        write(Method::PATCH, Some((header::IF_NONE_MATCH, "*"))).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND); // no resource: PATCH handler answers 404 first
}

#[actix_web::test]
async fn racing_writers_with_the_same_tag_lose_no_update() {
    let store = Store::with_widget();
    let app = std::rc::Rc::new(app!(store));
    let tag = widget_tag();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let app = app.clone();
        let req = test::TestRequest::put()
            .uri("/s/1")
            .insert_header((header::IF_MATCH, tag.clone()))
            .set_json(serde_json::json!({ "name": format!("writer {i}") }))
            .to_request();
        tasks.push(actix_web::rt::spawn(async move {
            test::call_service(&*app, req).await.status()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::PRECONDITION_FAILED)
            .count(),
        7,
        "{statuses:?}"
    );
    assert_eq!(store.version(1), Some(4));
    // The writers passed the check together and the compare-and-swap refused the late ones.
    assert!(store.conflicts.load(Ordering::SeqCst) > 0);
}

/// A product without a modification time (id 2), next to the widget.
fn store_with_untimed() -> web::Data<Store> {
    let store = Store::with_widget();
    store.products.lock().unwrap().insert(
        2,
        Product {
            id: 2,
            version: 1,
            name: "Untimed".into(),
            updated: None,
        },
    );
    store
}

/// RFC 6585 §3 asks for a precondition that protects the write. An `If-Unmodified-Since`
/// that is not a valid date is ignored by the evaluation (RFC 9110 §13.1.4), so it must not
/// satisfy the requirement either: otherwise the write goes through unconditionally.
#[actix_web::test]
async fn invalid_if_unmodified_since_does_not_satisfy_428() {
    let store = Store::with_widget();
    let app = app!(store, PreconditionConfig::new().require_precondition(true));
    for method in WRITES {
        let req = write(
            method.clone(),
            Some((header::IF_UNMODIFIED_SINCE, "whenever")),
        );
        let res = test::call_service(&app, req.to_request()).await;
        problem(res, 428).await;
        // Two lines are no valid date either.
        let req = write(method.clone(), None)
            .append_header((header::IF_UNMODIFIED_SINCE, IMF))
            .append_header((header::IF_UNMODIFIED_SINCE, IMF));
        let res = test::call_service(&app, req.to_request()).await;
        problem(res, 428).await;
        assert_eq!(store.version(1), Some(3), "{method}");
    }
    // `require` (whatever the config) counts the same way.
    let req = test::TestRequest::post()
        .insert_header((header::IF_UNMODIFIED_SINCE, "whenever"))
        .to_http_request();
    let pre = Preconditions::from_req(&req).unwrap();
    assert_eq!(
        pre.require().unwrap_err().status(),
        StatusCode::PRECONDITION_REQUIRED
    );
}

/// When `If-Unmodified-Since` is the only guard of a required precondition and the
/// resource has no modification time, the guard cannot be evaluated: 428, not a write.
#[actix_web::test]
async fn if_unmodified_since_on_a_resource_without_modification_time_is_428_when_required() {
    let store = store_with_untimed();
    let app = app!(store, PreconditionConfig::new().require_precondition(true));
    for method in WRITES {
        let req = write(method.clone(), Some((header::IF_UNMODIFIED_SINCE, IMF))).uri("/s/2");
        let res = test::call_service(&app, req.to_request()).await;
        problem(res, 428).await;
        assert_eq!(store.version(2), Some(1), "{method}");
    }
    // Nor can it guard the creation of a resource that does not exist.
    let req = write(Method::PUT, Some((header::IF_UNMODIFIED_SINCE, IMF))).uri("/s/3");
    problem(test::call_service(&app, req.to_request()).await, 428).await;
    assert_eq!(store.version(3), None);
    // With a modification time it guards as usual.
    let req = write(Method::PATCH, Some((header::IF_UNMODIFIED_SINCE, IMF)));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
    // `If-Match` next to it is a guard of its own.
    let tag = ProductKey { id: 2, version: 1 }.etag().to_string();
    let req = write(Method::PATCH, Some((header::IF_UNMODIFIED_SINCE, IMF)))
        .uri("/s/2")
        .insert_header((header::IF_MATCH, tag));
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn if_unmodified_since_without_modification_time_is_ignored_when_not_required() {
    let store = store_with_untimed();
    let app = app!(store);
    let req = write(Method::PATCH, Some((header::IF_UNMODIFIED_SINCE, IMF))).uri("/s/2");
    assert_eq!(
        test::call_service(&app, req.to_request()).await.status(),
        StatusCode::OK
    );
}

/// Client A read the product at date T; client B changed it within the same second T. A's
/// `If-Unmodified-Since: T` must not overwrite B's change (RFC 9110 §13.1.4).
#[actix_web::test]
async fn same_second_if_unmodified_since_write_is_412() {
    let store = Store::with_widget();
    // B's change: 200 ms into the second A read at; the write arrives 500 ms later.
    let changed = changed() + std::time::Duration::from_millis(200);
    store.products.lock().unwrap().get_mut(&1).unwrap().updated = Some(changed);
    let config = PreconditionConfig::new().clock(Clock::fixed(
        changed + std::time::Duration::from_millis(500),
    ));
    let app = app!(store, config);
    let req = write(Method::PUT, Some((header::IF_UNMODIFIED_SINCE, IMF)));
    let status = test::call_service(&app, req.to_request()).await.status();
    assert_eq!(status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(store.version(1), Some(3));
}

fn changed_at(updated: SystemTime) -> Product {
    Product {
        updated: Some(updated),
        ..widget()
    }
}

/// `check` on `GET` applies the same rule as `Tagged`: within the modification's second,
/// `If-Modified-Since` cannot answer 304, and a 304 by tag carries no `Last-Modified`.
#[actix_web::test]
async fn same_second_check_never_answers_304_by_date() {
    // Changed 200 ms into a second, checked 500 ms later, on a clock the test holds.
    let changed = changed() + std::time::Duration::from_millis(200);
    let config = PreconditionConfig::new().clock(Clock::fixed(
        changed + std::time::Duration::from_millis(500),
    ));
    let product = changed_at(changed);
    let req = test::TestRequest::get()
        .app_data(config.clone())
        .insert_header((header::IF_MODIFIED_SINCE, IMF))
        .to_http_request();
    let by_date = Preconditions::from_req(&req).unwrap().check(&product);
    assert!(by_date.is_ok(), "{by_date:?}");
    let req = test::TestRequest::get()
        .app_data(config)
        .insert_header((header::IF_NONE_MATCH, widget_tag()))
        .to_http_request();
    let by_tag = Preconditions::from_req(&req).unwrap().check(&product);
    let res = actix_web::ResponseError::error_response(&by_tag.unwrap_err());
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert!(res.headers().get(header::LAST_MODIFIED).is_none());
    // A fresh `Date` from the same clock, not actix-web's (up to 500 ms old): never older
    // than the change.
    assert_eq!(res.headers().get(header::DATE).unwrap(), IMF);
}

#[actix_web::test]
async fn check_with_a_settled_modification_time_behaves_as_before() {
    let updated = SystemTime::now() - std::time::Duration::from_secs(2);
    let product = changed_at(updated);
    let date = etag_actix::format_http_date(updated);
    let req = test::TestRequest::get()
        .insert_header((header::IF_MODIFIED_SINCE, date.clone()))
        .to_http_request();
    let err = Preconditions::from_req(&req)
        .unwrap()
        .check(&product)
        .unwrap_err();
    let res = actix_web::ResponseError::error_response(&err);
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        res.headers()
            .get(header::LAST_MODIFIED)
            .unwrap()
            .to_str()
            .unwrap(),
        date
    );
    assert!(res.headers().get(header::DATE).is_some());
    let req = test::TestRequest::put()
        .insert_header((header::IF_UNMODIFIED_SINCE, date))
        .to_http_request();
    assert!(
        Preconditions::from_req(&req)
            .unwrap()
            .check(&product)
            .is_ok()
    );
}

/// The early 304 sends `ETag` and `Cache-Control: no-cache` only; `with_headers` gives it
/// the headers the 200 would carry (those a 304 keeps).
#[actix_web::test]
async fn early_304_can_carry_the_headers_of_the_200() {
    fn cache_headers() -> header::HeaderMap {
        let mut headers = header::HeaderMap::new();
        for (name, value) in [
            (header::CACHE_CONTROL, "private, max-age=60"),
            (header::VARY, "Accept-Language"),
            (header::CONTENT_LOCATION, "/s/1"),
            (header::CONTENT_TYPE, "application/json"),
            (header::EXPIRES, "Thu, 01 Dec 2044 16:00:00 GMT"),
        ] {
            headers.insert(name, header::HeaderValue::from_static(value));
        }
        headers
    }
    async fn show_cached(
        pre: Preconditions,
        store: web::Data<Store>,
    ) -> Result<Tagged<Product>, actix_web::Error> {
        if let Some(version) = store.version(1) {
            pre.not_modified(&ProductKey { id: 1, version }.etag())
                .map_err(|e| e.with_headers(cache_headers()))?;
        }
        Ok(Tagged::new(store.get(1).ok_or_else(not_found)?)
            .cache_control("private, max-age=60")
            .vary("Accept-Language")
            .insert_header((header::CONTENT_LOCATION, "/s/1"))
            .insert_header((header::EXPIRES, "Thu, 01 Dec 2044 16:00:00 GMT")))
    }
    let store = Store::with_widget();
    let app = test::init_service(
        App::new()
            .app_data(store.clone())
            .route("/c", web::get().to(show_cached)),
    )
    .await;
    let full = test::call_service(&app, test::TestRequest::get().uri("/c").to_request()).await;
    assert_eq!(full.status(), StatusCode::OK);
    let req = test::TestRequest::get()
        .uri("/c")
        .insert_header((header::IF_NONE_MATCH, widget_tag()));
    let res = test::call_service(&app, req.to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(store.loads.load(Ordering::SeqCst), 1, "the 304 loaded");
    assert_eq!(
        header_names(&res),
        [
            "cache-control",
            "content-location",
            "date",
            "etag",
            "expires",
            "vary"
        ]
    );
    for name in [
        "cache-control",
        "content-location",
        "etag",
        "expires",
        "vary",
    ] {
        assert_eq!(
            headers_all(&res, header::HeaderName::from_static(name)),
            headers_all(&full, header::HeaderName::from_static(name)),
            "{name}"
        );
    }
    assert!(body(res).await.is_empty());
}
