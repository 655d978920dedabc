//! Preconditions beyond the basics of `write.rs`: `POST` is evaluated against the
//! collection, a write to an absent product is `404` whatever its preconditions (RFC 9110
//! §13.2.1), `428` needs a precondition that protects the write, and a modification date
//! is used as a validator only once its second is over (RFC 9110 §8.8.2.2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use support::{HandClock, Response, Server};

const MERGE: (&str, &str) = ("Content-Type", "application/merge-patch+json");
const LONG_AGO: &str = "Sun, 06 Nov 1994 08:49:37 GMT";

fn widget() -> Value {
    json!({"name": "Widget", "description": "", "price_cents": 100, "stock": 1})
}

fn date_of(res: &Response, name: &str) -> Option<SystemTime> {
    res.header(name)
        .map(|v| httpdate::parse_http_date(v).unwrap())
}

#[test]
fn post_evaluates_its_preconditions_against_the_collection() {
    let s = Server::start();
    let list = s.get("/products", &[]);
    let list_tag = list.header("etag").unwrap().to_owned();
    let list_lm = list.header("last-modified").unwrap().to_owned();

    let refused: [(&str, &str, u16); 4] = [
        ("If-Match", "\"stale\"", 412),
        ("If-Match", "unquoted", 400),
        // The collection exists, so "only if it does not exist" is false.
        ("If-None-Match", "*", 412),
        ("If-Unmodified-Since", LONG_AGO, 412),
    ];
    for (name, value, status) in refused {
        let res = s.send_json("POST", "/products", &[(name, value)], &widget());
        let p = res.problem(status);
        if status == 400 {
            assert!(p["detail"].as_str().unwrap().contains("If-Match"), "{p}");
        }
        if name == "If-Match" && status == 412 {
            // The 412 tells the client the collection's current tag.
            assert_eq!(res.header("etag"), Some(list_tag.as_str()));
        }
    }
    assert_eq!(s.fetch("/products").0, list_tag, "nothing was created");
    assert_eq!(s.fetch("/products").1.as_array().unwrap().len(), 3);

    // Preconditions that hold: each POST creates, and changes the collection's tag.
    let res = s.send_json(
        "POST",
        "/products",
        &[("If-Unmodified-Since", &list_lm)],
        &widget(),
    );
    assert_eq!(res.status, 201, "{}", res.text());
    let res = s.send_json("POST", "/products", &[("If-Match", &list_tag)], &widget());
    res.problem(412);
    let (tag, _) = s.fetch("/products");
    let res = s.send_json("POST", "/products", &[("If-Match", &tag)], &widget());
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("location"), Some("/products/5"));
    let res = s.send_json("POST", "/products", &[("If-Match", "*")], &widget());
    assert_eq!(res.status, 201, "{}", res.text());
    let res = s.send_json(
        "POST",
        "/products",
        &[("If-None-Match", "\"no-such-list\"")],
        &widget(),
    );
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(s.fetch("/products").1.as_array().unwrap().len(), 7);
}

#[test]
fn the_list_has_the_collections_last_modified() {
    let s = Server::start();
    let list = s.get("/products", &[]);
    let lm = list.header("last-modified").unwrap().to_owned();
    // The seeded products were all written at the same time: the list's date is theirs.
    let one = s.get("/products/1", &[]);
    assert_eq!(one.header("last-modified"), Some(lm.as_str()));
    let res = s.get("/products", &[("If-Modified-Since", &lm)]);
    assert_eq!(res.status, 304);
    assert_eq!(res.header("last-modified"), Some(lm.as_str()));
    // A deletion changes the collection: no 304 for its old date any more.
    let (etag, _) = s.fetch("/products/3");
    let res = s.send("DELETE", "/products/3", &[("If-Match", &etag)], b"");
    assert_eq!(res.status, 204, "{}", res.text());
    let res = s.get("/products", &[("If-Modified-Since", &lm)]);
    assert_eq!(res.status, 200);
    assert_eq!(res.json().as_array().unwrap().len(), 2);
}

#[test]
fn writes_to_an_absent_product_are_404_whatever_the_preconditions() {
    let s = Server::start();
    let conditions: [&[(&str, &str)]; 7] = [
        &[],
        &[("If-Match", "\"x\"")],
        &[("If-Match", "*")],
        &[("If-Unmodified-Since", LONG_AGO)],
        &[("If-Unmodified-Since", "whenever")],
        &[("If-None-Match", "\"x\"")],
        &[("If-Match", "\"x\""), ("If-Unmodified-Since", LONG_AGO)],
    ];
    for headers in conditions {
        let res = s.send_json("PUT", "/products/999", headers, &widget());
        res.problem(404);
        let mut patch = headers.to_vec();
        patch.push(MERGE);
        let res = s.send_json("PATCH", "/products/999", &patch, &json!({"stock": 2}));
        res.problem(404);
        let res = s.send("DELETE", "/products/999", headers, b"");
        let p = res.problem(404);
        assert!(
            p["detail"].as_str().unwrap().contains("no product"),
            "{headers:?}: {p}"
        );
    }
    // `If-None-Match: *` makes PUT a creation, never DELETE.
    s.send("DELETE", "/products/999", &[("If-None-Match", "*")], b"")
        .problem(404);
    s.get("/products/999", &[]).problem(404);
    // A malformed If-Match is a bad request whatever the target.
    s.send("DELETE", "/products/999", &[("If-Match", "unquoted")], b"")
        .problem(400);
}

#[test]
fn a_write_to_an_existing_product_needs_a_precondition_that_protects_it() {
    let s = Server::start();
    let before = s.fetch("/products/1");
    // None of these says which state the client expects.
    let unprotected: [&[(&str, &str)]; 4] = [
        &[],
        &[("If-None-Match", "\"x\"")],
        &[("If-Modified-Since", LONG_AGO)],
        // An invalid date is ignored, so it protects nothing either.
        &[("If-Unmodified-Since", "whenever")],
    ];
    for headers in unprotected {
        let res = s.send_json("PUT", "/products/1", headers, &widget());
        let p = res.problem(428);
        assert_eq!(res.header("cache-control"), Some("no-store"));
        assert!(p["detail"].as_str().unwrap().contains("If-Match"), "{p}");
        let mut patch = headers.to_vec();
        patch.push(MERGE);
        s.send_json("PATCH", "/products/1", &patch, &json!({"stock": 2}))
            .problem(428);
        s.send("DELETE", "/products/1", headers, b"").problem(428);
    }
    assert_eq!(s.fetch("/products/1"), before);
}

/// RFC 9110 §8.8.2.2: a modification date is a strong validator only once its second is
/// over; before that, another change in the same second would carry the same date. So a
/// `Last-Modified` the service sends always lies at least one second before the moment the
/// response was received.
#[test]
fn last_modified_is_sent_only_once_its_second_is_over() {
    let s = Server::start();
    let over = |res: &Response| {
        let received = SystemTime::now();
        if let Some(lm) = date_of(res, "last-modified") {
            assert!(lm + Duration::from_secs(1) <= received, "{res:?}");
        }
    };
    for stock in 0..20_i64 {
        let res = s.set_stock("/products/1", stock);
        over(&res);
        let res = s.get("/products/1", &[]);
        over(&res);
        let etag = res.header("etag").unwrap().to_owned();
        let res = s.get("/products/1", &[("If-None-Match", &etag)]);
        assert_eq!(res.status, 304);
        over(&res);
        over(&s.get("/products", &[]));
    }
}

/// The whole second `t` falls on, as an HTTP date (which has whole seconds).
fn second_of(t: SystemTime) -> String {
    httpdate::fmt_http_date(t)
}

/// A hand-moved clock for the service, and the instant `300 ms` into the whole second
/// `round` seconds (and a few seconds more) after the seeded products' dates: a round's
/// requests all fall within that one second, whatever the real clock does.
fn hand_clock() -> (HandClock, impl Fn(u64) -> SystemTime) {
    let base = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 10;
    let at = move |round: u64| {
        SystemTime::UNIX_EPOCH + Duration::from_secs(base + 2 * round) + Duration::from_millis(300)
    };
    (HandClock::at(at(0)), at)
}

/// A client whose copy dates from the second of a change has not seen the change: while
/// that second lasts, `If-Modified-Since` naming it gets the new representation. Once the
/// second is over, the same date is a strong validator and gets `304`. (The service runs
/// on a clock the test holds, so every round falls within its second.)
#[test]
fn if_modified_since_in_the_second_of_a_change_is_not_304() {
    let (clock, at) = hand_clock();
    let s = Server::start_with_clock(clock.clock());
    for stock in 0..10_i64 {
        let round = u64::try_from(stock).unwrap() + 1;
        clock.set(at(round));
        let since = second_of(clock.now());
        s.set_stock("/products/1", stock);
        clock.set(at(round) + Duration::from_millis(600));
        let one = s.get("/products/1", &[("If-Modified-Since", &since)]);
        let list = s.get("/products", &[("If-Modified-Since", &since)]);
        assert_eq!(
            one.status, 200,
            "a 304 would confirm a copy older than the change"
        );
        assert_eq!(one.json()["stock"], stock);
        assert_eq!(list.status, 200);
        // The second is over: the change's date now validates (and the reads touched
        // nothing).
        clock.set(at(round) + Duration::from_millis(1_000));
        assert_eq!(
            s.get("/products/1", &[("If-Modified-Since", &since)])
                .status,
            304
        );
        assert_eq!(
            s.get("/products", &[("If-Modified-Since", &since)]).status,
            304
        );
    }
}

/// The lost update `If-Unmodified-Since` must prevent: client A's copy dates from second
/// `t`, client B wrote in that same second, and A's write "unless modified since `t`",
/// made while `t` lasts, must fail. (On the held clock, as above.)
#[test]
fn if_unmodified_since_in_the_second_of_a_change_is_412() {
    let (clock, at) = hand_clock();
    let s = Server::start_with_clock(clock.clock());
    for round in 0..10_i64 {
        let second = u64::try_from(round).unwrap() + 1;
        clock.set(at(second));
        let since = second_of(clock.now());
        s.set_stock("/products/2", round);
        let after_b = s.fetch("/products/2");
        let list_after_b = s.fetch("/products");
        clock.set(at(second) + Duration::from_millis(699));
        let if_unmodified = [("If-Unmodified-Since", since.as_str())];
        let put = s.send_json("PUT", "/products/2", &if_unmodified, &widget());
        let post = s.send_json("POST", "/products", &if_unmodified, &widget());
        put.problem(412);
        post.problem(412);
        assert_eq!(s.fetch("/products/2"), after_b, "A's write was refused");
        assert_eq!(s.fetch("/products"), list_after_b, "nothing was created");
    }
}
