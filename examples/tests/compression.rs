//! Compressed responses over real HTTP: a gzip body has its own strong tag (`"opaque.gzip"`),
//! and that tag still works for If-None-Match (304) and If-Match (a write).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use serde_json::json;
use support::Server;

const GZIP: (&str, &str) = ("Accept-Encoding", "gzip");

#[test]
fn a_gzip_body_has_its_own_strong_tag() {
    let s = Server::start();
    let (plain, _) = s.fetch("/products/1");
    let res = s.get("/products/1", &[GZIP]);
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-encoding"), Some("gzip"));
    let gz = res.header("etag").unwrap();
    assert_eq!(gz, format!("{}.gzip\"", plain.trim_end_matches('"')));
    assert!(
        res.header("vary")
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );

    // Each client revalidates with the tag it got.
    let res = s.get("/products/1", &[GZIP, ("If-None-Match", gz)]);
    assert_eq!(res.status, 304);
    assert_eq!(res.header("etag"), Some(gz));
    assert!(
        res.header("vary")
            .unwrap()
            .to_ascii_lowercase()
            .contains("accept-encoding")
    );
    assert_eq!(
        s.get("/products/1", &[("If-None-Match", &plain)]).status,
        304
    );
}

#[test]
fn a_gzip_client_can_write_with_the_tag_it_got() {
    let s = Server::start();
    let gz = s
        .get("/products/2", &[GZIP])
        .header("etag")
        .unwrap()
        .to_owned();
    assert!(gz.ends_with(".gzip\""), "{gz}");
    let res = s.send_json(
        "PATCH",
        "/products/2",
        &[
            ("If-Match", &gz),
            ("Content-Type", "application/merge-patch+json"),
        ],
        &json!({"stock": 3}),
    );
    assert_eq!(res.status, 200, "{}", res.text());
    // ... and the old tag is stale afterwards, in either form.
    let res = s.send_json(
        "PATCH",
        "/products/2",
        &[
            ("If-Match", &gz),
            ("Content-Type", "application/merge-patch+json"),
        ],
        &json!({"stock": 4}),
    );
    res.problem(412);
    assert_eq!(s.fetch("/products/2").1["stock"], 3);
}
