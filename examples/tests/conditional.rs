//! The products service's conditional requests over real HTTP, with the store's counters:
//! a 304 runs one validator lookup and reads no product row; and writes racing each other
//! (each race repeated on fresh products) have exactly one winner, the others refused with
//! 412 (or 404 once the product is deleted), nothing half-done. SQLite by default,
//! PostgreSQL with `PRODUCTS_TEST_POSTGRES`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

use etag_examples::db::DbStats;
use serde_json::json;
use support::{Response, Server, send};

/// How many times each race is run.
const ROUNDS: usize = 12;

fn stats_of(s: &Server, f: impl FnOnce()) -> DbStats {
    let before = s.stats();
    f();
    s.stats().since(before)
}

#[test]
fn a_304_runs_one_validator_lookup_and_reads_no_row() {
    let s = Server::start();
    for path in ["/products/1", "/products"] {
        let (etag, _) = s.fetch(path);
        let full = s.get(path, &[]);
        let last_modified = full.header("last-modified").unwrap().to_owned();
        for method in ["GET", "HEAD"] {
            for (name, value) in [
                ("If-None-Match", &etag),
                ("If-Modified-Since", &last_modified),
            ] {
                let mut res = None;
                let read = stats_of(&s, || {
                    res = Some(s.send(method, path, &[(name, value)], b""));
                });
                let res = res.unwrap();
                assert_eq!(res.status, 304, "{method} {path} {name}");
                assert_eq!(res.header("etag"), Some(etag.as_str()));
                assert_eq!(
                    read.product_rows_read, 0,
                    "{method} {path} {name}: {read:?}"
                );
                let lookups = read.product_version_lookups + read.catalog_version_lookups;
                assert_eq!(lookups, 1, "{method} {path} {name}: {read:?}");
            }
        }
        // The 200 reads the rows, once.
        let read = stats_of(&s, || assert_eq!(s.get(path, &[]).status, 200));
        let rows = if path == "/products" { 3 } else { 1 };
        assert_eq!(read.product_rows_read, rows, "{path}: {read:?}");
    }
    // A 404 reads no row either.
    let read = stats_of(&s, || {
        s.get("/products/99", &[("If-None-Match", "*")])
            .problem(404);
    });
    assert_eq!(
        (read.product_version_lookups, read.product_rows_read),
        (1, 0)
    );
}

/// The 304 of the list carries what its 200 carries (RFC 9110 §15.4.5), declared once.
#[test]
fn early_304s_carry_the_headers_of_their_200() {
    let s = Server::start();
    for path in ["/products/1", "/products"] {
        let full = s.get(path, &[]);
        let etag = full.header("etag").unwrap();
        let res = s.get(path, &[("If-None-Match", etag)]);
        assert_eq!(res.status, 304);
        for name in ["etag", "cache-control", "content-location", "vary"] {
            assert_eq!(res.header(name), full.header(name), "{path} {name}");
        }
        assert!(res.body.is_empty());
        assert_eq!(res.header("content-type"), None);
    }
}

/// A fresh product for one round of a race; returns its path and tag.
fn fresh(s: &Server, name: &str) -> (String, String) {
    let res = s.send_json(
        "POST",
        "/products",
        &[],
        &json!({"name": name, "description": "", "price_cents": 100, "stock": 1}),
    );
    assert_eq!(res.status, 201, "{}", res.text());
    let path = res.header("location").unwrap().to_owned();
    (path, res.header("etag").unwrap().to_owned())
}

/// Runs the requests at once (each thread waits for the others first).
fn race(s: &Server, requests: Vec<Request>) -> Vec<Response> {
    let barrier = Arc::new(Barrier::new(requests.len()));
    let threads: Vec<_> = requests
        .into_iter()
        .map(|r| {
            let barrier = Arc::clone(&barrier);
            let addr = s.addr;
            std::thread::spawn(move || {
                let headers: Vec<(&str, &str)> =
                    r.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
                barrier.wait();
                send(addr, r.method, &r.path, &headers, r.body.as_bytes())
            })
        })
        .collect();
    threads.into_iter().map(|t| t.join().unwrap()).collect()
}

struct Request {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: String,
}

fn put(path: &str, condition: (&'static str, String), name: &str) -> Request {
    Request {
        method: "PUT",
        path: path.to_owned(),
        headers: vec![condition, ("Content-Type", "application/json".to_owned())],
        body: json!({"name": name, "description": "", "price_cents": 100, "stock": 1}).to_string(),
    }
}

fn patch(path: &str, condition: (&'static str, String), stock: i64) -> Request {
    Request {
        method: "PATCH",
        path: path.to_owned(),
        headers: vec![
            condition,
            ("Content-Type", "application/merge-patch+json".to_owned()),
        ],
        body: json!({ "stock": stock }).to_string(),
    }
}

fn delete(path: &str, condition: (&'static str, String)) -> Request {
    Request {
        method: "DELETE",
        path: path.to_owned(),
        headers: vec![condition],
        body: String::new(),
    }
}

fn statuses(responses: &[Response]) -> Vec<u16> {
    responses.iter().map(|r| r.status).collect()
}

#[test]
fn delete_racing_put_has_one_winner() {
    let s = Server::start();
    for round in 0..ROUNDS {
        let (path, tag) = fresh(&s, "Racer");
        let res = race(
            &s,
            vec![
                delete(&path, ("If-Match", tag.clone())),
                put(&path, ("If-Match", tag.clone()), "Renamed"),
            ],
        );
        let (del, put) = (&res[0], &res[1]);
        let after = s.get(&path, &[]);
        match (del.status, put.status) {
            // The delete won: the put lost its race and found the product gone.
            (204, 404) => {
                after.problem(404);
            }
            // The put won: the delete's tag is stale now.
            (412, 200) => {
                del.problem(412);
                assert_eq!(after.json()["name"], "Renamed");
                assert_eq!(after.json()["version"], 2);
                assert_eq!(after.header("etag"), put.header("etag"));
            }
            other => panic!("round {round}: {other:?}: {}", put.text()),
        }
    }
}

#[test]
fn two_create_only_puts_of_one_id_have_one_winner() {
    let s = Server::start();
    for round in 0..ROUNDS {
        let path = format!("/products/{}", 1000 + round);
        let res = race(
            &s,
            vec![
                put(&path, ("If-None-Match", "*".to_owned()), "First"),
                put(&path, ("If-None-Match", "*".to_owned()), "Second"),
            ],
        );
        let mut codes = statuses(&res);
        codes.sort_unstable();
        assert_eq!(codes, [201, 412], "round {round}");
        let winner = res.iter().find(|r| r.status == 201).unwrap();
        let loser = res.iter().find(|r| r.status == 412).unwrap();
        loser.problem(412);
        let after = s.get(&path, &[]);
        assert_eq!(after.json()["version"], 1);
        assert_eq!(after.json()["name"], winner.json()["name"]);
        // The loser's 412 tells the tag the product now has.
        assert_eq!(loser.header("etag"), after.header("etag"));
    }
}

/// Both writers checked "unmodified since" a date before any write: the second to land
/// finds the product modified after it.
#[test]
fn if_unmodified_since_writes_racing_have_one_winner() {
    let s = Server::start();
    let products: Vec<_> = (0..ROUNDS).map(|_| fresh(&s, "Dated").0).collect();
    // A modification time is a validator only once its second has passed.
    std::thread::sleep(Duration::from_millis(1100));
    for (round, path) in products.iter().enumerate() {
        // After the products were created, before the writes.
        let since = httpdate::fmt_http_date(SystemTime::now() - Duration::from_millis(100));
        let res = race(
            &s,
            vec![
                patch(path, ("If-Unmodified-Since", since.clone()), 10),
                patch(path, ("If-Unmodified-Since", since.clone()), 20),
            ],
        );
        let mut codes = statuses(&res);
        codes.sort_unstable();
        assert_eq!(codes, [200, 412], "round {round}: {}", res[0].text());
        let winner = res.iter().find(|r| r.status == 200).unwrap();
        let after = s.get(path, &[]);
        assert_eq!(after.json()["version"], 2);
        assert_eq!(after.json()["stock"], winner.json()["stock"]);
    }
}

#[test]
fn if_match_star_racing_a_delete_has_one_winner() {
    let s = Server::start();
    for round in 0..ROUNDS {
        let (path, tag) = fresh(&s, "Starred");
        let res = race(
            &s,
            vec![
                patch(&path, ("If-Match", "*".to_owned()), 7),
                delete(&path, ("If-Match", tag.clone())),
            ],
        );
        let (star, del) = (&res[0], &res[1]);
        let after = s.get(&path, &[]);
        match (star.status, del.status) {
            // The patch won; the delete's tag is stale.
            (200, 412) => {
                assert_eq!(after.json()["stock"], 7);
                assert_eq!(after.json()["version"], 2);
            }
            // The delete won; the patch found nothing to patch.
            (404, 204) => {
                star.problem(404);
                after.problem(404);
            }
            other => panic!("round {round}: {other:?}"),
        }
    }
}

/// `Date` is never older than the representation: right after a write, the write's own
/// response and the next read carry a `Date` no earlier than the product's `updated_at`
/// (actix-web's own `Date` lags by up to 500 ms, so it often was a second earlier).
#[test]
fn a_response_right_after_a_write_is_not_dated_before_the_write() {
    let s = Server::start();
    let second_of = |date: &str| {
        let time = httpdate::parse_http_date(date).unwrap();
        time.duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let updated_second = |doc: &serde_json::Value| {
        let at = chrono::DateTime::parse_from_rfc3339(doc["updated_at"].as_str().unwrap()).unwrap();
        u64::try_from(at.timestamp()).unwrap()
    };
    for stock in 0..20 {
        let written = s.set_stock("/products/1", stock);
        let doc = written.json();
        assert!(
            second_of(written.header("date").unwrap()) >= updated_second(&doc),
            "the write's response: {:?} before {}",
            written.header("date"),
            doc["updated_at"]
        );
        for path in ["/products/1", "/products"] {
            let read = s.get(path, &[]);
            assert!(
                second_of(read.header("date").unwrap()) >= updated_second(&doc),
                "{path}: {:?} before {}",
                read.header("date"),
                doc["updated_at"]
            );
        }
    }
}
