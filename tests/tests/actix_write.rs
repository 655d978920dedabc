//! `Preconditions::write` (`ConditionalWrite`): the whole conditional write in one call,
//! against a scripted store that can be made to lose races, be deleted under a writer, or
//! lose every time. Every case checks what was written as well as the answer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod actix_support;

use std::convert::Infallible;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use actix_support::*;
use actix_web::http::header;
use actix_web::http::{Method, StatusCode};
use actix_web::{App, HttpResponse, test, web};
use etag_actix::{
    Condition, ETag, ErrorFormat, PreconditionConfig, Preconditions, Tagged, WriteError,
};

/// What another writer does right before our compare-and-swap.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Interference {
    /// Nothing: the swap finds the state it was given.
    None,
    /// Bumps the version (and the modification time to now) `n` times, once before each
    /// of our next `n` swaps.
    Bump(usize),
    /// Deletes the resource before our next swap.
    Delete,
    /// Creates the resource before our next (creating) swap.
    Create,
    /// Bumps before every swap: we never win.
    Always,
}

/// One resource (id 1), with counters of what the handler did to it.
struct Store {
    state: Mutex<Option<Product>>,
    interference: Mutex<Interference>,
    loads: AtomicUsize,
    swaps: AtomicUsize,
    /// Versions gained by our own writes (not the interference's).
    applied: AtomicUsize,
}

impl Store {
    fn new(state: Option<Product>, interference: Interference) -> web::Data<Store> {
        web::Data::new(Store {
            state: Mutex::new(state),
            interference: Mutex::new(interference),
            loads: AtomicUsize::new(0),
            swaps: AtomicUsize::new(0),
            applied: AtomicUsize::new(0),
        })
    }

    fn widget(interference: Interference) -> web::Data<Store> {
        Store::new(Some(widget()), interference)
    }

    fn current(&self) -> Option<Product> {
        self.state.lock().unwrap().clone()
    }

    fn loads(&self) -> usize {
        self.loads.load(Ordering::SeqCst)
    }

    fn swaps(&self) -> usize {
        self.swaps.load(Ordering::SeqCst)
    }

    fn applied(&self) -> usize {
        self.applied.load(Ordering::SeqCst)
    }

    async fn load(&self) -> Result<Option<Product>, Infallible> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        Ok(self.current())
    }

    /// Another writer acts, as scripted.
    fn interfere(&self) {
        let mut script = self.interference.lock().unwrap();
        let mut state = self.state.lock().unwrap();
        let bump = match *script {
            Interference::None => false,
            Interference::Bump(n) => {
                *script = if n > 1 {
                    Interference::Bump(n - 1)
                } else {
                    Interference::None
                };
                true
            }
            Interference::Always => true,
            Interference::Delete => {
                *state = None;
                *script = Interference::None;
                false
            }
            Interference::Create => {
                *state = Some(Product {
                    id: 1,
                    version: 9,
                    name: "Theirs".into(),
                    updated: None,
                });
                *script = Interference::None;
                false
            }
        };
        if bump && let Some(p) = state.as_mut() {
            p.version += 1;
            // A change after every date up to now (a few seconds ahead of this clock).
            p.updated = Some(SystemTime::now() + Duration::from_secs(5));
        }
    }

    /// `UPDATE ... SET name = ?, version = version + 1 WHERE id = 1 AND version = ?`
    async fn replace(&self, version: u64, name: &str) -> Result<Option<Product>, Infallible> {
        self.swaps.fetch_add(1, Ordering::SeqCst);
        self.interfere();
        let mut state = self.state.lock().unwrap();
        Ok(state.as_mut().filter(|p| p.version == version).map(|p| {
            p.version += 1;
            p.name = name.to_owned();
            self.applied.fetch_add(1, Ordering::SeqCst);
            p.clone()
        }))
    }

    /// `INSERT ... ON CONFLICT DO NOTHING RETURNING ...`
    async fn create(&self, name: &str) -> Result<Option<Product>, Infallible> {
        self.swaps.fetch_add(1, Ordering::SeqCst);
        self.interfere();
        let mut state = self.state.lock().unwrap();
        if state.is_some() {
            return Ok(None);
        }
        let p = Product {
            id: 1,
            version: 1,
            name: name.to_owned(),
            updated: None,
        };
        *state = Some(p.clone());
        self.applied.fetch_add(1, Ordering::SeqCst);
        Ok(Some(p))
    }

    /// `DELETE ... WHERE id = 1 AND version = ?`
    async fn delete(&self, version: u64) -> Result<Option<()>, Infallible> {
        self.swaps.fetch_add(1, Ordering::SeqCst);
        self.interfere();
        let mut state = self.state.lock().unwrap();
        if state.as_ref().is_some_and(|p| p.version == version) {
            *state = None;
            self.applied.fetch_add(1, Ordering::SeqCst);
            Ok(Some(()))
        } else {
            Ok(None)
        }
    }
}

/// `PUT /r`: replace; with `If-None-Match: *`, create when absent.
async fn put(
    pre: Preconditions,
    store: web::Data<Store>,
) -> Result<Tagged<Product>, WriteError<Infallible>> {
    let creates = pre.if_none_match() == Some(Condition::Any);
    let written = pre
        .write()
        .create_if_absent(creates)
        .max_attempts(4)
        .run(
            async || store.load().await,
            async |current: Option<&Product>| match current {
                Some(current) => store.replace(current.version, "Gadget").await,
                None => store.create("Gadget").await,
            },
        )
        .await?;
    Ok(Tagged::new(written))
}

/// `DELETE /r`
async fn delete(
    pre: Preconditions,
    store: web::Data<Store>,
) -> Result<HttpResponse, WriteError<Infallible>> {
    pre.write()
        .max_attempts(4)
        .update(
            async || store.load().await,
            async |current| store.delete(current.version).await,
        )
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `PUT /once`: a replace that may lose its compare-and-swap once only.
async fn put_once(
    pre: Preconditions,
    store: web::Data<Store>,
) -> Result<Tagged<Product>, WriteError<Infallible>> {
    let written = pre
        .write()
        .max_attempts(1)
        .update(
            async || store.load().await,
            async |current| store.replace(current.version, "Gadget").await,
        )
        .await?;
    Ok(Tagged::new(written))
}

fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/r", web::put().to(put))
        .route("/r", web::delete().to(delete))
        .route("/once", web::put().to(put_once));
}

macro_rules! app {
    ($store:expr) => {
        test::init_service(App::new().app_data($store.clone()).configure(routes)).await
    };
    ($store:expr, $config:expr) => {
        test::init_service(
            App::new()
                .app_data($store.clone())
                .app_data($config)
                .configure(routes),
        )
        .await
    };
}

fn req(method: Method, headers: &[(header::HeaderName, &str)]) -> test::TestRequest {
    let mut req = test::TestRequest::default().method(method).uri("/r");
    for (name, value) in headers {
        req = req.insert_header((name.clone(), (*value).to_owned()));
    }
    req
}

fn tag_of(version: u64) -> String {
    Product {
        version,
        ..widget()
    }
    .etag()
    .to_string()
}

#[actix_web::test]
async fn a_current_if_match_writes_once() {
    for method in [Method::PUT, Method::DELETE] {
        let store = Store::widget(Interference::None);
        let app = app!(store);
        let res = test::call_service(
            &app,
            req(method.clone(), &[(header::IF_MATCH, &widget_tag())]).to_request(),
        )
        .await;
        assert!(res.status().is_success(), "{method}: {}", res.status());
        assert_eq!((store.loads(), store.swaps(), store.applied()), (1, 1, 1));
        if method == Method::PUT {
            assert_eq!(header(&res, header::ETAG), Some(tag_of(4)));
        } else {
            assert!(store.current().is_none());
        }
    }
}

#[actix_web::test]
async fn a_stale_if_match_is_412_before_any_swap() {
    for method in [Method::PUT, Method::DELETE] {
        let store = Store::widget(Interference::None);
        let app = app!(store);
        let res = test::call_service(
            &app,
            req(method.clone(), &[(header::IF_MATCH, &tag_of(2))]).to_request(),
        )
        .await;
        assert_eq!(header(&res, header::ETAG), Some(widget_tag()), "{method}");
        problem(res, 412).await;
        assert_eq!((store.loads(), store.swaps()), (1, 0), "{method}");
        assert_eq!(store.current().map(|p| p.version), Some(3));
    }
}

/// A 404 stays a 404 whatever the preconditions, 428 config included.
#[actix_web::test]
async fn an_absent_resource_is_404_whatever_the_preconditions() {
    let cases: [&[(header::HeaderName, &str)]; 4] = [
        &[],
        &[(header::IF_MATCH, "\"x\"")],
        &[(header::IF_MATCH, "*")],
        &[(header::IF_UNMODIFIED_SINCE, IMF)],
    ];
    for config in [false, true] {
        for headers in cases {
            for method in [Method::PUT, Method::DELETE] {
                let store = Store::new(None, Interference::None);
                let app = app!(
                    store,
                    PreconditionConfig::new().require_precondition(config)
                );
                let res = test::call_service(&app, req(method.clone(), headers).to_request()).await;
                assert_eq!(res.status(), StatusCode::NOT_FOUND, "{method} {headers:?}");
                assert_eq!(store.swaps(), 0);
                assert!(store.current().is_none());
            }
        }
    }
}

/// With `require_precondition`, 428 comes once the resource is known to exist.
#[actix_web::test]
async fn a_required_precondition_is_decided_once_existence_is_known() {
    let config = PreconditionConfig::new().require_precondition(true);
    for method in [Method::PUT, Method::DELETE] {
        let store = Store::widget(Interference::None);
        let app = app!(store, config.clone());
        let res = test::call_service(&app, req(method.clone(), &[]).to_request()).await;
        assert_eq!(
            header(&res, header::CACHE_CONTROL).as_deref(),
            Some("no-store")
        );
        problem(res, 428).await;
        assert_eq!(store.swaps(), 0, "{method}");
        // An invalid If-Unmodified-Since protects nothing: 428 too.
        let res = test::call_service(
            &app,
            req(method.clone(), &[(header::IF_UNMODIFIED_SINCE, "whenever")]).to_request(),
        )
        .await;
        problem(res, 428).await;
        // With If-Match it goes through.
        let res = test::call_service(
            &app,
            req(method.clone(), &[(header::IF_MATCH, &widget_tag())]).to_request(),
        )
        .await;
        assert!(res.status().is_success(), "{method}");
        assert_eq!(store.applied(), 1);
    }
    // Creation must be conditional too: `If-None-Match: *` is the guard.
    let store = Store::new(None, Interference::None);
    let app = app!(store, config.clone());
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_NONE_MATCH, "*")]).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(store.applied(), 1);
}

/// A lost race re-reads and re-evaluates: a specific tag is now stale, 412 with the tag
/// the client can now send.
#[actix_web::test]
async fn a_lost_race_with_a_specific_tag_is_412_with_the_new_tag() {
    for method in [Method::PUT, Method::DELETE] {
        let store = Store::widget(Interference::Bump(1));
        let app = app!(store);
        let res = test::call_service(
            &app,
            req(method.clone(), &[(header::IF_MATCH, &widget_tag())]).to_request(),
        )
        .await;
        assert_eq!(header(&res, header::ETAG), Some(tag_of(4)), "{method}");
        problem(res, 412).await;
        assert_eq!(
            (store.loads(), store.swaps(), store.applied()),
            (2, 1, 0),
            "{method}"
        );
        assert_eq!(store.current().map(|p| p.version), Some(4));
    }
}

/// Preconditions that still hold after a lost race are retried, not refused.
#[actix_web::test]
async fn a_lost_race_whose_preconditions_still_hold_is_retried() {
    let later = "Sun, 06 Nov 2050 08:49:37 GMT";
    let cases: [&[(header::HeaderName, &str)]; 3] = [
        &[(header::IF_MATCH, "*")],
        &[], // no precondition at all
        &[(header::IF_MATCH, "\"other\""), (header::IF_MATCH, "*")],
    ];
    for headers in cases {
        for method in [Method::PUT, Method::DELETE] {
            let store = Store::widget(Interference::Bump(2));
            let app = app!(store);
            let mut request = req(method.clone(), &[]);
            for (name, value) in headers {
                request = request.append_header((name.clone(), (*value).to_owned()));
            }
            let res = test::call_service(&app, request.to_request()).await;
            if headers.len() == 2 {
                // `*` mixed with tags is malformed: 400 at extraction, nothing loaded.
                assert_eq!(res.status(), StatusCode::BAD_REQUEST);
                assert_eq!(store.loads(), 0);
                continue;
            }
            assert!(
                res.status().is_success(),
                "{method} {headers:?}: {}",
                res.status()
            );
            assert_eq!(
                (store.loads(), store.swaps(), store.applied()),
                (3, 3, 1),
                "{method} {headers:?}"
            );
        }
    }
    // An If-Unmodified-Since later than every change also still holds.
    let store = Store::widget(Interference::Bump(1));
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_UNMODIFIED_SINCE, later)]).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 2, 1));
}

/// An If-Unmodified-Since that the racing change made false: 412 after the re-read.
#[actix_web::test]
async fn a_lost_race_that_passes_the_if_unmodified_since_date_is_412() {
    let store = Store::widget(Interference::Bump(1));
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_UNMODIFIED_SINCE, IMF)]).to_request(),
    )
    .await;
    problem(res, 412).await;
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 1, 0));
}

/// The resource deleted under the writer: 404 after the re-read, not 412.
#[actix_web::test]
async fn a_resource_deleted_during_the_race_is_404() {
    let store = Store::widget(Interference::Delete);
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_MATCH, "*")]).to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 1, 0));
    assert!(store.current().is_none());
}

/// The last lost race is re-read and re-evaluated too: with one attempt, a specific tag
/// that the racing writer made stale is a 412 (not a 503), and a resource it deleted a 404.
#[actix_web::test]
async fn the_last_lost_race_is_re_evaluated_before_any_503() {
    let store = Store::widget(Interference::Bump(1));
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_MATCH, &widget_tag())])
            .uri("/once")
            .to_request(),
    )
    .await;
    assert_eq!(header(&res, header::ETAG), Some(tag_of(4)));
    problem(res, 412).await;
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 1, 0));

    let store = Store::widget(Interference::Delete);
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_MATCH, "*")])
            .uri("/once")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 1, 0));

    // Still true after the one lost race: 503, after the re-read confirmed it.
    let store = Store::widget(Interference::Bump(1));
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_MATCH, "*")])
            .uri("/once")
            .to_request(),
    )
    .await;
    problem(res, 503).await;
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 1, 0));
}

/// Out of retries while the preconditions hold: 503 with Retry-After, never 412.
#[actix_web::test]
async fn retries_run_out_with_503_and_retry_after() {
    for (method, headers) in [
        (Method::PUT, &[(header::IF_MATCH, "*")][..]),
        (Method::DELETE, &[][..]),
    ] {
        let store = Store::widget(Interference::Always);
        let app = app!(store);
        let res = test::call_service(&app, req(method.clone(), headers).to_request()).await;
        assert_eq!(
            header(&res, header::RETRY_AFTER).as_deref(),
            Some("1"),
            "{method}"
        );
        let doc = problem(res, 503).await;
        assert_eq!(doc["title"], "Service Unavailable");
        // Four lost swaps, each followed by a re-read that found the preconditions true.
        assert_eq!((store.loads(), store.swaps(), store.applied()), (5, 4, 0));
    }
    // In the configured format.
    let store = Store::widget(Interference::Always);
    let app = app!(
        store,
        PreconditionConfig::new().error_format(ErrorFormat::PlainText)
    );
    let res = test::call_service(&app, req(Method::DELETE, &[]).to_request()).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        header(&res, header::CONTENT_TYPE).as_deref(),
        Some("text/plain; charset=utf-8")
    );
}

#[actix_web::test]
async fn create_only_creates_when_absent_and_is_412_when_present() {
    let store = Store::new(None, Interference::None);
    let app = app!(store);
    let create = || req(Method::PUT, &[(header::IF_NONE_MATCH, "*")]).to_request();
    let res = test::call_service(&app, create()).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(store.current().map(|p| p.version), Some(1));
    let res = test::call_service(&app, create()).await;
    problem(res, 412).await;
    assert_eq!((store.swaps(), store.applied()), (1, 1));
    // If-Match against a resource that does not exist (creation allowed): 412.
    let store = Store::new(None, Interference::None);
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(
            Method::PUT,
            &[(header::IF_NONE_MATCH, "*"), (header::IF_MATCH, "\"a\"")],
        )
        .to_request(),
    )
    .await;
    problem(res, 412).await;
    assert_eq!(store.swaps(), 0);
}

/// Two creators of one id: the loser re-reads, finds it present, and gets 412.
#[actix_web::test]
async fn a_create_that_loses_the_race_is_412() {
    let store = Store::new(None, Interference::Create);
    let app = app!(store);
    let res = test::call_service(
        &app,
        req(Method::PUT, &[(header::IF_NONE_MATCH, "*")]).to_request(),
    )
    .await;
    assert_eq!(header(&res, header::ETAG), Some(tag_of(9)));
    problem(res, 412).await;
    assert_eq!((store.loads(), store.swaps(), store.applied()), (2, 1, 0));
    assert_eq!(store.current().map(|p| p.name), Some("Theirs".to_owned()));
}

/// The collection: `POST` evaluates the client's preconditions against the collection's
/// version and inserts only if it is unchanged.
#[actix_web::test]
async fn post_to_a_collection_inserts_against_the_version_checked() {
    #[derive(ETag)]
    #[etag(salt = "collection")]
    struct CollectionVersion {
        #[etag]
        version: u64,
    }

    struct Collection {
        version: Mutex<u64>,
        items: Mutex<Vec<String>>,
    }

    async fn post(
        pre: Preconditions,
        body: String,
        collection: web::Data<Collection>,
    ) -> Result<HttpResponse, WriteError<Infallible>> {
        let conditional = pre.is_conditional();
        let at = pre
            .write()
            .update(
                async || {
                    let version = *collection.version.lock().unwrap();
                    Ok(Some(CollectionVersion { version }))
                },
                async |checked| {
                    let mut version = collection.version.lock().unwrap();
                    // `UPDATE collection SET version = version + 1 WHERE version = ?`
                    if conditional && *version != checked.version {
                        return Ok(None);
                    }
                    *version += 1;
                    let mut items = collection.items.lock().unwrap();
                    items.push(body.clone());
                    Ok(Some(items.len()))
                },
            )
            .await?;
        Ok(HttpResponse::Created()
            .insert_header((header::LOCATION, format!("/c/{at}")))
            .finish())
    }

    let collection = web::Data::new(Collection {
        version: Mutex::new(7),
        items: Mutex::new(Vec::new()),
    });
    let app = test::init_service(
        App::new()
            .app_data(collection.clone())
            .route("/c", web::post().to(post)),
    )
    .await;
    let seen = CollectionVersion { version: 7 }.etag().to_string();
    let post_with = |tag: &str| {
        test::TestRequest::post()
            .uri("/c")
            .insert_header((header::IF_MATCH, tag.to_owned()))
            .set_payload("x")
            .to_request()
    };
    let res = test::call_service(&app, post_with(&seen)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    // The collection changed: the same tag is stale now.
    let res = test::call_service(&app, post_with(&seen)).await;
    assert_eq!(
        header(&res, header::ETAG),
        Some(CollectionVersion { version: 8 }.etag().to_string())
    );
    problem(res, 412).await;
    // Unconditional POSTs always insert.
    let res = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/c")
            .set_payload("y")
            .to_request(),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(collection.items.lock().unwrap().len(), 2);
}

/// The same exhaustion over a real socket: an HTTP server on a loopback port whose store
/// always loses; the raw response is a 503 problem with `Retry-After`, and nothing changed.
// `test` is actix-web's module here: the plain test attribute by its full path.
#[core::prelude::v1::test]
fn over_real_http_retries_run_out_with_503() {
    use std::io::{Read, Write};

    let store = Store::widget(Interference::Always);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let app_store = store.clone();
    let server = std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let server = actix_web::HttpServer::new(move || {
                App::new().app_data(app_store.clone()).configure(routes)
            })
            .workers(1)
            .disable_signals()
            .listen(listener)
            .unwrap()
            .run();
            tx.send(server.handle()).unwrap();
            server.await.unwrap();
        });
    });
    let handle = rx.recv_timeout(Duration::from_secs(30)).unwrap();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream
        .write_all(b"DELETE /r HTTP/1.1\r\nHost: test\r\nIf-Match: *\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut raw = String::new();
    stream.read_to_string(&mut raw).unwrap();
    actix_web::rt::System::new().block_on(handle.stop(true));
    server.join().unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let head = head.to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 503 "), "{head}");
    assert!(head.contains("\r\nretry-after: 1\r\n"), "{head}");
    assert!(
        head.contains("\r\ncontent-type: application/problem+json\r\n"),
        "{head}"
    );
    let doc: serde_json::Value = serde_json::from_str(body).unwrap();
    assert_eq!(doc["status"], 503);
    assert_eq!((store.loads(), store.swaps(), store.applied()), (5, 4, 0));
    assert_eq!(store.current().map(|p| p.version), Some(3 + 4));
}
