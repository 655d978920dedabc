//! Shared models and helpers of the `actix_*` integration tests.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime};

use actix_web::body::MessageBody;
use actix_web::dev::ServiceResponse;
use actix_web::http::header::HeaderName;
use etag_actix::ETag;
use serde::{Serialize, Serializer};

/// `Sun, 06 Nov 1994 08:49:37 GMT`
pub const CHANGED_SECS: u64 = 784_111_777;
pub const IMF: &str = "Sun, 06 Nov 1994 08:49:37 GMT";
pub const RFC850: &str = "Sunday, 06-Nov-94 08:49:37 GMT";
pub const ASCTIME: &str = "Sun Nov  6 08:49:37 1994";

pub fn changed() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(CHANGED_SECS)
}

/// The whole second of a time, since the epoch.
pub fn second_of(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A model: tag from id + version, Last-Modified from `updated`.
#[derive(Clone, Debug, Serialize, ETag)]
pub struct Product {
    #[etag]
    pub id: u64,
    #[etag]
    pub version: u64,
    pub name: String,
    #[etag(last_modified)]
    #[serde(skip)]
    pub updated: Option<SystemTime>,
}

pub fn widget() -> Product {
    Product {
        id: 1,
        version: 3,
        name: "Widget".into(),
        updated: Some(changed()),
    }
}

/// The header-form tag of [`widget`].
pub fn widget_tag() -> String {
    widget().etag().to_string()
}

/// Counts its serializations (per instance, so tests running in parallel do not interfere).
#[derive(Debug, Default)]
pub struct SerializeCounter(pub AtomicUsize);

impl SerializeCounter {
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// A value whose `Serialize` counts calls on a leaked counter.
#[derive(Debug, ETag)]
pub struct Counted {
    #[etag]
    pub version: u64,
    pub counter: &'static SerializeCounter,
}

impl Serialize for Counted {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.counter.0.fetch_add(1, Ordering::SeqCst);
        serializer.serialize_u64(self.version)
    }
}

/// A value whose `Serialize` must never run.
#[derive(Debug, ETag)]
pub struct NeverSerialize {
    #[etag]
    pub version: u64,
}

impl Serialize for NeverSerialize {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        panic!("the 304 path serialized the value");
    }
}

/// The value of a header as text (`None` when absent).
pub fn header<B>(res: &ServiceResponse<B>, name: impl Into<HeaderName>) -> Option<String> {
    res.headers()
        .get(name.into())
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
}

/// All values of a header, in order.
pub fn headers_all<B>(res: &ServiceResponse<B>, name: impl Into<HeaderName>) -> Vec<String> {
    res.headers()
        .get_all(name.into())
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect()
}

/// The header names of a response, sorted.
pub fn header_names<B>(res: &ServiceResponse<B>) -> Vec<String> {
    let mut names: Vec<String> = res
        .headers()
        .keys()
        .map(|k| k.as_str().to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The body of a response.
pub async fn body<B: MessageBody>(res: ServiceResponse<B>) -> Vec<u8> {
    actix_web::body::to_bytes(res.into_body())
        .await
        .ok()
        .expect("body")
        .to_vec()
}

/// The problem document of an error response, checked for RFC 9457 shape.
pub async fn problem<B: MessageBody>(res: ServiceResponse<B>, status: u16) -> serde_json::Value {
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(
        header(&res, actix_web::http::header::CONTENT_TYPE).as_deref(),
        Some("application/problem+json")
    );
    let doc: serde_json::Value = serde_json::from_slice(&body(res).await).unwrap();
    assert_eq!(doc["status"], status);
    assert!(
        doc["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("https://")),
        "{doc}"
    );
    assert!(
        doc["title"].as_str().is_some_and(|t| !t.is_empty()),
        "{doc}"
    );
    assert!(
        doc["detail"].as_str().is_some_and(|t| !t.is_empty()),
        "{doc}"
    );
    doc
}
