//! Conditional requests for actix-web, correct to RFC 9110: entity tags derived from your
//! models, `304 Not Modified` without serializing, `412 Precondition Failed` before a stale
//! write changes anything, and `428 Precondition Required` when you want every write to be
//! conditional.
//!
//! Depend on this crate alone: it re-exports everything of `etag-core` ([`EntityTag`],
//! [`Condition`], [`Validators`], [`Outcome`], the [`ETag`] trait...) and the derive.
//!
//! | piece | what it does |
//! |-------|--------------|
//! | `#[derive(ETag)]` | a deterministic tag from the fields you select (SHA-1 of a documented encoding) |
//! | [`Tagged<T>`] | JSON responder with `ETag`/`Last-Modified`; answers 304/412 for `GET`/`HEAD` itself |
//! | [`Preconditions`] | extractor: [`write`](Preconditions::write) runs a whole conditional write ([`ConditionalWrite`]); `check` a model before a write |
//! | [`Tagged::head`] / [`Conditional`] | `304`/`412` from a version lookup, before the representation is loaded |
//! | [`PreconditionError`] / [`WriteError`] | the 304/400/412/428/503 answers, as `application/problem+json`; a write's 404 and store errors |
//! | [`Problem`] | the RFC 9457 renderer behind them, for an application's own errors too |
//! | [`PreconditionConfig`] / [`Clock`] | per app or scope: require preconditions (428), error body format, the clock (tests fix it) |
//! | [`get_or_head`] / [`GetOrHead`] | route `HEAD` to `GET` handlers |
//! | [`TaggedCompress`] / [`CompressTags`] | actix-web's `Compress` with one strong tag per content-coding |
//! | [`ShallowEtag`] | body-hashing tags for handlers that cannot use `Tagged` |
//! | `client::Client` (feature `client`) | awc client: conditional `GET`s answered by `304` from memory, `If-Match` writes retried after `412` |
//!
//! # Conditional GET
//!
//! Derive [`ETag`] on the model and return [`Tagged`]. Select the fields that determine the
//! representation: an id and a version column that bumps on every change are enough.
//!
//! ```
//! use actix_web::{App, test, web, http::{StatusCode, header}};
//! use etag_actix::{ETag, Tagged, get_or_head};
//! use serde::Serialize;
//!
//! #[derive(Serialize, ETag)]
//! struct Product {
//!     #[etag]
//!     id: u64,
//!     #[etag]
//!     version: u64,
//!     name: String,
//! }
//!
//! async fn show(id: web::Path<u64>) -> Option<Tagged<Product>> {
//!     // `None` is a 404, and a 404 stays a 404 whatever the conditions say.
//!     (*id == 1).then(|| Tagged::new(Product { id: 1, version: 4, name: "Widget".into() }))
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = test::init_service(App::new().route("/products/{id}", get_or_head().to(show))).await;
//! let res = test::call_service(&app, test::TestRequest::get().uri("/products/1").to_request()).await;
//! assert_eq!(res.status(), StatusCode::OK);
//! let etag = res.headers().get(header::ETAG).unwrap().clone();
//!
//! // A client that holds this representation revalidates: 304, nothing serialized.
//! let req = test::TestRequest::get().uri("/products/1").insert_header((header::IF_NONE_MATCH, etag));
//! let res = test::call_service(&app, req.to_request()).await;
//! assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
//! # });
//! ```
//!
//! Route with [`get_or_head`] (or `#[route("/p/{id}", method = "GET", method = "HEAD")]`):
//! actix-web's `web::get()` leaves `HEAD` unrouted. A `HEAD` gets the `GET`'s status and
//! headers, `Content-Length` included, and no body.
//!
//! When even loading the resource is expensive, look up its validators only (a version
//! column) and answer 304 before loading: [`Tagged::head`] declares the response's headers
//! once, answers `304`/`412` as a normal response, and calls the loader only when the
//! client's copy is not current.
//!
//! # Optimistic concurrency: one call per write
//!
//! A write carries `If-Match` with the tag the client last saw. Take [`Preconditions`] and
//! hand [`write`](Preconditions::write) two steps: `load` the current state, and `swap`
//! it for the new one **only if it is still the state the preconditions were checked
//! against** (`UPDATE ... WHERE id = ? AND version = ?`). The call evaluates the
//! preconditions before anything changes (`412` with the current tag), answers `404` for a
//! resource that does not exist whatever the headers, decides `428` once existence is
//! known, and after a lost race re-reads and re-evaluates: `412` if the client's tag is now
//! stale, a retry if its preconditions still hold, `503` with `Retry-After` if it keeps
//! losing. See [`ConditionalWrite`] for creation (`If-None-Match: *`), `POST` to a
//! collection and blocking stores.
//!
//! ```
//! use std::collections::HashMap;
//! use std::convert::Infallible;
//! use std::sync::Mutex;
//! use actix_web::{App, test, web, http::{StatusCode, header}};
//! use etag_actix::{ETag, Preconditions, Tagged, WriteError};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Clone, Serialize, ETag)]
//! struct Note { #[etag] id: u64, #[etag] version: u64, text: String }
//!
//! #[derive(Deserialize)]
//! struct NewNote { text: String }
//!
//! struct Store(Mutex<HashMap<u64, Note>>);
//!
//! impl Store {
//!     async fn get(&self, id: u64) -> Result<Option<Note>, Infallible> {
//!         Ok(self.0.lock().unwrap().get(&id).cloned())
//!     }
//!     /// `UPDATE notes SET text = ?, version = version + 1 WHERE id = ? AND version = ?
//!     ///  RETURNING *`: `None` when another writer changed the note first.
//!     async fn update_if_version(&self, id: u64, version: u64, text: &str) -> Result<Option<Note>, Infallible> {
//!         let mut notes = self.0.lock().unwrap();
//!         Ok(notes.get_mut(&id).filter(|n| n.version == version).map(|note| {
//!             note.version += 1;
//!             note.text = text.to_owned();
//!             note.clone()
//!         }))
//!     }
//! }
//!
//! async fn replace(
//!     pre: Preconditions,
//!     id: web::Path<u64>,
//!     body: web::Json<NewNote>,
//!     store: web::Data<Store>,
//! ) -> Result<Tagged<Note>, WriteError<Infallible>> {
//!     let updated = pre
//!         .write()
//!         .update(
//!             async || store.get(*id).await,
//!             async |current| store.update_if_version(*id, current.version, &body.text).await,
//!         )
//!         .await?;
//!     Ok(Tagged::new(updated)) // the new state's tag
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let note = Note { id: 1, version: 1, text: "draft".into() };
//! let stale = note.etag().to_string();
//! let store = web::Data::new(Store(Mutex::new(HashMap::from([(1, note)]))));
//! let app = test::init_service(
//!     App::new().app_data(store.clone()).route("/notes/{id}", web::put().to(replace)),
//! ).await;
//! let put = |tag: &str| {
//!     test::TestRequest::put()
//!         .uri("/notes/1")
//!         .insert_header((header::IF_MATCH, tag.to_owned()))
//!         .set_json(serde_json::json!({ "text": "final" }))
//!         .to_request()
//! };
//! let res = test::call_service(&app, put(&stale)).await;
//! assert_eq!(res.status(), StatusCode::OK);
//! // The same stale tag again: the note changed meanwhile, so 412 and nothing is written.
//! let res = test::call_service(&app, put(&stale)).await;
//! assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
//! assert_eq!(store.0.lock().unwrap()[&1].version, 2);
//! # });
//! ```
//!
//! The pieces it is built from stay public for handlers that need another shape:
//! [`Preconditions::check`] (evaluate against a loaded model), [`Preconditions::failed`]
//! (the 412 of a lost race), [`Preconditions::if_match`] (the client's tags, for a store
//! that keeps tags). A check followed by a plain write leaves a window in which another
//! writer can slip in: the write itself must be the compare-and-swap.
//!
//! # Requiring preconditions (428)
//!
//! Register a [`PreconditionConfig`] on the app or a scope. Then `PUT`, `PATCH` and
//! `DELETE` writes to an existing resource are answered `428 Precondition Required` (with a
//! problem document saying how to resubmit, and `Cache-Control: no-store`) unless they carry
//! `If-Match`, a valid `If-Unmodified-Since` (one HTTP-date: an invalid one is ignored, so it
//! would protect nothing), or `If-None-Match: *`. The rule is decided once the handler knows
//! whether the resource exists, by [`write`](Preconditions::write) (or
//! [`check`](Preconditions::check)): a write to a resource that does not exist stays a
//! `404`, whatever its headers. When `If-Unmodified-Since` is the only guard and the
//! resource has no modification time (or does not exist), it cannot be evaluated: `428`
//! too, rather than let the write through unconditionally.
//!
//! ```
//! use std::convert::Infallible;
//! use actix_web::{App, HttpResponse, test, web, http::StatusCode};
//! use etag_actix::{ETag, PreconditionConfig, Preconditions, WriteError};
//!
//! #[derive(ETag)]
//! struct Note { #[etag] version: u64 }
//!
//! async fn delete(pre: Preconditions, id: web::Path<u64>) -> Result<HttpResponse, WriteError<Infallible>> {
//!     pre.write()
//!         .update(
//!             async || Ok((*id == 1).then_some(Note { version: 1 })),
//!             async |_note| Ok(Some(())), // DELETE ... WHERE id = ? AND version = ?
//!         )
//!         .await?;
//!     Ok(HttpResponse::NoContent().finish())
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = test::init_service(
//!     App::new()
//!         .app_data(PreconditionConfig::new().require_precondition(true))
//!         .route("/notes/{id}", web::delete().to(delete)),
//! ).await;
//! let res = test::call_service(&app, test::TestRequest::delete().uri("/notes/1").to_request()).await;
//! assert_eq!(res.status(), StatusCode::PRECONDITION_REQUIRED);
//! assert_eq!(res.headers().get("content-type").unwrap(), "application/problem+json");
//! // No such note: 404, not 428.
//! let res = test::call_service(&app, test::TestRequest::delete().uri("/notes/2").to_request()).await;
//! assert_eq!(res.status(), StatusCode::NOT_FOUND);
//! # });
//! ```
//!
//! # Last-Modified
//!
//! Mark a time field `#[etag(last_modified)]` (hashed like any field unless the type selects
//! fields with `#[etag]` and leaves it out), or call [`Tagged::last_modified`]. `Tagged`
//! sends `Last-Modified` and honours `If-Modified-Since` (when no `If-None-Match` is
//! present) and `If-Unmodified-Since` (when no `If-Match` is present), in whole seconds,
//! accepting all three HTTP-date forms and ignoring invalid dates.
//!
//! A date has whole seconds, a modification time finer ones: two versions written within
//! one second share one date. So a modification time serves as a validator only once its
//! second has passed (RFC 9110 §8.8.2.2); until then it is not sent, `If-Modified-Since`
//! gives no 304 and `If-Unmodified-Since` fails. [`Tagged`, `Preconditions` and
//! `ShallowEtag` apply this one rule](Tagged#last-modified-within-its-own-second). Every
//! response they tag carries a `Date` of their own, never older than the representation
//! (actix-web's own lags by up to half a second). Clients that revalidate by `ETag` are not
//! affected. Tests fix the time with [`PreconditionConfig::clock`].
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use actix_web::{App, test, web, http::{StatusCode, header}};
//! use etag_actix::{EntityTag, Tagged};
//!
//! async fn show() -> Tagged<&'static str> {
//!     let changed = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777);
//!     Tagged::with_etag("hello", EntityTag::strong("v1").unwrap()).last_modified(changed)
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! let app = test::init_service(App::new().route("/", web::get().to(show))).await;
//! let req = test::TestRequest::get()
//!     .insert_header((header::IF_MODIFIED_SINCE, "Sunday, 06-Nov-94 08:49:37 GMT"));
//! let res = test::call_service(&app, req.to_request()).await;
//! assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
//! assert_eq!(res.headers().get(header::LAST_MODIFIED).unwrap(), "Sun, 06 Nov 1994 08:49:37 GMT");
//! # });
//! ```
//!
//! # Compression
//!
//! A strong tag promises identical bytes, so the gzip and the identity body of one resource
//! must not share one (RFC 9110 §8.8.3). Wrap [`TaggedCompress`] instead of actix-web's
//! `Compress`: a gzip body's tag becomes `"opaque.gzip"`, the suffix is stripped again from
//! `If-None-Match`/`If-Match` before your handlers see them, and `Vary: Accept-Encoding` is
//! sent on 200s and 304s alike. So compressed clients keep getting 304s and can still write
//! with `If-Match`. (Weakening the tag, as some servers do, would make `If-Match`
//! impossible for them.) A 304 answers only for the coding the request would get, and a
//! handler tag that already ends in such a suffix stays distinct per coding; see
//! [`CompressTags`] for the exact scheme and the [`TaggedCompress`] example.
//!
//! # Shallow tagging
//!
//! For handlers that do not return [`Tagged`] (static-ish pages, third-party responders),
//! [`ShallowEtag`] hashes the finished body: it saves the transfer, not the work.
//!
//! # Errors and their format
//!
//! Every early answer is a [`PreconditionError`]: `400` names the malformed header and what
//! is wrong with it ("entity-tags must be quoted"), `412` says which condition failed and
//! carries the current `ETag`, `428` says how to resubmit. Bodies follow RFC 9457
//! (`type`, `title`, `status`, `detail`); [`ErrorFormat::PlainText`] switches to plain text.
//!
//! # Calling other services (feature `client`)
//!
//! With the feature `client`, `etag_actix::client::Client` wraps an `awc::Client` for the
//! other direction: a service that calls its peers' tagged resources. `get` is a
//! conditional `GET` that a `304` answers from the representation held (stored only when
//! the response allows it, with its `Vary`, in a store bounded by entries and bytes);
//! `update` (`PATCH`, JSON Merge Patch), `replace` (`PUT`), `delete_if` (`DELETE`) and
//! `create` (`If-None-Match: *`) protect writes with `If-Match`, and re-read and re-apply
//! the change (or the decision) after a `412`, a bounded number of times. The caching decisions are plain data in `client::TagStore`,
//! independent of awc. The module's docs have an example that runs.
//!
//! # Not covered
//!
//! `Tagged` serves whole JSON documents, never byte ranges, so `Range`/`If-Range` do not
//! apply to it; [`Preconditions::evaluate`] reports the core's range decision for handlers
//! that serve ranges themselves.

#[cfg(feature = "client")]
pub mod client;
mod clock;
#[cfg(feature = "compress")]
mod compress;
mod conditions;
mod config;
mod decide;
mod early;
mod error;
mod interop;
mod preconditions;
mod problem;
mod representation;
mod route;
mod shallow;
mod tagged;
mod validators;
mod write;

pub use etag_core::*;

/// Derives [`ETag`] (and [`EncodeTag`]) for a struct or enum; see etag-core for the
/// attributes and the canonical encoding. Generated code names `::etag_actix` paths, so a
/// crate depending on etag-actix alone can derive.
#[doc(inline)]
pub use etag_derive::ETagActix as ETag;

pub use clock::Clock;
#[cfg(feature = "compress")]
pub use compress::{CompressTags, CompressTagsMiddleware, TaggedCompress};
pub use config::{ErrorFormat, PreconditionConfig};
pub use early::{Conditional, Unloaded};
pub use error::PreconditionError;
pub use interop::EntityTagExt;
pub use preconditions::Preconditions;
pub use problem::{PROBLEM_JSON, Problem};
pub use route::{GetOrHead, get_or_head};
pub use shallow::{ShallowEtag, ShallowEtagMiddleware};
pub use tagged::Tagged;
pub use write::{ConditionalWrite, WriteError};
