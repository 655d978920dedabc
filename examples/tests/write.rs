//! POST, PUT, PATCH and DELETE over real HTTP: 201/200/204, 400/415/422 with nothing
//! written, and the preconditions (428, 412, If-None-Match: * creation).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::{Value, json};
use support::{Response, Server};

const MERGE: (&str, &str) = ("Content-Type", "application/merge-patch+json");

fn widget() -> Value {
    json!({"name": "Widget", "description": "A fine widget.", "price_cents": 1299, "stock": 7})
}

/// Asserts that product `id` is exactly as `before` (same tag, same body).
fn unchanged(s: &Server, id: u32, before: &(String, Value)) {
    assert_eq!(
        &s.fetch(&format!("/products/{id}")),
        before,
        "product {id} changed"
    );
}

fn assert_written(res: &Response, status: u16) -> (String, Value) {
    assert_eq!(res.status, status, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/json"));
    let etag = res
        .header("etag")
        .expect("a write answers with the new ETag")
        .to_owned();
    // The date of a change just made is no validator yet (RFC 9110 §8.8.2.2): Last-Modified
    // comes only once its second is over (`preconditions.rs` checks that rule).
    if let Some(lm) = res.header("last-modified") {
        let lm = httpdate::parse_http_date(lm).unwrap();
        assert!(lm + std::time::Duration::from_secs(1) <= std::time::SystemTime::now());
    }
    (etag, res.json())
}

#[test]
fn post_creates_with_201_location_and_etag() {
    let s = Server::start();
    let res = s.send_json("POST", "/products", &[], &widget());
    let (etag, body) = assert_written(&res, 201);
    assert_eq!(res.header("location"), Some("/products/4"));
    assert_eq!(body["id"], 4);
    assert_eq!(body["version"], 1);
    assert_eq!(body["name"], "Widget");
    // The created resource is what GET shows, under the same tag.
    assert_eq!(s.fetch("/products/4"), (etag, body));
}

#[test]
fn bad_bodies_are_refused_and_nothing_is_written() {
    let s = Server::start();
    let (etag, _) = s.fetch("/products/1");
    let before = s.fetch("/products/1");
    let list_before = s.fetch("/products");
    let if_match = [("If-Match", etag.as_str())];

    let cases: [(&str, u16, &str); 12] = [
        ("{\"name\": ", 400, "not valid JSON"),
        ("", 400, "not valid JSON"),
        ("[1, 2]", 422, "JSON object"),
        (
            r#"{"name":"A","description":"","price_cents":1,"stock":1,"colour":"red"}"#,
            422,
            "unknown field `colour`",
        ),
        (
            r#"{"name":"A","description":"","price_cents":1,"stock":1,"version":9}"#,
            422,
            "unknown field `version`",
        ),
        (
            r#"{"name":"A","description":"","price_cents":-1,"stock":1}"#,
            422,
            "`price_cents` must not be negative",
        ),
        (
            r#"{"name":"A","description":"","price_cents":1,"stock":-5}"#,
            422,
            "`stock` must not be negative",
        ),
        (
            r#"{"name":"A","description":"","price_cents":1}"#,
            422,
            "missing field `stock`",
        ),
        (
            r#"{"name":"A","description":"","price_cents":"1","stock":1}"#,
            422,
            "invalid type",
        ),
        (
            r#"{"name":"  ","description":"","price_cents":1,"stock":1}"#,
            422,
            "`name` must not be empty",
        ),
        (
            r#"{"name":"A","description":"","price_cents":1.5,"stock":1}"#,
            422,
            "invalid type",
        ),
        (
            r#"{"name":"A","description":"","price_cents":99999999999999999999,"stock":1}"#,
            422,
            "",
        ),
    ];
    for (body, status, needle) in cases {
        for (method, path, headers) in [
            ("POST", "/products", &[][..]),
            ("PUT", "/products/1", &if_match[..]),
        ] {
            let mut all = headers.to_vec();
            all.push(("Content-Type", "application/json"));
            let res = s.send(method, path, &all, body.as_bytes());
            let p = res.problem(status);
            assert!(
                p["detail"].as_str().unwrap().contains(needle),
                "{method} {body}: {p}"
            );
        }
    }
    // Both broken rules are named at once.
    let res = s.send_json(
        "POST",
        "/products",
        &[],
        &json!({"name": "A", "description": "", "price_cents": -1, "stock": -1}),
    );
    let p = res.problem(422);
    assert_eq!(p["errors"].as_array().unwrap().len(), 2, "{p}");

    // Wrong media type: 415.
    let res = s.send(
        "POST",
        "/products",
        &[("Content-Type", "text/plain")],
        widget().to_string().as_bytes(),
    );
    res.problem(415);
    let res = s.send("POST", "/products", &[], widget().to_string().as_bytes());
    res.problem(415);
    let res = s.send_json(
        "PUT",
        "/products/1",
        &[("If-Match", &etag), MERGE],
        &widget(),
    );
    res.problem(415);

    unchanged(&s, 1, &before);
    assert_eq!(s.fetch("/products"), list_before);
}

#[test]
fn put_without_a_precondition_is_428_and_changes_nothing() {
    let s = Server::start();
    let before = s.fetch("/products/1");
    let res = s.send_json("PUT", "/products/1", &[], &widget());
    let p = res.problem(428);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    assert!(p["detail"].as_str().unwrap().contains("If-Match"), "{p}");
    unchanged(&s, 1, &before);
}

#[test]
fn put_with_a_stale_tag_is_412_and_changes_nothing() {
    let s = Server::start();
    let before = s.fetch("/products/1");
    let res = s.send_json(
        "PUT",
        "/products/1",
        &[("If-Match", "\"stale\"")],
        &widget(),
    );
    res.problem(412);
    // The 412 tells the client the current tag.
    assert_eq!(res.header("etag"), Some(before.0.as_str()));
    // A weak tag never matches If-Match (strong comparison).
    let weak = format!("W/{}", before.0);
    s.send_json("PUT", "/products/1", &[("If-Match", &weak)], &widget())
        .problem(412);
    unchanged(&s, 1, &before);
}

#[test]
fn put_with_the_current_tag_replaces_and_answers_the_new_tag() {
    let s = Server::start();
    let (old, _) = s.fetch("/products/1");
    let res = s.send_json("PUT", "/products/1", &[("If-Match", &old)], &widget());
    let (new, body) = assert_written(&res, 200);
    assert_ne!(new, old);
    assert_eq!(res.header("content-location"), Some("/products/1"));
    assert_eq!(body["version"], 2);
    assert_eq!(body["stock"], 7);
    assert_eq!(s.fetch("/products/1"), (new.clone(), body));
    // The old tag gets no 304 any more; the new one does.
    assert_eq!(s.get("/products/1", &[("If-None-Match", &old)]).status, 200);
    assert_eq!(s.get("/products/1", &[("If-None-Match", &new)]).status, 304);
    // Replaying the same write with the old tag is refused.
    s.send_json("PUT", "/products/1", &[("If-Match", &old)], &widget())
        .problem(412);
}

#[test]
fn put_with_if_match_any_replaces_an_existing_product() {
    let s = Server::start();
    let res = s.send_json("PUT", "/products/2", &[("If-Match", "*")], &widget());
    assert_written(&res, 200);
    // ... but not an absent one: without preconditions that PUT would be 404 (only
    // `If-None-Match: *` creates), so they are ignored (RFC 9110 §13.2.1).
    s.send_json("PUT", "/products/50", &[("If-Match", "*")], &widget())
        .problem(404);
    s.get("/products/50", &[]).problem(404);
}

#[test]
fn a_malformed_if_match_is_400_and_changes_nothing() {
    let s = Server::start();
    let before = s.fetch("/products/1");
    for bad in ["unquoted", "\"a\", *", "W/\"a", "\"a\" \"b\""] {
        let res = s.send_json("PUT", "/products/1", &[("If-Match", bad)], &widget());
        let p = res.problem(400);
        assert!(
            p["detail"].as_str().unwrap().contains("If-Match"),
            "{bad}: {p}"
        );
    }
    let res = s.send_json(
        "PUT",
        "/products/1",
        &[("If-None-Match", "unquoted")],
        &widget(),
    );
    res.problem(400);
    unchanged(&s, 1, &before);
}

#[test]
fn put_with_if_none_match_any_creates_when_absent_and_is_412_when_present() {
    let s = Server::start();
    let res = s.send_json("PUT", "/products/42", &[("If-None-Match", "*")], &widget());
    let (etag, body) = assert_written(&res, 201);
    assert_eq!(res.header("location"), Some("/products/42"));
    assert_eq!(body["id"], 42);
    assert_eq!(body["version"], 1);
    assert_eq!(s.fetch("/products/42"), (etag.clone(), body.clone()));

    // Now present: the same request is 412 and changes nothing.
    s.send_json(
        "PUT",
        "/products/42",
        &[("If-None-Match", "*")],
        &json!({"name": "Other", "description": "", "price_cents": 1, "stock": 1}),
    )
    .problem(412);
    assert_eq!(s.fetch("/products/42"), (etag, body));
    s.send_json("PUT", "/products/1", &[("If-None-Match", "*")], &widget())
        .problem(412);

    // Ids given by POST continue after the chosen one.
    let res = s.send_json("POST", "/products", &[], &widget());
    assert_eq!(res.header("location"), Some("/products/43"));

    // Creation validates the body like any write.
    s.send_json(
        "PUT",
        "/products/60",
        &[("If-None-Match", "*")],
        &json!({"name": "x"}),
    )
    .problem(422);
    s.get("/products/60", &[]).problem(404);
}

#[test]
fn put_on_an_absent_product_without_if_none_match_any_is_not_a_create() {
    let s = Server::start();
    s.send_json("PUT", "/products/77", &[("If-Match", "\"x\"")], &widget())
        .problem(404);
    let since = [("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")];
    s.send_json("PUT", "/products/77", &since, &widget())
        .problem(404);
    s.get("/products/77", &[]).problem(404);
}

#[test]
fn if_unmodified_since_protects_a_write_too() {
    let s = Server::start();
    let res = s.get("/products/3", &[]);
    let lm = res.header("last-modified").unwrap().to_owned();
    let before = (res.header("etag").unwrap().to_owned(), res.json());
    s.send_json(
        "PUT",
        "/products/3",
        &[("If-Unmodified-Since", "Sun, 06 Nov 1994 08:49:37 GMT")],
        &widget(),
    )
    .problem(412);
    unchanged(&s, 3, &before);
    let res = s.send_json(
        "PUT",
        "/products/3",
        &[("If-Unmodified-Since", &lm)],
        &widget(),
    );
    assert_written(&res, 200);
}

#[test]
fn patch_merges_with_the_current_tag() {
    let s = Server::start();
    let (etag, before) = s.fetch("/products/2");
    let res = s.send_json(
        "PATCH",
        "/products/2",
        &[("If-Match", &etag), MERGE],
        &json!({"stock": 99}),
    );
    let (new, body) = assert_written(&res, 200);
    assert_ne!(new, etag);
    assert_eq!(body["stock"], 99);
    assert_eq!(body["version"], 2);
    for field in ["name", "description", "price_cents"] {
        assert_eq!(body[field], before[field], "{field} kept");
    }
    assert_eq!(s.fetch("/products/2"), (new, body));
}

#[test]
fn patch_preconditions_and_bad_patches_change_nothing() {
    let s = Server::start();
    let before = s.fetch("/products/2");
    let etag = before.0.clone();
    let with = |h: &'static str| [("If-Match", etag.clone()), ("Content-Type", h.to_owned())];

    let res = s.send_json("PATCH", "/products/2", &[MERGE], &json!({"stock": 1}));
    res.problem(428);
    let res = s.send_json(
        "PATCH",
        "/products/2",
        &[("If-Match", "\"old\""), MERGE],
        &json!({"stock": 1}),
    );
    res.problem(412);

    let cases: [(&str, u16); 6] = [
        ("{\"stock\": ", 400),
        (r#"{"stock": -1}"#, 422),
        (r#"{"price_cents": -1}"#, 422),
        (r#"{"name": null}"#, 422),
        (r#"{"colour": "red"}"#, 422),
        (r#"{"id": 9}"#, 422),
    ];
    for (patch, status) in cases {
        let h = with("application/merge-patch+json");
        let headers: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
        s.send("PATCH", "/products/2", &headers, patch.as_bytes())
            .problem(status);
    }
    // A merge patch must say so: 415 with Accept-Patch.
    let h = with("application/json");
    let headers: Vec<(&str, &str)> = h.iter().map(|(n, v)| (*n, v.as_str())).collect();
    let res = s.send("PATCH", "/products/2", &headers, br#"{"stock": 1}"#);
    res.problem(415);
    assert_eq!(
        res.header("accept-patch"),
        Some("application/merge-patch+json")
    );

    unchanged(&s, 2, &before);
}

#[test]
fn patch_with_if_none_match_any_creates_from_a_complete_patch() {
    let s = Server::start();
    let inm = [("If-None-Match", "*"), MERGE];
    s.send_json("PATCH", "/products/9", &inm, &json!({"stock": 1}))
        .problem(422);
    let res = s.send_json("PATCH", "/products/9", &inm, &widget());
    let (_, body) = assert_written(&res, 201);
    assert_eq!(res.header("location"), Some("/products/9"));
    assert_eq!(body["name"], "Widget");
    s.send_json("PATCH", "/products/9", &inm, &widget())
        .problem(412);
    s.send_json("PATCH", "/products/1", &inm, &json!({"stock": 1}))
        .problem(412);
}

#[test]
fn delete_needs_the_current_tag_and_leaves_no_product() {
    let s = Server::start();
    let before = s.fetch("/products/3");
    s.send("DELETE", "/products/3", &[], b"").problem(428);
    s.send("DELETE", "/products/3", &[("If-Match", "\"old\"")], b"")
        .problem(412);
    unchanged(&s, 3, &before);

    let res = s.send("DELETE", "/products/3", &[("If-Match", &before.0)], b"");
    assert_eq!(res.status, 204, "{}", res.text());
    assert!(res.body.is_empty());
    s.get("/products/3", &[]).problem(404);
    assert_eq!(s.fetch("/products").1.as_array().unwrap().len(), 2);
    // Gone: 404 whatever the preconditions.
    s.send("DELETE", "/products/3", &[("If-Match", &before.0)], b"")
        .problem(404);
    s.send("DELETE", "/products/3", &[("If-Match", "*")], b"")
        .problem(404);
    s.send("DELETE", "/products/3", &[], b"").problem(404);

    // Re-created at the same id, it never reuses a tag an old copy may hold.
    let res = s.send_json("PUT", "/products/3", &[("If-None-Match", "*")], &widget());
    let (etag, body) = assert_written(&res, 201);
    assert_ne!(etag, before.0);
    assert_eq!(body["version"], 3, "1 created, 2 deleted, 3 re-created");
    assert_eq!(
        s.get("/products/3", &[("If-None-Match", &before.0)]).status,
        200
    );
}

/// RFC 9110 §8.8.2.1: Last-Modified must not be later than Date. actix-web's Date comes
/// from a clock refreshed every 500 ms, so right after a write it can lag behind the
/// modification time unless the service sets Date itself.
#[test]
fn last_modified_is_never_later_than_date_even_right_after_a_write() {
    let s = Server::start();
    // Within the second of the change there is no Last-Modified at all (RFC 9110 §8.8.2.2).
    let not_after_date = |res: &Response| {
        if let Some(lm) = res.header("last-modified") {
            let date = httpdate::parse_http_date(res.header("date").unwrap()).unwrap();
            assert!(httpdate::parse_http_date(lm).unwrap() <= date, "{res:?}");
        }
    };
    for stock in 0..40_i64 {
        let res = s.set_stock("/products/1", stock);
        not_after_date(&res);
        let res = s.get("/products/1", &[]);
        not_after_date(&res);
        let res = s.get(
            "/products/1",
            &[("If-None-Match", res.header("etag").unwrap())],
        );
        assert_eq!(res.status, 304);
        not_after_date(&res);
    }
}

/// The deterministic half of the test above: the service sets `Date` itself (actix-web only
/// adds its cached one when the response has none), from a clock read after the database.
#[test]
fn the_service_sets_date_itself_when_it_sends_last_modified() {
    use actix_web::test;
    let db = support::TestDb::new();
    actix_web::rt::System::new().block_on(async {
        let store = etag_examples::Db::connect(&db.url).await.unwrap();
        let service = etag_examples::Service::new(store);
        let app = test::init_service(service.app()).await;
        let req = test::TestRequest::get().uri("/products/1").to_request();
        let res = test::call_service(&app, req).await;
        let header = |name: &str| {
            let value = res.headers().get(name).unwrap().to_str().unwrap();
            httpdate::parse_http_date(value).unwrap()
        };
        assert!(header("last-modified") <= header("date"));
    });
}

/// A body over the 64 KiB limit is refused with a problem+json `413`, like every other
/// error of the service, and nothing is written. (In process: over a socket, the server may
/// close before reading the whole body, and the client would see a reset instead.)
#[test]
fn a_body_over_the_limit_is_413_problem_json() {
    use actix_web::test;
    let db = support::TestDb::new();
    let big = json!({
        "name": "Big", "description": "x".repeat(70 * 1024), "price_cents": 1, "stock": 1
    })
    .to_string();
    actix_web::rt::System::new().block_on(async {
        let store = etag_examples::Db::connect(&db.url).await.unwrap();
        let service = etag_examples::Service::new(store);
        let app = test::init_service(service.app()).await;
        let get = |uri: &'static str| test::TestRequest::get().uri(uri).to_request();
        let res = test::call_service(&app, get("/products/1")).await;
        let etag = res.headers().get("etag").unwrap().clone();
        let before = test::read_body(res).await;
        let json = ("content-type", "application/json");
        let requests = [
            test::TestRequest::post()
                .uri("/products")
                .insert_header(json),
            test::TestRequest::put()
                .uri("/products/1")
                .insert_header(("if-match", etag.clone()))
                .insert_header(json),
            test::TestRequest::patch()
                .uri("/products/1")
                .insert_header(("if-match", etag))
                .insert_header(MERGE),
        ];
        for req in requests {
            let req = req.set_payload(big.clone()).to_request();
            let res = test::call_service(&app, req).await;
            assert_eq!(res.status(), 413);
            assert_eq!(
                res.headers().get("content-type").unwrap(),
                "application/problem+json"
            );
            let p: Value = test::read_body_json(res).await;
            assert_eq!(p["status"], 413, "{p}");
            assert!(p["detail"].as_str().unwrap().contains("65536"), "{p}");
        }
        let res = test::call_service(&app, get("/products/1")).await;
        assert_eq!(test::read_body(res).await, before);
        let res = test::call_service(&app, get("/products")).await;
        let list: Value = test::read_body_json(res).await;
        assert_eq!(list.as_array().unwrap().len(), 3);
    });
}
