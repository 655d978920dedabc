//! The client half (`etag_actix::client::Client`, awc) against the products service over real
//! HTTP: revalidation answered by 304, read-modify-write with If-Match that loses no update
//! under 16 concurrent writers, errors with their status and problem details, the memory
//! bound; and against a tiny service in this file for the headers the products service
//! never sends (`no-store`, `Vary: *`, no `ETag`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use actix_web::dev::Service as _;
use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, web};
use etag_actix::EntityTag;
use etag_actix::client::{Client, ErrorKind, Precondition, WriteMethod};
use serde::{Deserialize, Serialize};
use serde_json::json;
use support::Server;

/// The service's product representation.
#[derive(Clone, Debug, PartialEq, Deserialize)]
struct Product {
    id: i64,
    name: String,
    description: String,
    price_cents: i64,
    stock: i64,
    version: i64,
    updated_at: String,
}

/// The body of a `PUT`: the writable fields (owned: `f` returns a value, not a borrow).
#[derive(Serialize)]
struct ProductInput {
    name: String,
    description: String,
    price_cents: i64,
    stock: i64,
}

impl ProductInput {
    fn from(product: &Product, stock: i64) -> Self {
        ProductInput {
            name: product.name.clone(),
            description: product.description.clone(),
            price_cents: product.price_cents,
            stock,
        }
    }
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    actix_web::rt::System::new().block_on(future)
}

/// The tag this client holds for a product, from the service's tag for an identity body:
/// awc asks for gzip, and the service tags a gzip body `"opaque.gzip"` (one strong tag per
/// content-coding), which it accepts back in If-None-Match and If-Match.
fn gzip_tag(identity: &str) -> EntityTag {
    let identity: EntityTag = identity.parse().unwrap();
    EntityTag::strong(&format!("{}.gzip", identity.opaque())).unwrap()
}

/// Another client's merge patch of `stock`, on its own thread and runtime, run to the end:
/// a concurrent writer that `f` can call between our read and our write.
fn other_writer_adds(url: &str, delta: i64) {
    let url = url.to_owned();
    std::thread::spawn(move || {
        run(async move {
            let other = Client::new(awc::Client::default());
            other
                .update(&url, |p: &Product| json!({ "stock": p.stock + delta }))
                .await
                .map(|_: Product| ())
        })
    })
    .join()
    .unwrap()
    .unwrap();
}

#[test]
fn a_second_get_is_answered_304_by_the_service_and_returns_equal_data() {
    let s = Server::start();
    let url = format!("http://{}/products/1", s.addr);
    let (identity_tag, served) = s.fetch("/products/1");
    run(async {
        let client = Client::new(awc::Client::default());
        let first: Product = client.get(&url).await.unwrap();
        assert_eq!(first, serde_json::from_value::<Product>(served).unwrap());
        let stats = client.stats();
        assert_eq!((stats.requests, stats.full, stats.not_modified), (1, 1, 0));
        assert_eq!(client.tag(&url), Some(gzip_tag(&identity_tag)));

        let second: Product = client.get(&url).await.unwrap();
        assert_eq!(second, first);
        let stats = client.stats();
        // The second request was answered 304 by the service, and the held bytes served.
        assert_eq!((stats.requests, stats.full, stats.not_modified), (2, 1, 1));
        assert_eq!(stats.entries, 1);

        // Another type over the same held bytes, again by a 304.
        let raw: serde_json::Value = client.get(&url).await.unwrap();
        assert_eq!(raw["id"], 1);
        assert_eq!(client.stats().not_modified, 2);
    });
}

#[test]
fn sixteen_concurrent_updates_of_stock_end_exactly_800_higher() {
    const TASKS: usize = 16;
    const INCREMENTS: usize = 50;
    let s = Server::start();
    let url = format!("http://{}/products/1", s.addr);
    let (_, start) = s.fetch("/products/1");
    let start_stock = start["stock"].as_i64().unwrap();
    let start_version = start["version"].as_i64().unwrap();

    let (lost, stats) = run(async {
        // One client shared by 16 tasks on one runtime, as handlers of one service would.
        // A task can lose at most once per other task's successful write.
        let client = Client::builder(awc::Client::default())
            .max_retries((TASKS * INCREMENTS) as u32)
            .build();
        let have_read = Rc::new(Cell::new(0));
        let tasks: Vec<_> = (0..TASKS)
            .map(|task| {
                let client = client.clone();
                let url = url.clone();
                let have_read = Rc::clone(&have_read);
                actix_web::rt::spawn(async move {
                    // Every task reads before any writes, so the first round races for sure.
                    let _: Product = client.get(&url).await.unwrap();
                    have_read.set(have_read.get() + 1);
                    while have_read.get() < TASKS {
                        actix_web::rt::task::yield_now().await;
                    }
                    for _ in 0..INCREMENTS {
                        let before = client.stats().requests;
                        let updated: Product = if task % 2 == 0 {
                            client
                                .update(&url, |p: &Product| json!({ "stock": p.stock + 1 }))
                                .await
                                .unwrap()
                        } else {
                            client
                                .replace(&url, |p: &Product| ProductInput::from(p, p.stock + 1))
                                .await
                                .unwrap()
                        };
                        assert!(updated.stock > start_stock);
                        assert!(client.stats().requests > before);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        let stats = client.stats();
        (stats.precondition_failed, stats)
    });

    let (_, end) = s.fetch("/products/1");
    assert_eq!(end["stock"].as_i64().unwrap(), start_stock + 800);
    // Exactly 800 writes succeeded: the version bumps once per write.
    assert_eq!(end["version"].as_i64().unwrap(), start_version + 800);
    // In the first round all 16 wrote against the same tag: 15 lost at least.
    assert!(lost >= (TASKS - 1) as u64, "{stats:?}");
    eprintln!(
        "16 x 50 updates: {lost} writes refused with 412 and retried; {} requests in all",
        stats.requests
    );
}

#[test]
fn an_update_that_loses_a_race_reads_again_and_applies_the_change_again() {
    let s = Server::start();
    let url = format!("http://{}/products/2", s.addr);
    let (_, start) = s.fetch("/products/2");
    let start_stock = start["stock"].as_i64().unwrap();
    let seen = run(async {
        let client = Client::new(awc::Client::default());
        let mut seen = Vec::new();
        let updated: Product = client
            .update(&url, |p: &Product| {
                seen.push(p.stock);
                if seen.len() == 1 {
                    // Someone else adds 10 between our read and our write.
                    other_writer_adds(&url, 10);
                }
                json!({ "stock": p.stock + 1 })
            })
            .await
            .unwrap();
        assert_eq!(updated.stock, start_stock + 11);
        assert_eq!(client.stats().precondition_failed, 1);
        // The response is held with its new tag: the next read is a 304 with equal data.
        let again: Product = client.get(&url).await.unwrap();
        assert_eq!(again, updated);
        assert_eq!(client.stats().not_modified, 1);
        seen
    });
    // `f` saw the original, then the other writer's result.
    assert_eq!(seen, [start_stock, start_stock + 10]);
    let (_, end) = s.fetch("/products/2");
    assert_eq!(end["stock"].as_i64().unwrap(), start_stock + 11);
}

#[test]
fn an_update_gives_up_after_the_configured_number_of_lost_races() {
    let s = Server::start();
    let url = format!("http://{}/products/3", s.addr);
    let (_, start) = s.fetch("/products/3");
    let start_stock = start["stock"].as_i64().unwrap();
    let calls = run(async {
        let client = Client::builder(awc::Client::default())
            .max_retries(2)
            .build();
        let mut calls = 0;
        let err = client
            .update::<Product, _, _>(&url, |p: &Product| {
                calls += 1;
                other_writer_adds(&url, 1); // loses every time
                json!({ "stock": p.stock + 100 })
            })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LostRaces);
        assert_eq!(err.lost_races(), Some(3));
        assert_eq!(err.status(), Some(StatusCode::PRECONDITION_FAILED));
        assert!(
            err.detail().is_some_and(|d| d.contains("If-Match")),
            "{err}"
        );
        assert!(
            err.to_string().contains("gave up after 3 lost races"),
            "{err}"
        );
        assert_eq!(client.stats().precondition_failed, 3);
        calls
    });
    assert_eq!(calls, 3);
    // Only the other writer's three changes happened.
    let (_, end) = s.fetch("/products/3");
    assert_eq!(end["stock"].as_i64().unwrap(), start_stock + 3);
}

#[test]
fn replace_puts_the_whole_product_and_create_only_creates() {
    let s = Server::start();
    let url = format!("http://{}/products/2", s.addr);
    let new_url = format!("http://{}/products/77", s.addr);
    run(async {
        let client = Client::new(awc::Client::default());
        let replaced: Product = client
            .replace(&url, |p: &Product| ProductInput {
                name: "Renamed".into(),
                ..ProductInput::from(p, 5)
            })
            .await
            .unwrap();
        assert_eq!((replaced.name.as_str(), replaced.stock), ("Renamed", 5));

        let input = ProductInput {
            name: "Teapot".into(),
            description: "Cast iron, 1 l.".into(),
            price_cents: 3900,
            stock: 7,
        };
        let created: Product = client.create(&new_url, &input).await.unwrap();
        assert_eq!((created.id, created.name.as_str()), (77, "Teapot"));
        // Held with its tag: the next read is a 304.
        let read: Product = client.get(&new_url).await.unwrap();
        assert_eq!(read, created);
        assert_eq!(client.stats().not_modified, 1);

        let again = client
            .create::<Product, _>(&new_url, &input)
            .await
            .unwrap_err();
        assert_eq!(again.kind(), ErrorKind::Status);
        assert_eq!(again.status(), Some(StatusCode::PRECONDITION_FAILED));
    });
    let (_, product) = s.fetch("/products/77");
    assert_eq!(product["stock"], 7);
}

#[test]
fn delete_if_deletes_only_what_f_approves_and_decides_again_after_a_lost_race() {
    let s = Server::start();
    let url = format!("http://{}/products/2", s.addr);
    let (_, start) = s.fetch("/products/2");
    let start_stock = start["stock"].as_i64().unwrap();
    let seen = run(async {
        let client = Client::new(awc::Client::default());
        // Declined: the read happens, no DELETE is sent, the product stays.
        let deleted = client.delete_if(&url, |_: &Product| false).await.unwrap();
        assert!(!deleted);
        assert_eq!(client.stats().requests, 1);
        assert!(client.tag(&url).is_some());

        let mut seen = Vec::new();
        let deleted = client
            .delete_if(&url, |p: &Product| {
                seen.push(p.stock);
                if seen.len() == 1 {
                    // Someone else changes it between our read and our DELETE.
                    other_writer_adds(&url, 10);
                }
                true
            })
            .await
            .unwrap();
        assert!(deleted);
        assert_eq!(client.stats().precondition_failed, 1);
        // Nothing is held for a deleted resource, and it is gone.
        assert_eq!(client.tag(&url), None);
        let gone = client.get::<Product>(&url).await.unwrap_err();
        assert_eq!(gone.status(), Some(StatusCode::NOT_FOUND));
        // Deleting what is not there is a 404 at the read, and `f` is not called.
        let err = client
            .delete_if(&url, |_: &Product| -> bool {
                panic!("nothing to decide on")
            })
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        seen
    });
    // The second decision saw the other writer's change.
    assert_eq!(seen, [start_stock, start_stock + 10]);
    assert_eq!(s.get("/products/2", &[]).status, 404);
}

#[test]
fn delete_if_sends_nothing_when_the_version_that_won_the_race_is_declined() {
    let s = Server::start();
    let url = format!("http://{}/products/2", s.addr);
    let (_, start) = s.fetch("/products/2");
    let start_stock = start["stock"].as_i64().unwrap();
    let seen = run(async {
        let client = Client::new(awc::Client::default());
        let mut seen = Vec::new();
        // Delete only while the stock is what it was; another writer changes it first.
        let deleted = client
            .delete_if(&url, |p: &Product| {
                seen.push(p.stock);
                if seen.len() == 1 {
                    other_writer_adds(&url, 5);
                }
                p.stock == start_stock
            })
            .await
            .unwrap();
        assert!(!deleted);
        let stats = client.stats();
        // Read, DELETE (412), read again; no second DELETE.
        assert_eq!((stats.requests, stats.precondition_failed), (3, 1));
        seen
    });
    assert_eq!(seen, [start_stock, start_stock + 5]);
    let (_, end) = s.fetch("/products/2");
    assert_eq!(end["stock"].as_i64().unwrap(), start_stock + 5);
}

#[test]
fn a_delete_of_what_another_client_deleted_is_a_404_and_drops_the_entry() {
    let s = Server::start();
    let url = format!("http://{}/products/3", s.addr);
    run(async {
        let client = Client::new(awc::Client::default());
        let _: Product = client.get(&url).await.unwrap();
        let held = client.tag(&url).unwrap();
        let other = url.clone();
        std::thread::spawn(move || {
            run(async move {
                let other_client = Client::new(awc::Client::default());
                other_client.delete_if(&other, |_: &Product| true).await
            })
        })
        .join()
        .unwrap()
        .unwrap();
        let err = client
            .delete(&url, Precondition::IfMatch(held))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status);
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        assert_eq!(client.tag(&url), None);
    });
}

#[test]
fn delete_if_gives_up_after_the_configured_number_of_lost_races() {
    let s = Server::start();
    let url = format!("http://{}/products/3", s.addr);
    run(async {
        let client = Client::builder(awc::Client::default())
            .max_retries(1)
            .build();
        let err = client
            .delete_if(&url, |_: &Product| {
                other_writer_adds(&url, 1);
                true
            })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::LostRaces);
        assert_eq!(err.lost_races(), Some(2));
        assert_eq!(err.method(), "DELETE");
    });
    assert_eq!(s.get("/products/3", &[]).status, 200);
}

#[test]
fn a_single_delete_carries_the_condition_given() {
    let s = Server::start();
    let url = format!("http://{}/products/1", s.addr);
    run(async {
        let client = Client::new(awc::Client::default());
        let err = client
            .delete(&url, Precondition::Unconditional)
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::PRECONDITION_REQUIRED));
        assert_eq!(err.method(), "DELETE");

        let _: Product = client.get(&url).await.unwrap();
        let held = client.tag(&url).unwrap();
        other_writer_adds(&url, 1);
        // The held tag is stale now: 412, not retried, and the stale entry is dropped.
        let err = client
            .delete(&url, Precondition::IfMatch(held))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status);
        assert_eq!(err.status(), Some(StatusCode::PRECONDITION_FAILED));
        assert_eq!(client.tag(&url), None);
        assert_eq!(client.stats().precondition_failed, 1);

        let _: Product = client.get(&url).await.unwrap();
        let current = client.tag(&url).unwrap();
        client
            .delete(&url, Precondition::IfMatch(current))
            .await
            .unwrap();
        assert_eq!(client.tag(&url), None);
    });
    assert_eq!(s.get("/products/1", &[]).status, 404);
}

#[test]
fn a_404_and_a_428_come_back_as_errors_with_their_status_and_detail() {
    let s = Server::start();
    let missing = format!("http://{}/products/999", s.addr);
    let url = format!("http://{}/products/1", s.addr);
    let (tag, before) = s.fetch("/products/1");
    run(async {
        let client = Client::new(awc::Client::default());
        let err = client.get::<Product>(&missing).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status);
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        assert!(err.detail().is_some_and(|d| d.contains("999")), "{err:?}");
        assert_eq!(err.method(), "GET");

        // An update of what is not there fails at the read, before any write.
        let err = client
            .update::<Product, _, _>(&missing, |_| json!({ "stock": 1 }))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));

        // A write without a precondition: the service requires one.
        let err = client
            .write::<Product, _>(
                WriteMethod::Patch,
                &url,
                Precondition::Unconditional,
                &json!({ "stock": 0 }),
            )
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status);
        assert_eq!(err.status(), Some(StatusCode::PRECONDITION_REQUIRED));
        assert!(
            err.detail().is_some_and(|d| d.contains("If-Match")),
            "{err:?}"
        );
        assert_eq!(err.method(), "PATCH");

        // A stale tag in a single write: 412, not retried.
        let stale = EntityTag::strong("stale").unwrap();
        let err = client
            .write::<Product, _>(
                WriteMethod::Patch,
                &url,
                Precondition::IfMatch(stale),
                &json!({ "stock": 0 }),
            )
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(StatusCode::PRECONDITION_FAILED));
        assert_eq!(client.stats().precondition_failed, 1);
    });
    // Nothing changed.
    let (tag_after, after) = s.fetch("/products/1");
    assert_eq!((tag_after, after), (tag, before));
}

#[test]
fn the_lru_bound_holds_for_entries_and_for_bytes() {
    let s = Server::start();
    // Distinct URLs of the three products (the service ignores the query).
    let urls: Vec<String> = (0..12)
        .map(|i| format!("http://{}/products/{}?copy={i}", s.addr, 1 + i % 3))
        .collect();
    run(async {
        let client = Client::builder(awc::Client::default())
            .max_entries(4)
            .build();
        for (i, url) in urls.iter().enumerate() {
            let _: Product = client.get(url).await.unwrap();
            let stats = client.stats();
            assert_eq!(stats.entries, (i + 1).min(4));
            assert_eq!(stats.evictions, i.saturating_sub(3) as u64);
        }
        // The four most recent are held, the others were evicted oldest first.
        for (i, url) in urls.iter().enumerate() {
            assert_eq!(client.tag(url).is_some(), i >= 8, "{url}");
        }
        // A held one revalidates with a 304, an evicted one is fetched in full.
        let before = client.stats();
        let _: Product = client.get(&urls[11]).await.unwrap();
        let _: Product = client.get(&urls[0]).await.unwrap();
        let after = client.stats();
        assert_eq!(after.not_modified - before.not_modified, 1);
        assert_eq!(after.full - before.full, 1);
        assert_eq!(after.entries, 4);

        // By bytes: room for about two and a half entries.
        let one = after.bytes / after.entries;
        let limit = one * 5 / 2;
        let client = Client::builder(awc::Client::default())
            .max_bytes(limit)
            .build();
        for url in &urls {
            let _: Product = client.get(url).await.unwrap();
            let stats = client.stats();
            assert!(stats.bytes <= limit, "{stats:?} over {limit}");
            assert!(stats.entries <= 2, "{stats:?}");
        }
        let stats = client.stats();
        assert_eq!(stats.entries, 2);
        assert_eq!(stats.evictions, 10);
        assert!(client.tag(&urls[11]).is_some() && client.tag(&urls[10]).is_some());

        // Bodies over the read limit are refused, not stored.
        let client = Client::builder(awc::Client::default())
            .max_body_size(16)
            .build();
        let err = client.get::<Product>(&urls[0]).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BodyTooLarge);
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert_eq!(client.stats().entries, 0);
    });
}

/// A tiny service for headers the products service never sends; counts the `GET`s that
/// carried `If-None-Match` and the writes it received.
struct Tiny {
    base: String,
    handle: actix_web::dev::ServerHandle,
    conditional_gets: Arc<AtomicUsize>,
    writes: Arc<AtomicUsize>,
}

/// A `GET` answering `{ "n": n }` with the header fields given.
fn json_with(headers: &'static [(&'static str, &'static str)], n: u32) -> actix_web::Route {
    web::get().to(move || async move {
        let mut res = HttpResponse::Ok();
        for &field in headers {
            res.insert_header(field);
        }
        res.json(json!({ "n": n }))
    })
}

impl Tiny {
    fn start() -> Self {
        let conditional_gets = Arc::new(AtomicUsize::new(0));
        let writes = Arc::new(AtomicUsize::new(0));
        let (inm, w) = (Arc::clone(&conditional_gets), Arc::clone(&writes));
        let server = HttpServer::new(move || {
            let (inm, w) = (Arc::clone(&inm), Arc::clone(&w));
            App::new()
                .wrap_fn(move |req, srv| {
                    if req.method() == actix_web::http::Method::GET {
                        if req.headers().contains_key("if-none-match") {
                            inm.fetch_add(1, Ordering::SeqCst);
                        }
                    } else {
                        w.fetch_add(1, Ordering::SeqCst);
                    }
                    srv.call(req)
                })
                .route(
                    "/no-store",
                    json_with(&[("etag", "\"ns1\""), ("cache-control", "no-store")], 1),
                )
                .route(
                    "/vary-any",
                    json_with(&[("etag", "\"va1\""), ("vary", "*")], 2),
                )
                .route("/untagged", json_with(&[], 3))
                .route("/untagged", web::patch().to(HttpResponse::Ok))
                .route("/weak", json_with(&[("etag", "W/\"w1\"")], 4))
                .route("/moved", json_with(&[("etag", "\"m1\"")], 5))
                .route(
                    "/moved",
                    web::delete().to(|| async {
                        HttpResponse::MovedPermanently()
                            .insert_header(("location", "/elsewhere"))
                            .finish()
                    }),
                )
                .route("/elsewhere", json_with(&[("etag", "\"e1\"")], 6))
                .route(
                    "/not-json",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .insert_header(("etag", "\"nj1\""))
                            .body("not json")
                    }),
                )
        })
        .workers(1)
        .disable_signals()
        .bind("127.0.0.1:0")
        .unwrap();
        let base = format!("http://{}", server.addrs()[0]);
        let server = server.run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Tiny {
            base,
            handle,
            conditional_gets,
            writes,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

#[test]
fn a_no_store_response_is_not_kept_nor_a_vary_star_one() {
    run(async {
        let tiny = Tiny::start();
        let client = Client::new(awc::Client::default());
        for path in ["/no-store", "/vary-any"] {
            let url = tiny.url(path);
            for _ in 0..2 {
                let _: serde_json::Value = client.get(&url).await.unwrap();
            }
            assert_eq!(client.tag(&url), None, "{path}");
        }
        let stats = client.stats();
        assert_eq!((stats.full, stats.not_modified, stats.entries), (4, 0, 0));
        assert_eq!(stats.bytes, 0);
        // Nothing held, so nothing was revalidated.
        assert_eq!(tiny.conditional_gets.load(Ordering::SeqCst), 0);
        tiny.handle.stop(false).await;
    });
}

#[test]
fn a_representation_without_a_strong_tag_is_not_written_blind() {
    run(async {
        let tiny = Tiny::start();
        let client = Client::new(awc::Client::default());
        for path in ["/untagged", "/weak"] {
            let err = client
                .update::<serde_json::Value, _, _>(&tiny.url(path), |_| json!({ "n": 0 }))
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unprotected, "{path}: {err}");
            assert_eq!(err.status(), None);
            let err = client
                .delete_if(&tiny.url(path), |_: &serde_json::Value| true)
                .await
                .unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Unprotected, "{path}: {err}");
        }
        assert_eq!(tiny.writes.load(Ordering::SeqCst), 0);
        // Untagged is not stored; weak is, and revalidates.
        assert_eq!(client.tag(&tiny.url("/untagged")), None);
        assert_eq!(
            client.tag(&tiny.url("/weak")),
            Some(EntityTag::weak("w1").unwrap())
        );
        tiny.handle.stop(false).await;
    });
}

#[test]
fn a_redirected_delete_is_no_deletion_and_drops_what_was_held() {
    run(async {
        let tiny = Tiny::start();
        // The awc client to give `Client` when a peer may redirect writes: awc would
        // otherwise follow the 301 with a GET of /elsewhere, whose 200 looks like success.
        let client = Client::new(awc::Client::builder().disable_redirects().finish());
        let url = tiny.url("/moved");
        let _: serde_json::Value = client.get(&url).await.unwrap();
        assert_eq!(client.tag(&url), Some(EntityTag::strong("m1").unwrap()));
        let err = client
            .delete_if(&url, |_: &serde_json::Value| true)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Status);
        assert_eq!(err.status(), Some(StatusCode::MOVED_PERMANENTLY));
        // RFC 9111 §4.4: a 3xx to an unsafe method invalidates what was held.
        assert_eq!(client.tag(&url), None);
        assert_eq!(tiny.writes.load(Ordering::SeqCst), 1);
        tiny.handle.stop(false).await;
    });
}

#[test]
fn an_undecodable_body_is_a_bad_body_error() {
    run(async {
        let tiny = Tiny::start();
        let client = Client::new(awc::Client::default());
        let err = client
            .get::<serde_json::Value>(&tiny.url("/not-json"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadBody);
        assert_eq!(err.status(), Some(StatusCode::OK));
        assert!(std::error::Error::source(&err).is_some());
        let err = client.get::<Product>(&tiny.url("/weak")).await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::BadBody);
        tiny.handle.stop(false).await;
    });
}
