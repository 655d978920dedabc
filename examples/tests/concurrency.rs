//! The lost-update bar, over real HTTP against a real database (SQLite, or PostgreSQL with
//! `PRODUCTS_TEST_POSTGRES`): 16 clients x 50
//! read-modify-write increments with If-Match, retrying on 412, lose nothing; the same
//! clients without If-Match get 428 and change nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::net::SocketAddr;
use std::sync::{Arc, Barrier};

use serde_json::json;
use support::{Server, send};

const CLIENTS: usize = 16;
const INCREMENTS: usize = 50;
/// A bound on the retries of one increment, so a broken server fails the test instead of
/// hanging it. A client can lose at most once per other client's successful write.
const MAX_TRIES: usize = CLIENTS * INCREMENTS;

/// One read-modify-write increment of product 1's stock; returns how many 412s it took.
/// Even clients replace the whole product (PUT), odd ones send a merge patch (PATCH).
fn increment(addr: SocketAddr, client: usize, first: Option<&Barrier>) -> usize {
    let mut refused = 0;
    let mut first = first;
    for _ in 0..MAX_TRIES {
        let res = send(addr, "GET", "/products/1", &[], b"");
        assert_eq!(res.status, 200);
        let etag = res.header("etag").unwrap().to_owned();
        let mut product = res.json();
        let stock = product["stock"].as_i64().unwrap();
        if let Some(barrier) = first.take() {
            // Every client has read the same version before anyone writes.
            barrier.wait();
        }
        let res = if client.is_multiple_of(2) {
            let doc = product.as_object_mut().unwrap();
            for read_only in ["id", "version", "updated_at"] {
                doc.remove(read_only);
            }
            doc.insert("stock".into(), json!(stock + 1));
            let body = product.to_string();
            send(
                addr,
                "PUT",
                "/products/1",
                &[("If-Match", &etag), ("Content-Type", "application/json")],
                body.as_bytes(),
            )
        } else {
            let body = json!({ "stock": stock + 1 }).to_string();
            send(
                addr,
                "PATCH",
                "/products/1",
                &[
                    ("If-Match", &etag),
                    ("Content-Type", "application/merge-patch+json"),
                ],
                body.as_bytes(),
            )
        };
        match res.status {
            200 => {
                assert_ne!(res.header("etag"), Some(etag.as_str()));
                return refused;
            }
            412 => refused += 1,
            other => panic!("unexpected {other}: {}", res.text()),
        }
    }
    panic!("client {client} could not increment in {MAX_TRIES} tries");
}

#[test]
fn sixteen_clients_with_if_match_lose_no_update() {
    let s = Server::start();
    let (_, start) = s.fetch("/products/1");
    let start_stock = start["stock"].as_i64().unwrap();
    let start_version = start["version"].as_i64().unwrap();

    let barrier = Arc::new(Barrier::new(CLIENTS));
    let addr = s.addr;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                let mut refused = increment(addr, client, Some(&barrier));
                for _ in 1..INCREMENTS {
                    refused += increment(addr, client, None);
                }
                refused
            })
        })
        .collect();
    let refused: usize = clients.into_iter().map(|c| c.join().unwrap()).sum();

    let (_, end) = s.fetch("/products/1");
    let total = i64::try_from(CLIENTS * INCREMENTS).unwrap();
    assert_eq!(end["stock"].as_i64().unwrap(), start_stock + total);
    assert_eq!(end["version"].as_i64().unwrap(), start_version + total);

    // All 16 clients wrote against the same version first: 15 of them lost at least once.
    assert!(refused >= CLIENTS - 1, "only {refused} refusals");
    // The server's log shows every 412 that prevented a lost update, and every success.
    let log = s.log();
    let count = |needle: &str| log.iter().filter(|l| l.contains(needle)).count();
    let logged_412 =
        count(r#""PUT /products/1 HTTP/1.1" 412 "#) + count(r#""PATCH /products/1 HTTP/1.1" 412 "#);
    let logged_200 =
        count(r#""PUT /products/1 HTTP/1.1" 200 "#) + count(r#""PATCH /products/1 HTTP/1.1" 200 "#);
    assert_eq!(logged_412, refused);
    assert_eq!(logged_200, CLIENTS * INCREMENTS);
    eprintln!(
        "{} increments by {CLIENTS} clients: {refused} writes refused with 412 and retried",
        CLIENTS * INCREMENTS
    );
}

#[test]
fn the_same_clients_without_if_match_get_428_and_change_nothing() {
    let s = Server::start();
    let before = s.fetch("/products/1");
    let addr = s.addr;
    let clients: Vec<_> = (0..CLIENTS)
        .map(|client| {
            std::thread::spawn(move || {
                for _ in 0..INCREMENTS {
                    let res = send(addr, "GET", "/products/1", &[], b"");
                    let stock = res.json()["stock"].as_i64().unwrap();
                    let (method, content_type, body) = if client.is_multiple_of(2) {
                        let mut doc = res.json();
                        let doc = doc.as_object_mut().unwrap();
                        for read_only in ["id", "version", "updated_at"] {
                            doc.remove(read_only);
                        }
                        doc.insert("stock".into(), json!(stock + 1));
                        (
                            "PUT",
                            "application/json",
                            serde_json::Value::from(doc.clone()),
                        )
                    } else {
                        (
                            "PATCH",
                            "application/merge-patch+json",
                            json!({"stock": stock + 1}),
                        )
                    };
                    let res = send(
                        addr,
                        method,
                        "/products/1",
                        &[("Content-Type", content_type)],
                        body.to_string().as_bytes(),
                    );
                    assert_eq!(res.status, 428, "{}", res.text());
                }
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    assert_eq!(s.fetch("/products/1"), before);
    let log = s.log();
    let refused = log
        .iter()
        .filter(|l| l.contains(r#"/products/1 HTTP/1.1" 428 "#))
        .count();
    assert_eq!(refused, CLIENTS * INCREMENTS);
}
