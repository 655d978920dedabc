//! Conversions between `etag_actix::EntityTag` and actix-web's typed-header `EntityTag`.
#![allow(clippy::unwrap_used)]

use actix_web::http::header;
use etag_actix::{EntityTag, EntityTagExt};

#[test]
fn round_trips_strong_weak_and_odd_opaque_parts() {
    for text in [
        "\"v1\"",
        "W/\"v1\"",
        "\"a,b\"",
        "\"\"",
        "W/\"caf\u{e9}\"",
        "\"!#~\"",
    ] {
        let ours: EntityTag = text.parse().unwrap();
        let theirs = ours.to_actix();
        assert_eq!(theirs.to_string(), text);
        assert_eq!(theirs.weak, ours.is_weak());
        assert_eq!(EntityTag::from_actix(&theirs).unwrap(), ours);
    }
}

#[test]
fn comparisons_agree() {
    let a = EntityTag::strong("x").unwrap();
    let b = EntityTag::weak("x").unwrap();
    assert_eq!(a.strong_eq(&b), a.to_actix().strong_eq(&b.to_actix()));
    assert_eq!(a.weak_eq(&b), a.to_actix().weak_eq(&b.to_actix()));
}

#[test]
fn from_actix_parsed_header() {
    let theirs: header::EntityTag = "W/\"abc\"".parse().unwrap();
    let ours = EntityTag::from_actix(&theirs).unwrap();
    assert!(ours.is_weak());
    assert_eq!(ours.opaque(), "abc");
}
