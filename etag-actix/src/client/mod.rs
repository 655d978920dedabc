//! The client half (feature `client`): call another service's tagged JSON resources with
//! awc, keeping each representation with its entity-tag.
//!
//! - [`Client::get`] revalidates with `If-None-Match`; a `304` is answered from the
//!   representation held, so neither side serializes or sends the body again.
//! - [`Client::update`] (`PATCH`, JSON Merge Patch) and [`Client::replace`] (`PUT`) send
//!   `If-Match` with the tag of the representation the change was computed from, and on
//!   `412 Precondition Failed` read again and compute the change again, a bounded number
//!   of times: no update is lost to a concurrent writer. [`Client::create`] writes only if
//!   nothing exists yet (`If-None-Match: *`). [`Client::delete_if`] deletes only what its
//!   closure approved (`DELETE` with `If-Match`, decided again after a lost race), and
//!   [`Client::delete`] sends one `DELETE` with a given condition.
//! - [`ClientError`] says what failed: the status and the server's problem details, lost
//!   races, transport, bodies that are too large or not the expected JSON.
//!
//! The caching decisions live in [`TagStore`], plain data and functions over
//! [`HeaderSource`] (any client's header map): what may be stored ([`storability`]), which
//! request may reuse it ([`VaryKey`]), what to send to revalidate ([`Revalidation`]), what a
//! `304` changes ([`TagStore::not_modified`]) and what to evict ([`StoreLimits`]). [`Client`]
//! is the awc adapter around it; another HTTP client needs only an impl of
//! [`HeaderSource`] for its header map and the same few calls.
//!
//! # Examples
//!
//! A service with a tagged, write-protected counter, and a client that reads it twice (the
//! second read is a `304`) and increments it with `If-Match`:
//!
//! ```
//! use std::sync::Mutex;
//! use actix_web::{App, HttpServer, web};
//! use etag_actix::client::Client;
//! use etag_actix::{ETag, PreconditionError, Preconditions, Tagged};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Clone, Serialize, Deserialize, ETag)]
//! struct Counter {
//!     #[etag]
//!     version: u64,
//!     count: u64,
//! }
//!
//! type Db = web::Data<Mutex<Counter>>;
//!
//! async fn show(db: Db) -> Tagged<Counter> {
//!     Tagged::new(db.lock().unwrap().clone())
//! }
//!
//! async fn patch(pre: Preconditions, db: Db, patch: web::Json<serde_json::Value>)
//!     -> Result<Tagged<Counter>, PreconditionError>
//! {
//!     let mut counter = db.lock().unwrap();
//!     pre.check(&*counter)?;
//!     if let Some(count) = patch["count"].as_u64() {
//!         counter.count = count;
//!     }
//!     counter.version += 1;
//!     Ok(Tagged::new(counter.clone()))
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let db = web::Data::new(Mutex::new(Counter { version: 1, count: 41 }));
//! let server = HttpServer::new(move || {
//!     App::new().app_data(db.clone()).service(
//!         web::resource("/counter").route(web::get().to(show)).route(web::patch().to(patch)),
//!     )
//! })
//! .workers(1)
//! .bind("127.0.0.1:0")?;
//! let url = format!("http://{}/counter", server.addrs()[0]);
//! let server = server.run();
//! let handle = server.handle();
//! actix_web::rt::spawn(server);
//!
//! let client = Client::new(awc::Client::default());
//! let counter: Counter = client.get(&url).await?;            // 200, held with its tag
//! let again: Counter = client.get(&url).await?;              // 304, answered from memory
//! assert_eq!(again.count, counter.count);
//!
//! let next: Counter = client
//!     .update(&url, |c: &Counter| serde_json::json!({ "count": c.count + 1 }))
//!     .await?;                                                // PATCH with If-Match
//! assert_eq!(next.count, 42);
//!
//! let stats = client.stats();
//! assert_eq!((stats.full, stats.not_modified), (1, 2));       // the update's read was a 304
//!
//! handle.stop(false).await;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # })?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod headers;
mod http_client;
mod policy;
mod store;

pub use error::{ClientError, ErrorKind};
pub use headers::{HeaderSource, StoredHeaders};
pub use http_client::{Client, ClientBuilder, ClientStats, Precondition, WriteMethod};
pub use policy::{NotStored, VaryKey, storability};
pub use store::{NotSelected, Revalidation, StoreLimits, StoredResponse, TagStore};
