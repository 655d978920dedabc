//! GET and HEAD over real HTTP: validators, 304s, 404s whatever the conditions, 405.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, SystemTime};

use etag_examples::db::Backend;
use support::Server;

const FIELDS: [&str; 7] = [
    "id",
    "name",
    "description",
    "price_cents",
    "stock",
    "version",
    "updated_at",
];

fn http_date(t: SystemTime) -> String {
    httpdate::fmt_http_date(t)
}

#[test]
fn get_one_has_strong_etag_last_modified_and_the_documented_json() {
    let s = Server::start();
    let res = s.get("/products/1", &[]);
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("application/json"));
    let etag = res.header("etag").unwrap();
    assert!(
        etag.starts_with('"') && etag.ends_with('"'),
        "strong: {etag}"
    );
    assert_eq!(etag.len(), 29, "27 base64url characters in quotes: {etag}");
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    assert_eq!(res.header("content-location"), Some("/products/1"));

    let body = res.json();
    let keys: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut expected = FIELDS.to_vec();
    expected.sort_unstable();
    let mut got = keys.clone();
    got.sort_unstable();
    assert_eq!(got, expected);
    assert_eq!(body["id"], 1);
    assert_eq!(body["version"], 1);

    // updated_at is RFC 3339 and Last-Modified is the same instant, in whole seconds.
    let updated = chrono::DateTime::parse_from_rfc3339(body["updated_at"].as_str().unwrap())
        .unwrap()
        .timestamp();
    let last_modified = httpdate::parse_http_date(res.header("last-modified").unwrap()).unwrap();
    let lm_secs = last_modified
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert_eq!(i64::try_from(lm_secs).unwrap(), updated);
}

#[test]
fn if_none_match_gets_304_without_body_but_with_validators() {
    let s = Server::start();
    let (etag, _) = s.fetch("/products/2");
    let res = s.get("/products/2", &[("If-None-Match", &etag)]);
    assert_eq!(res.status, 304);
    assert!(res.body.is_empty());
    assert_eq!(res.header("etag"), Some(etag.as_str()));
    assert!(res.has_header("last-modified"));
    assert_eq!(res.header("cache-control"), Some("no-cache"));
    assert!(!res.has_header("content-type"));

    // Weak comparison: W/ of the same opaque tag matches; so does a list member.
    let weak = format!("W/{etag}");
    assert_eq!(
        s.get("/products/2", &[("If-None-Match", &weak)]).status,
        304
    );
    let list = format!("\"nope\", {etag}");
    assert_eq!(
        s.get("/products/2", &[("If-None-Match", &list)]).status,
        304
    );
    assert_eq!(s.get("/products/2", &[("If-None-Match", "*")]).status, 304);
    // Another product's tag does not match.
    let (other, _) = s.fetch("/products/3");
    assert_eq!(
        s.get("/products/2", &[("If-None-Match", &other)]).status,
        200
    );
}

#[test]
fn if_modified_since_gets_304_when_not_older_than_the_change() {
    let s = Server::start();
    let res = s.get("/products/1", &[]);
    let lm = res.header("last-modified").unwrap().to_owned();
    assert_eq!(
        s.get("/products/1", &[("If-Modified-Since", &lm)]).status,
        304
    );

    let later = http_date(httpdate::parse_http_date(&lm).unwrap() + Duration::from_secs(3600));
    assert_eq!(
        s.get("/products/1", &[("If-Modified-Since", &later)])
            .status,
        304
    );

    let earlier = http_date(httpdate::parse_http_date(&lm).unwrap() - Duration::from_secs(1));
    let res = s.get("/products/1", &[("If-Modified-Since", &earlier)]);
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["id"], 1);

    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.2.2).
    let res = s.get(
        "/products/1",
        &[("If-None-Match", "\"other\""), ("If-Modified-Since", &lm)],
    );
    assert_eq!(res.status, 200);
    // An invalid date is ignored.
    assert_eq!(
        s.get("/products/1", &[("If-Modified-Since", "yesterday")])
            .status,
        200
    );
}

#[test]
fn a_malformed_if_none_match_on_get_is_ignored() {
    let s = Server::start();
    let res = s.get("/products/1", &[("If-None-Match", "unquoted")]);
    assert_eq!(res.status, 200);
}

#[test]
fn a_stale_if_match_on_get_is_412() {
    let s = Server::start();
    let res = s.get("/products/1", &[("If-Match", "\"stale\"")]);
    res.problem(412);
    let (etag, _) = s.fetch("/products/1");
    assert_eq!(s.get("/products/1", &[("If-Match", &etag)]).status, 200);
}

#[test]
fn head_is_get_without_the_body() {
    let s = Server::start();
    let get = s.get("/products/1", &[]);
    let head = s.send("HEAD", "/products/1", &[], b"");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("etag"), get.header("etag"));
    assert_eq!(head.header("last-modified"), get.header("last-modified"));
    assert_eq!(
        head.header("content-length"),
        Some(get.body.len().to_string().as_str())
    );

    let etag = get.header("etag").unwrap();
    let res = s.send("HEAD", "/products/1", &[("If-None-Match", etag)], b"");
    assert_eq!(res.status, 304);
    assert_eq!(res.header("etag"), Some(etag));

    assert_eq!(s.send("HEAD", "/products", &[], b"").status, 200);
    let missing = s.send("HEAD", "/products/99", &[], b"");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
}

#[test]
fn absent_products_are_404_whatever_the_conditional_headers() {
    let s = Server::start();
    let conditions: [&[(&str, &str)]; 6] = [
        &[],
        &[("If-None-Match", "*")],
        &[("If-None-Match", "\"x\"")],
        &[("If-Match", "*")],
        &[("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")],
        &[("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")],
    ];
    for headers in conditions {
        for path in [
            "/products/99",
            "/products/0",
            "/products/abc",
            "/products/-1",
        ] {
            let res = s.get(path, headers);
            let p = res.problem(404);
            assert!(
                p["detail"].as_str().unwrap().contains("no product"),
                "{path} {headers:?}: {p}"
            );
        }
    }
    s.get("/nothing/here", &[]).problem(404);
}

#[test]
fn the_list_is_tagged_as_a_collection() {
    let s = Server::start();
    let res = s.get("/products", &[]);
    assert_eq!(res.status, 200);
    let items = res.json();
    assert_eq!(items.as_array().unwrap().len(), 3);
    let etag = res.header("etag").unwrap().to_owned();
    assert!(!etag.starts_with("W/"));

    let again = s.get("/products", &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());

    // Any change to any product changes the collection's tag.
    let (one, _) = s.fetch("/products/1");
    let put = s.send_json(
        "PUT",
        "/products/1",
        &[("If-Match", &one)],
        &serde_json::json!({"name": "Cup", "description": "", "price_cents": 1, "stock": 1}),
    );
    assert_eq!(put.status, 200, "{}", put.text());
    let after = s.get("/products", &[("If-None-Match", &etag)]);
    assert_eq!(after.status, 200);
    assert_ne!(after.header("etag"), Some(etag.as_str()));
}

#[test]
fn other_methods_are_405_with_allow() {
    let s = Server::start();
    let res = s.send("DELETE", "/products", &[], b"");
    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, POST"));
    let res = s.send("POST", "/products/1", &[], b"");
    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD, PUT, PATCH, DELETE"));
}

#[test]
fn every_request_is_logged_once() {
    let s = Server::start();
    s.get("/products/1", &[]);
    s.get("/products/99", &[]);
    let log = s.log();
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(
        log[0].contains(r#""GET /products/1 HTTP/1.1" 200 "#),
        "{}",
        log[0]
    );
    assert!(
        log[1].contains(r#""GET /products/99 HTTP/1.1" 404 "#),
        "{}",
        log[1]
    );
}

#[test]
fn a_database_failure_is_a_500_whose_cause_is_logged_not_shown() {
    let s = Server::start();
    s.db().execute("ALTER TABLE products RENAME TO gone");
    let res = s.get("/products/1", &[]);
    let p = res.problem(500);
    assert!(!p["detail"].as_str().unwrap().contains("products"), "{p}");
    assert!(!res.has_header("retry-after"), "not an outage");
    let log = s.log();
    let line = log.last().unwrap();
    assert!(
        line.contains(r#""GET /products/1 HTTP/1.1" 500 "#),
        "{line}"
    );
    let cause = match s.backend() {
        Backend::Sqlite => "error: database error: no such table: products",
        Backend::Postgres => r#"error: database error: relation "products" does not exist"#,
    };
    assert!(line.contains(cause), "{line}");
}

/// An outage (here: the store's pool closed under the running service) is a 503 with
/// Retry-After for reads and writes alike, problem+json, its cause in the log only.
#[test]
fn an_unavailable_database_is_a_503_with_retry_after() {
    let s = Server::start();
    let (etag, _) = s.fetch("/products/1");
    s.close_store();
    let patch = s.send_json(
        "PATCH",
        "/products/1",
        &[
            ("If-Match", &etag),
            ("Content-Type", "application/merge-patch+json"),
        ],
        &serde_json::json!({"stock": 1}),
    );
    for res in [s.get("/products/1", &[]), s.get("/products", &[]), patch] {
        let p = res.problem(503);
        assert_eq!(res.header("retry-after"), Some("2"), "{p}");
        assert_eq!(res.header("cache-control"), Some("no-store"), "{p}");
        assert!(!p["detail"].as_str().unwrap().contains("pool"), "{p}");
    }
    let log = s.log();
    for request in ["PATCH /products/1", "GET /products/1", "GET /products"] {
        let needle = format!(r#""{request} HTTP/1.1" 503 "#);
        let line = log.iter().find(|l| l.contains(&needle)).unwrap();
        assert!(line.contains("error: database unavailable"), "{line}");
    }
}
