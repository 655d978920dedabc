//! [`Client`]: the awc adapter around [`TagStore`]: conditional reads and `If-Match` writes.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::http::{Method, StatusCode, Uri};
use actix_web::web::Bytes;
use awc::error::{FreezeRequestError, PayloadError, SendRequestError};
use awc::{ClientResponse, FrozenClientRequest};
use etag_core::EntityTag;
use futures_util::Stream;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{ClientError, ErrorKind, Message};
use super::policy;
use super::store::{StoreLimits, TagStore};

/// The largest error body read for its problem details.
const MAX_PROBLEM_BODY: usize = 64 << 10;

/// An HTTP client for JSON resources served with entity tags: every [`get`](Self::get) is
/// a conditional `GET` that a `304` answers from the representation held, and every
/// [`update`](Self::update) a read-modify-write protected by `If-Match` that re-reads and
/// re-applies the change when another writer got there first.
///
/// A thin adapter of awc around [`TagStore`], which makes every caching decision:
///
/// - **Reads.** The held tag goes out as `If-None-Match` (and the held `Last-Modified` as
///   `If-Modified-Since`) when the request matches the stored response's `Vary`. On `304`
///   the held representation is returned and the stored header fields are updated from the
///   `304` (RFC 9111 §4.3.4). A `200` is stored only when it carries an `ETag`, no
///   `Cache-Control: no-store` and no `Vary: *`; any other `2xx` drops what was held, and so
///   does a `404` or `410`. The client never answers from memory without asking the server
///   (there is no freshness lifetime): what it saves is the body and its serialization.
/// - **Bodies** are read up to a limit ([`ClientBuilder::max_body_size`], default 2 MiB) and
///   kept as bytes; each call deserializes them again (so `T` needs no `Clone`, and two
///   calls with different `T` share one entry).
/// - **Writes** (`PATCH` with `application/merge-patch+json`, `PUT` with
///   `application/json`, `DELETE`) drop the held entry when they succeed or are redirected
///   (RFC 9111 §4.4), and when they fail with `412` if it is the one the write was based on. A
///   successful response's body is taken as the new representation, and stored with its
///   `ETag`, when it is a non-empty `200` or `201` whose `Content-Location` is absent or
///   names the target; otherwise (`204`, another `Content-Location`) the client reads the
///   target again.
/// - **Memory** is bounded by [`StoreLimits`] (entries and bytes, least recently used out).
/// - **Redirects** are awc's business: `awc::Client::default()` follows them, and on a
///   `301`, `302` or `303` it turns a `PUT`, `PATCH` or `DELETE` into a `GET` of the new
///   location (keeping `If-Match`), whose `200` would then look like the write's success.
///   When a peer may redirect writes, build the awc client with
///   `awc::Client::builder().disable_redirects().finish()`: the `3xx` then comes back as
///   an [`ErrorKind::Status`] error.
///
/// One `Client` lives on one actix runtime (awc's client is not `Send`). Clones share the
/// connection pool and the store, so tasks on that runtime can share it; the store is
/// behind a `RefCell` that is never borrowed across an `.await`.
///
/// # Examples
///
/// ```
/// use actix_web::{App, HttpServer, web};
/// use etag_actix::client::Client;
/// use etag_actix::{ETag, Tagged};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Serialize, Deserialize, ETag, PartialEq, Debug)]
/// struct Product {
///     #[etag]
///     id: u64,
///     #[etag]
///     version: u64,
///     name: String,
/// }
///
/// async fn show() -> Tagged<Product> {
///     Tagged::new(Product { id: 1, version: 3, name: "Widget".into() })
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let server = HttpServer::new(|| App::new().route("/products/1", web::get().to(show)))
///     .workers(1)
///     .bind("127.0.0.1:0")?;
/// let url = format!("http://{}/products/1", server.addrs()[0]);
/// let server = server.run();
/// let handle = server.handle();
/// actix_web::rt::spawn(server);
///
/// let client = Client::new(awc::Client::default());
/// let first: Product = client.get(&url).await?;      // 200, stored with its ETag
/// let second: Product = client.get(&url).await?;     // If-None-Match: 304, no body
/// assert_eq!(first, second);
/// assert_eq!(client.stats().not_modified, 1);
///
/// handle.stop(false).await;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # })?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

struct Inner {
    http: awc::Client,
    store: RefCell<TagStore>,
    max_body: usize,
    max_retries: u32,
    counters: Counters,
}

#[derive(Default)]
struct Counters {
    requests: Cell<u64>,
    full: Cell<u64>,
    not_modified: Cell<u64>,
    precondition_failed: Cell<u64>,
}

fn bump(counter: &Cell<u64>) {
    counter.set(counter.get() + 1);
}

/// What a [`Client`] has done so far, and what it holds: counters for checking that
/// revalidation works (a test, a metrics endpoint).
///
/// # Examples
///
/// ```
/// use etag_actix::client::Client;
///
/// let stats = Client::new(awc::Client::default()).stats();
/// assert_eq!((stats.requests, stats.entries, stats.bytes), (0, 0, 0));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClientStats {
    /// Requests sent (reads and writes).
    pub requests: u64,
    /// `GET`s answered with a full `200`.
    pub full: u64,
    /// `GET`s answered with `304 Not Modified` and served from the held representation.
    pub not_modified: u64,
    /// Writes refused with `412 Precondition Failed` (lost races and failed create-onlys).
    pub precondition_failed: u64,
    /// Entries held now.
    pub entries: usize,
    /// Bytes held now, as counted against [`StoreLimits::bytes`].
    pub bytes: usize,
    /// Entries evicted to stay within the limits.
    pub evictions: u64,
}

/// Builds a [`Client`] with other limits than the defaults.
///
/// # Examples
///
/// ```
/// use etag_actix::client::Client;
///
/// let client = Client::builder(awc::Client::default())
///     .max_entries(100)
///     .max_bytes(4 << 20)
///     .max_body_size(256 << 10)
///     .max_retries(16)
///     .build();
/// assert_eq!(client.limits().entries(), 100);
/// ```
#[must_use]
pub struct ClientBuilder {
    http: awc::Client,
    limits: StoreLimits,
    max_body: usize,
    max_retries: u32,
}

impl ClientBuilder {
    /// Holds at most `entries` representations (default 1,000; 0 holds none).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::builder(awc::Client::default()).max_entries(10).build();
    /// assert_eq!(client.limits().entries(), 10);
    /// ```
    pub fn max_entries(mut self, entries: usize) -> Self {
        self.limits = self.limits.max_entries(entries);
        self
    }

    /// Holds at most `bytes` bytes (default 16 MiB; see [`StoreLimits`] for what counts).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::builder(awc::Client::default()).max_bytes(1 << 20).build();
    /// assert_eq!(client.limits().bytes(), 1 << 20);
    /// ```
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.limits = self.limits.max_bytes(bytes);
        self
    }

    /// Both limits at once.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{Client, StoreLimits};
    ///
    /// let limits = StoreLimits::default().max_entries(5).max_bytes(5000);
    /// let client = Client::builder(awc::Client::default()).limits(limits).build();
    /// assert_eq!(client.limits(), limits);
    /// ```
    pub fn limits(mut self, limits: StoreLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Reads response bodies up to `bytes` (default 2 MiB); a larger one is an
    /// [`ErrorKind::BodyTooLarge`] error.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::builder(awc::Client::default()).max_body_size(1024).build();
    /// # drop(client);
    /// ```
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// After a `412`, reads and applies the change again at most `retries` times (default
    /// 10); then [`ErrorKind::LostRaces`].
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// // Never retry: a lost race is an error at once.
    /// let client = Client::builder(awc::Client::default()).max_retries(0).build();
    /// # drop(client);
    /// ```
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.max_retries = retries;
        self
    }

    /// The client.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::builder(awc::Client::default()).build();
    /// assert_eq!(client.stats().entries, 0);
    /// ```
    pub fn build(self) -> Client {
        Client {
            inner: Rc::new(Inner {
                http: self.http,
                store: RefCell::new(TagStore::new(self.limits)),
                max_body: self.max_body,
                max_retries: self.max_retries,
                counters: Counters::default(),
            }),
        }
    }
}

/// The method and body format of a write.
///
/// # Examples
///
/// ```
/// use etag_actix::client::WriteMethod;
///
/// assert_eq!(WriteMethod::Patch.content_type(), "application/merge-patch+json");
/// assert_eq!(WriteMethod::Put.method(), actix_web::http::Method::PUT);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WriteMethod {
    /// `PATCH` with a JSON Merge Patch (RFC 7396), `application/merge-patch+json`.
    Patch,
    /// `PUT` of the whole representation, `application/json`.
    Put,
}

impl WriteMethod {
    /// The HTTP method.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::WriteMethod;
    ///
    /// assert_eq!(WriteMethod::Patch.method(), actix_web::http::Method::PATCH);
    /// ```
    pub fn method(self) -> Method {
        match self {
            WriteMethod::Patch => Method::PATCH,
            WriteMethod::Put => Method::PUT,
        }
    }

    /// The `Content-Type` of the body.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::WriteMethod;
    ///
    /// assert_eq!(WriteMethod::Put.content_type(), "application/json");
    /// ```
    pub fn content_type(self) -> &'static str {
        match self {
            WriteMethod::Patch => "application/merge-patch+json",
            WriteMethod::Put => "application/json",
        }
    }
}

/// The condition a single [`Client::write`] or [`Client::delete`] carries.
///
/// # Examples
///
/// ```
/// use etag_actix::EntityTag;
/// use etag_actix::client::Precondition;
///
/// let only_if_unchanged = Precondition::IfMatch(EntityTag::strong("v1")?);
/// let only_if_absent = Precondition::IfNoneMatchAny;
/// # drop((only_if_unchanged, only_if_absent));
/// # Ok::<(), etag_actix::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Precondition {
    /// `If-Match: <tag>`: only if the resource still has this (strong) tag.
    IfMatch(EntityTag),
    /// `If-None-Match: *`: only if the resource does not exist yet.
    IfNoneMatchAny,
    /// No condition: last writer wins. A server that requires conditional writes answers
    /// `428 Precondition Required`.
    Unconditional,
}

/// The URL of a call: as given (for errors), parsed, and as the store's key.
struct Target {
    url: String,
    uri: Uri,
    key: String,
}

impl Target {
    fn parse(method: &Method, url: &str) -> Result<Self, ClientError> {
        let uri: Uri = url
            .parse()
            .map_err(|err: actix_web::http::uri::InvalidUri| {
                ClientError::new(ErrorKind::InvalidUrl, method, url)
                    .with_source(Message(err.to_string()))
            })?;
        if uri.scheme().is_none() || uri.authority().is_none() {
            return Err(
                ClientError::new(ErrorKind::InvalidUrl, method, url).with_source(Message(
                    "an absolute URL (scheme and host) is needed".into(),
                )),
            );
        }
        let key = uri.to_string();
        Ok(Target {
            url: url.to_owned(),
            uri,
            key,
        })
    }

    fn error(&self, kind: ErrorKind, method: &Method) -> ClientError {
        ClientError::new(kind, method, &self.url)
    }
}

/// A representation received (or held), with the tag it came with.
struct Representation {
    status: StatusCode,
    body: Bytes,
    tag: Option<EntityTag>,
}

/// The outcome of one write.
enum Written {
    Done(Representation),
    PreconditionFailed(ClientError),
}

impl Client {
    /// A client with the default limits (1,000 entries, 16 MiB, bodies up to 2 MiB, 10
    /// retries after a lost race) around an awc client.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::new(awc::Client::default());
    /// assert_eq!(client.limits().bytes(), 16 << 20);
    /// ```
    pub fn new(http: awc::Client) -> Self {
        Client::builder(http).build()
    }

    /// A builder, to set other limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::builder(awc::Client::default()).max_entries(50).build();
    /// assert_eq!(client.limits().entries(), 50);
    /// ```
    pub fn builder(http: awc::Client) -> ClientBuilder {
        ClientBuilder {
            http,
            limits: StoreLimits::default(),
            max_body: 2 << 20,
            max_retries: 10,
        }
    }

    /// The awc client underneath, for requests this client does not cover.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::new(awc::Client::default());
    /// let request = client.http().post("http://127.0.0.1:8080/products");
    /// assert_eq!(request.get_method(), actix_web::http::Method::POST);
    /// ```
    pub fn http(&self) -> &awc::Client {
        &self.inner.http
    }

    /// The store's limits.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::{Client, StoreLimits};
    ///
    /// assert_eq!(Client::new(awc::Client::default()).limits(), StoreLimits::default());
    /// ```
    pub fn limits(&self) -> StoreLimits {
        self.inner.store.borrow().limits()
    }

    /// Counters and what is held now.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// assert_eq!(Client::new(awc::Client::default()).stats().not_modified, 0);
    /// ```
    pub fn stats(&self) -> ClientStats {
        let counters = &self.inner.counters;
        let store = self.inner.store.borrow();
        ClientStats {
            requests: counters.requests.get(),
            full: counters.full.get(),
            not_modified: counters.not_modified.get(),
            precondition_failed: counters.precondition_failed.get(),
            entries: store.len(),
            bytes: store.bytes(),
            evictions: store.evictions(),
        }
    }

    /// The tag of the representation held for `url`, if any.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::new(awc::Client::default());
    /// assert_eq!(client.tag("http://127.0.0.1:8080/products/1"), None);
    /// ```
    pub fn tag(&self, url: &str) -> Option<EntityTag> {
        let target = Target::parse(&Method::GET, url).ok()?;
        let store = self.inner.store.borrow();
        store.get(&target.key).map(|stored| stored.tag().clone())
    }

    /// Drops the representation held for `url`; returns whether there was one.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::new(awc::Client::default());
    /// assert!(!client.forget("http://127.0.0.1:8080/products/1"));
    /// ```
    pub fn forget(&self, url: &str) -> bool {
        match Target::parse(&Method::GET, url) {
            Ok(target) => self.inner.store.borrow_mut().remove(&target.key),
            Err(_) => false,
        }
    }

    /// Drops every representation held.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::Client;
    ///
    /// let client = Client::new(awc::Client::default());
    /// client.clear();
    /// assert_eq!(client.stats().entries, 0);
    /// ```
    pub fn clear(&self) {
        self.inner.store.borrow_mut().clear();
    }

    /// Reads `url` as JSON: a conditional `GET` with `If-None-Match` of the tag held, the
    /// held representation on `304`, the new one (stored when allowed) on `200`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::InvalidUrl`], [`ErrorKind::Transport`], [`ErrorKind::Status`] for a
    /// response that is not a success (with its status and problem details),
    /// [`ErrorKind::BodyTooLarge`], and [`ErrorKind::BadBody`] when the body is not a `T`.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, HttpServer, web};
    /// use etag_actix::client::{Client, ErrorKind};
    /// use etag_actix::{EntityTag, Tagged};
    ///
    /// async fn greeting() -> Tagged<&'static str> {
    ///     Tagged::with_etag("hello", EntityTag::strong("v1").unwrap())
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let server = HttpServer::new(|| App::new().route("/greeting", web::get().to(greeting)))
    ///     .workers(1)
    ///     .bind("127.0.0.1:0")?;
    /// let base = format!("http://{}", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// let url = format!("{base}/greeting");
    /// assert_eq!(client.get::<String>(&url).await?, "hello");
    /// assert_eq!(client.tag(&url), Some(EntityTag::strong("v1")?));
    /// assert_eq!(client.get::<String>(&url).await?, "hello");
    /// assert_eq!((client.stats().full, client.stats().not_modified), (1, 1));
    ///
    /// let missing = client.get::<String>(&format!("{base}/nothing")).await.unwrap_err();
    /// assert_eq!(missing.kind(), ErrorKind::Status);
    /// assert_eq!(missing.status(), Some(actix_web::http::StatusCode::NOT_FOUND));
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn get<T: DeserializeOwned>(&self, url: &str) -> Result<T, ClientError> {
        let target = Target::parse(&Method::GET, url)?;
        let current = self.fetch(&target).await?;
        decode(&target, &Method::GET, &current)
    }

    /// Changes `url` with a JSON Merge Patch computed from its current representation:
    /// reads it (conditionally), calls `f` on it, and sends the result as `PATCH` with
    /// `Content-Type: application/merge-patch+json` and `If-Match` of the tag of what `f`
    /// saw. On `412 Precondition Failed` (another writer changed it in between) it reads
    /// again and calls `f` again, at most [`max_retries`](ClientBuilder::max_retries) times.
    /// Returns the new representation from the response, which is stored with its new tag.
    ///
    /// `f` must compute the change from the value it is given (not from a copy read before),
    /// and may be called several times.
    ///
    /// # Errors
    ///
    /// Those of [`get`](Self::get) for the read; [`ErrorKind::Unprotected`] when the
    /// representation has no strong `ETag` (nothing is sent); [`ErrorKind::Encode`] when
    /// `f`'s result does not serialize; [`ErrorKind::LostRaces`] after too many `412`s;
    /// [`ErrorKind::Status`] for any other refusal (`404`, `422`, `428`...).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use actix_web::{App, HttpServer, web};
    /// use etag_actix::client::Client;
    /// use etag_actix::{ETag, PreconditionError, Preconditions, Tagged};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Clone, Serialize, Deserialize, ETag)]
    /// struct Counter {
    ///     #[etag]
    ///     version: u64,
    ///     count: u64,
    /// }
    ///
    /// type Db = web::Data<Mutex<Counter>>;
    ///
    /// async fn show(db: Db) -> Tagged<Counter> {
    ///     Tagged::new(db.lock().unwrap().clone())
    /// }
    ///
    /// async fn patch(
    ///     pre: Preconditions,
    ///     db: Db,
    ///     patch: web::Json<serde_json::Value>,
    /// ) -> Result<Tagged<Counter>, PreconditionError> {
    ///     let mut counter = db.lock().unwrap();
    ///     pre.check(&*counter)?;                       // 412 unless If-Match is current
    ///     if let Some(count) = patch["count"].as_u64() {
    ///         counter.count = count;
    ///     }
    ///     counter.version += 1;
    ///     Ok(Tagged::new(counter.clone()))
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let db = web::Data::new(Mutex::new(Counter { version: 1, count: 0 }));
    /// let server = HttpServer::new(move || {
    ///     App::new().app_data(db.clone()).service(
    ///         web::resource("/counter")
    ///             .route(web::get().to(show))
    ///             .route(web::patch().to(patch)),
    ///     )
    /// })
    /// .workers(1)
    /// .bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/counter", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// let updated: Counter = client
    ///     .update(&url, |c: &Counter| serde_json::json!({ "count": c.count + 1 }))
    ///     .await?;
    /// assert_eq!((updated.count, updated.version), (1, 2));
    /// // The response is held with its new tag: the next read is a 304.
    /// let again: Counter = client.get(&url).await?;
    /// assert_eq!(again.count, 1);
    /// assert_eq!(client.stats().not_modified, 1);
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn update<T, B, F>(&self, url: &str, f: F) -> Result<T, ClientError>
    where
        T: DeserializeOwned,
        B: Serialize,
        F: FnMut(&T) -> B,
    {
        self.read_modify_write(WriteMethod::Patch, url, f).await
    }

    /// Replaces `url` with a whole new representation computed from the current one: as
    /// [`update`](Self::update), but `f`'s result is sent as `PUT` with
    /// `Content-Type: application/json`.
    ///
    /// # Errors
    ///
    /// As [`update`](Self::update).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use actix_web::{App, HttpServer, web};
    /// use etag_actix::client::Client;
    /// use etag_actix::{ETag, PreconditionError, Preconditions, Tagged};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Clone, Serialize, Deserialize, ETag)]
    /// struct Note {
    ///     #[etag]
    ///     version: u64,
    ///     text: String,
    /// }
    ///
    /// #[derive(Deserialize, Serialize)]
    /// struct NewNote {
    ///     text: String,
    /// }
    ///
    /// type Db = web::Data<Mutex<Note>>;
    ///
    /// async fn show(db: Db) -> Tagged<Note> {
    ///     Tagged::new(db.lock().unwrap().clone())
    /// }
    ///
    /// async fn put(pre: Preconditions, db: Db, new: web::Json<NewNote>)
    ///     -> Result<Tagged<Note>, PreconditionError>
    /// {
    ///     let mut note = db.lock().unwrap();
    ///     pre.check(&*note)?;
    ///     *note = Note { version: note.version + 1, text: new.into_inner().text };
    ///     Ok(Tagged::new(note.clone()))
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let db = web::Data::new(Mutex::new(Note { version: 1, text: "draft".into() }));
    /// let server = HttpServer::new(move || {
    ///     App::new().app_data(db.clone()).service(
    ///         web::resource("/note").route(web::get().to(show)).route(web::put().to(put)),
    ///     )
    /// })
    /// .workers(1)
    /// .bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/note", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// let note: Note = client
    ///     .replace(&url, |n: &Note| NewNote { text: format!("{}, revised", n.text) })
    ///     .await?;
    /// assert_eq!(note.text, "draft, revised");
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn replace<T, B, F>(&self, url: &str, f: F) -> Result<T, ClientError>
    where
        T: DeserializeOwned,
        B: Serialize,
        F: FnMut(&T) -> B,
    {
        self.read_modify_write(WriteMethod::Put, url, f).await
    }

    /// Creates `url` only if it does not exist yet: `PUT` of `body` with
    /// `If-None-Match: *`. Returns the representation from the response (stored with its
    /// tag).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Status`] with `412` when the resource already exists (no retry), and
    /// those of [`write`](Self::write).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use actix_web::{App, HttpServer, http::StatusCode, web};
    /// use etag_actix::client::Client;
    /// use etag_actix::{ETag, PreconditionError, Preconditions, Tagged};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Clone, Debug, Serialize, Deserialize, ETag)]
    /// struct Note {
    ///     #[etag]
    ///     text: String,
    /// }
    ///
    /// type Db = web::Data<Mutex<Option<Note>>>;
    ///
    /// async fn put(pre: Preconditions, db: Db, new: web::Json<Note>)
    ///     -> Result<Tagged<Note>, PreconditionError>
    /// {
    ///     let mut slot = db.lock().unwrap();
    ///     pre.check_option(slot.as_ref())?;            // If-None-Match: * fails when present
    ///     let created = slot.insert(new.into_inner()).clone();
    ///     Ok(Tagged::new(created).status(StatusCode::CREATED))
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let db: Db = web::Data::new(Mutex::new(None));
    /// let server = HttpServer::new(move || {
    ///     App::new().app_data(db.clone()).route("/note", web::put().to(put))
    /// })
    /// .workers(1)
    /// .bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/note", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// let note = Note { text: "first".into() };
    /// let created: Note = client.create(&url, &note).await?;
    /// assert_eq!(created.text, "first");
    /// let again = client.create::<Note, _>(&url, &note).await.unwrap_err();
    /// assert_eq!(again.status(), Some(StatusCode::PRECONDITION_FAILED));
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn create<T, B>(&self, url: &str, body: &B) -> Result<T, ClientError>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        self.write(WriteMethod::Put, url, Precondition::IfNoneMatchAny, body)
            .await
    }

    /// Sends one write of `body` with the condition given, without reading first or
    /// retrying: for a client that keeps its own tags, or a deliberate unconditional write.
    /// Returns the representation from the response (stored with its tag when allowed).
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Status`] for a refusal, `412` included; [`ErrorKind::Encode`],
    /// [`ErrorKind::InvalidUrl`], [`ErrorKind::Transport`], [`ErrorKind::BodyTooLarge`],
    /// [`ErrorKind::BadBody`].
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, HttpServer, http::StatusCode, web};
    /// use etag_actix::client::{Client, Precondition, WriteMethod};
    /// use etag_actix::{PreconditionError, Preconditions};
    ///
    /// // A route that requires every write to be conditional.
    /// async fn patch(pre: Preconditions) -> Result<&'static str, PreconditionError> {
    ///     pre.require()?;
    ///     Ok("\"changed\"")
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let server = HttpServer::new(|| App::new().route("/thing", web::patch().to(patch)))
    /// .workers(1)
    /// .bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/thing", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// let patch = serde_json::json!({ "name": "x" });
    /// let err = client
    ///     .write::<serde_json::Value, _>(WriteMethod::Patch, &url, Precondition::Unconditional, &patch)
    ///     .await
    ///     .unwrap_err();
    /// assert_eq!(err.status(), Some(StatusCode::PRECONDITION_REQUIRED));
    /// assert!(err.detail().is_some_and(|d| d.contains("If-Match")));
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn write<T, B>(
        &self,
        method: WriteMethod,
        url: &str,
        precondition: Precondition,
        body: &B,
    ) -> Result<T, ClientError>
    where
        T: DeserializeOwned,
        B: Serialize + ?Sized,
    {
        let http_method = method.method();
        let target = Target::parse(&http_method, url)?;
        let body = encode(&target, &http_method, body)?;
        match self
            .write_once(method, &target, &precondition, body)
            .await?
        {
            Written::Done(written) => decode(&target, &http_method, &written),
            Written::PreconditionFailed(err) => Err(err),
        }
    }

    /// Deletes `url` if `f` approves of its current representation: reads it
    /// (conditionally), calls `f` on it, and when `f` says `true` sends `DELETE` with
    /// `If-Match` of the tag of what `f` saw, so nothing another writer changed in between
    /// is deleted. On `412 Precondition Failed` it reads again and asks `f` again, at most
    /// [`max_retries`](ClientBuilder::max_retries) times.
    ///
    /// Returns `true` when the server answered the `DELETE` with a `2xx` (a `202 Accepted`
    /// says the deletion was accepted, perhaps not yet done), after which nothing is held for
    /// `url`; `false` when `f` declined, and then nothing is sent after the read.
    ///
    /// # Errors
    ///
    /// Those of [`get`](Self::get) for the read (a `404` when there is nothing to delete;
    /// `f` is not called); [`ErrorKind::Unprotected`] when the representation has no strong
    /// `ETag` (nothing is sent); [`ErrorKind::LostRaces`] after too many `412`s;
    /// [`ErrorKind::Status`] for any other answer to the `DELETE`, such as a `404` or `410`
    /// when another client deleted it after the read (nothing is held for `url` then).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::sync::Mutex;
    /// use actix_web::{App, HttpResponse, HttpServer, web};
    /// use etag_actix::client::Client;
    /// use etag_actix::{ETag, PreconditionError, Preconditions, Tagged};
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Clone, Serialize, Deserialize, ETag)]
    /// struct Job {
    ///     #[etag]
    ///     state: String,
    /// }
    ///
    /// type Db = web::Data<Mutex<Option<Job>>>;
    ///
    /// async fn show(db: Db) -> Result<Tagged<Job>, actix_web::Error> {
    ///     let job = db.lock().unwrap().clone();
    ///     job.map(Tagged::new).ok_or_else(|| actix_web::error::ErrorNotFound("no job"))
    /// }
    ///
    /// async fn delete(pre: Preconditions, db: Db) -> Result<HttpResponse, PreconditionError> {
    ///     let mut slot = db.lock().unwrap();
    ///     pre.check_option(slot.as_ref())?;            // 412 unless If-Match is current
    ///     *slot = None;
    ///     Ok(HttpResponse::NoContent().finish())
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let db: Db = web::Data::new(Mutex::new(Some(Job { state: "running".into() })));
    /// let server = HttpServer::new(move || {
    ///     App::new().app_data(db.clone()).service(
    ///         web::resource("/job").route(web::get().to(show)).route(web::delete().to(delete)),
    ///     )
    /// })
    /// .workers(1)
    /// .bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/job", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// // Only a finished job may be removed: this one is still running.
    /// assert!(!client.delete_if(&url, |job: &Job| job.state == "done").await?);
    /// assert!(client.delete_if(&url, |job: &Job| job.state == "running").await?);
    /// assert!(client.get::<Job>(&url).await.is_err());
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn delete_if<T, F>(&self, url: &str, mut f: F) -> Result<bool, ClientError>
    where
        T: DeserializeOwned,
        F: FnMut(&T) -> bool,
    {
        let method = Method::DELETE;
        let target = Target::parse(&method, url)?;
        let mut races = 0;
        loop {
            let current = self.fetch(&target).await?;
            let tag = strong_tag(&target, &method, &current)?;
            let value: T = decode(&target, &Method::GET, &current)?;
            if !f(&value) {
                return Ok(false);
            }
            match self
                .delete_once(&target, &Precondition::IfMatch(tag))
                .await?
            {
                None => return Ok(true),
                Some(err) => {
                    races += 1;
                    if races > self.inner.max_retries {
                        return Err(gave_up(&target, &method, &err, races));
                    }
                }
            }
        }
    }

    /// Sends one `DELETE` with the condition given, without reading first or retrying: with
    /// [`Precondition::IfMatch`] of [`tag`](Self::tag), "delete the version I hold". Nothing
    /// is held for `url` after a `2xx`.
    ///
    /// # Errors
    ///
    /// [`ErrorKind::Status`] for a refusal, `412` included (the held entry with that tag is
    /// dropped); [`ErrorKind::InvalidUrl`], [`ErrorKind::Transport`];
    /// [`ErrorKind::Unprotected`] for an `If-Match` tag that is no valid header value.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::{App, HttpServer, http::StatusCode, web};
    /// use etag_actix::client::{Client, Precondition};
    /// use etag_actix::{EntityTag, PreconditionError, Preconditions, Validators};
    ///
    /// // A resource whose current tag is "v2".
    /// async fn delete(pre: Preconditions) -> Result<&'static str, PreconditionError> {
    ///     let current = EntityTag::strong("v2").unwrap();
    ///     pre.check_with(Some(Validators { etag: Some(&current), last_modified: None }))?;
    ///     Ok("")
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let server = HttpServer::new(|| App::new().route("/thing", web::delete().to(delete)))
    ///     .workers(1)
    ///     .bind("127.0.0.1:0")?;
    /// let url = format!("http://{}/thing", server.addrs()[0]);
    /// let server = server.run();
    /// let handle = server.handle();
    /// actix_web::rt::spawn(server);
    ///
    /// let client = Client::new(awc::Client::default());
    /// let stale = Precondition::IfMatch(EntityTag::strong("v1")?);
    /// let err = client.delete(&url, stale).await.unwrap_err();
    /// assert_eq!(err.status(), Some(StatusCode::PRECONDITION_FAILED));
    /// client.delete(&url, Precondition::IfMatch(EntityTag::strong("v2")?)).await?;
    ///
    /// handle.stop(false).await;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn delete(&self, url: &str, precondition: Precondition) -> Result<(), ClientError> {
        let target = Target::parse(&Method::DELETE, url)?;
        match self.delete_once(&target, &precondition).await? {
            None => Ok(()),
            Some(lost) => Err(lost),
        }
    }

    async fn read_modify_write<T, B, F>(
        &self,
        method: WriteMethod,
        url: &str,
        mut f: F,
    ) -> Result<T, ClientError>
    where
        T: DeserializeOwned,
        B: Serialize,
        F: FnMut(&T) -> B,
    {
        let http_method = method.method();
        let target = Target::parse(&http_method, url)?;
        let mut races = 0;
        loop {
            let current = self.fetch(&target).await?;
            let tag = strong_tag(&target, &http_method, &current)?;
            let value: T = decode(&target, &Method::GET, &current)?;
            let body = encode(&target, &http_method, &f(&value))?;
            match self
                .write_once(method, &target, &Precondition::IfMatch(tag), body)
                .await?
            {
                Written::Done(written) => return decode(&target, &http_method, &written),
                Written::PreconditionFailed(err) => {
                    races += 1;
                    if races > self.inner.max_retries {
                        return Err(gave_up(&target, &http_method, &err, races));
                    }
                }
            }
        }
    }

    /// One `DELETE`: `None` when it succeeded, the `412` when it lost.
    async fn delete_once(
        &self,
        target: &Target,
        precondition: &Precondition,
    ) -> Result<Option<ClientError>, ClientError> {
        let method = Method::DELETE;
        let request = self.request(method.clone(), target, None)?;
        let extra = condition_headers(target, &method, precondition)?;
        bump(&self.inner.counters.requests);
        let mut response = request
            .extra_headers(extra)
            .send()
            .await
            .map_err(|err| transport(target, &method, &err))?;
        let status = response.status();
        if status.is_success() {
            // RFC 9111 §4.4: a successful write invalidates what was held.
            self.inner.store.borrow_mut().remove(&target.key);
            // The server took the DELETE whatever the body says; a small body is read (and
            // dropped) only so the connection can be reused.
            let limit = self.inner.max_body.min(MAX_PROBLEM_BODY);
            let _ = response.body().limit(limit).await;
            return Ok(None);
        }
        self.refused(target, &method, precondition, &mut response)
            .await
            .map(Some)
    }

    /// A frozen request for `target` with the header fields every call sends.
    fn request(
        &self,
        method: Method,
        target: &Target,
        content_type: Option<&'static str>,
    ) -> Result<FrozenClientRequest, ClientError> {
        let mut request = self
            .inner
            .http
            .request(method.clone(), target.uri.clone())
            .insert_header((header::ACCEPT, "application/json"));
        if let Some(content_type) = content_type {
            request = request.insert_header((header::CONTENT_TYPE, content_type));
        }
        request.freeze().map_err(|err| {
            let kind = match err {
                FreezeRequestError::Url(_) => ErrorKind::InvalidUrl,
                _ => ErrorKind::Transport,
            };
            target
                .error(kind, &method)
                .with_source(Message(err.to_string()))
        })
    }

    /// A conditional GET of `target`: the held representation on 304, the new one on 2xx.
    async fn fetch(&self, target: &Target) -> Result<Representation, ClientError> {
        let method = Method::GET;
        let request = self.request(method.clone(), target, None)?;
        let mut revalidate = true;
        loop {
            let held = if revalidate {
                self.inner
                    .store
                    .borrow_mut()
                    .lookup(&target.key, request.headers())
            } else {
                None
            };
            let sent = match &held {
                Some(held) => {
                    let mut conditional =
                        request.extra_header((header::IF_NONE_MATCH, held.if_none_match()));
                    if let Some(date) = held
                        .if_modified_since()
                        .and_then(|date| HeaderValue::from_bytes(date).ok())
                    {
                        conditional = conditional.extra_header((header::IF_MODIFIED_SINCE, date));
                    }
                    conditional.send()
                }
                None => request.send(),
            };
            bump(&self.inner.counters.requests);
            let mut response = sent.await.map_err(|err| transport(target, &method, &err))?;
            let status = response.status();
            if status == StatusCode::NOT_MODIFIED {
                if let Some(held) = held {
                    let applied = self.inner.store.borrow_mut().not_modified(
                        &target.key,
                        &held,
                        request.headers(),
                        response.headers(),
                    );
                    match applied {
                        Ok(body) => {
                            bump(&self.inner.counters.not_modified);
                            return Ok(Representation {
                                status,
                                body,
                                tag: Some(held.response().tag().clone()),
                            });
                        }
                        // A 304 for another representation than the one held: ask again
                        // without a condition (the entry is dropped).
                        Err(_) => {
                            revalidate = false;
                            continue;
                        }
                    }
                }
                return Err(self.status_error(target, &method, &mut response).await);
            }
            if status.is_success() {
                let body = self.read_body(target, &method, &mut response).await?;
                let tag = policy::entity_tag(response.headers()).ok();
                // Not stored is no error: the representation is still returned.
                let _ = self.inner.store.borrow_mut().store(
                    &target.key,
                    request.headers(),
                    status.as_u16(),
                    response.headers(),
                    body.clone(),
                );
                if status == StatusCode::OK {
                    bump(&self.inner.counters.full);
                }
                return Ok(Representation { status, body, tag });
            }
            if matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
                self.inner.store.borrow_mut().remove(&target.key);
            }
            return Err(self.status_error(target, &method, &mut response).await);
        }
    }

    /// One write; a success's representation (from its body, or read again).
    async fn write_once(
        &self,
        method: WriteMethod,
        target: &Target,
        precondition: &Precondition,
        body: Vec<u8>,
    ) -> Result<Written, ClientError> {
        let http_method = method.method();
        let request = self.request(http_method.clone(), target, Some(method.content_type()))?;
        let extra = condition_headers(target, &http_method, precondition)?;
        bump(&self.inner.counters.requests);
        let mut response = request
            .extra_headers(extra)
            .send_body(body)
            .await
            .map_err(|err| transport(target, &http_method, &err))?;
        let status = response.status();
        if status.is_success() {
            // RFC 9111 §4.4: a successful write invalidates what was held.
            self.inner.store.borrow_mut().remove(&target.key);
            let body = self.read_body(target, &http_method, &mut response).await?;
            let describes_target = matches!(status, StatusCode::OK | StatusCode::CREATED)
                && !body.is_empty()
                && names_target(response.headers(), &target.uri);
            if !describes_target {
                return Ok(Written::Done(self.fetch(target).await?));
            }
            let tag = policy::entity_tag(response.headers()).ok();
            let _ = self.inner.store.borrow_mut().store(
                &target.key,
                request.headers(),
                StatusCode::OK.as_u16(),
                response.headers(),
                body.clone(),
            );
            return Ok(Written::Done(Representation { status, body, tag }));
        }
        self.refused(target, &http_method, precondition, &mut response)
            .await
            .map(Written::PreconditionFailed)
    }

    /// A write that did not succeed: `Ok` with the `412` when it lost a race (what it was
    /// based on is dropped), `Err` for any other refusal.
    async fn refused<S>(
        &self,
        target: &Target,
        method: &Method,
        precondition: &Precondition,
        response: &mut ClientResponse<S>,
    ) -> Result<ClientError, ClientError>
    where
        S: Stream<Item = Result<Bytes, PayloadError>>,
    {
        let status = response.status();
        if status == StatusCode::PRECONDITION_FAILED {
            bump(&self.inner.counters.precondition_failed);
            // The representation the write was based on is stale; one that another request
            // stored meanwhile may be current, and the next read revalidates it.
            match precondition {
                Precondition::IfMatch(tag) => {
                    self.inner
                        .store
                        .borrow_mut()
                        .remove_tagged(&target.key, tag);
                }
                _ => {
                    self.inner.store.borrow_mut().remove(&target.key);
                }
            }
            return Ok(self.status_error(target, method, response).await);
        }
        // RFC 9111 §4.4: a non-error answer to an unsafe method (a redirect here) invalidates
        // the target; so does learning that it is gone.
        if status.is_redirection() || matches!(status, StatusCode::NOT_FOUND | StatusCode::GONE) {
            self.inner.store.borrow_mut().remove(&target.key);
        }
        Err(self.status_error(target, method, response).await)
    }

    /// The body, up to the client's limit.
    async fn read_body<S>(
        &self,
        target: &Target,
        method: &Method,
        response: &mut ClientResponse<S>,
    ) -> Result<Bytes, ClientError>
    where
        S: Stream<Item = Result<Bytes, PayloadError>>,
    {
        let status = response.status();
        let limit = self.inner.max_body;
        response.body().limit(limit).await.map_err(|err| match err {
            PayloadError::Overflow => target
                .error(ErrorKind::BodyTooLarge, method)
                .with_status(status)
                .with_limit(limit),
            other => target
                .error(ErrorKind::Transport, method)
                .with_status(status)
                .with_source(Message(other.to_string())),
        })
    }

    /// An [`ErrorKind::Status`] error for `response`, with its problem details.
    async fn status_error<S>(
        &self,
        target: &Target,
        method: &Method,
        response: &mut ClientResponse<S>,
    ) -> ClientError
    where
        S: Stream<Item = Result<Bytes, PayloadError>>,
    {
        let status = response.status();
        let is_json = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.contains("json"));
        // Read even when not JSON, so the connection can be reused.
        let limit = self.inner.max_body.min(MAX_PROBLEM_BODY);
        let body = response.body().limit(limit).await.ok();
        let (title, detail) = match body {
            Some(body) if is_json => problem(&body),
            _ => (None, None),
        };
        target
            .error(ErrorKind::Status, method)
            .with_status(status)
            .with_problem(title, detail)
    }
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("stats", &self.stats())
            .field("limits", &self.limits())
            .field("max_body", &self.inner.max_body)
            .field("max_retries", &self.inner.max_retries)
            .finish_non_exhaustive()
    }
}

/// The header fields of `precondition`; never a write without its condition.
fn condition_headers(
    target: &Target,
    method: &Method,
    precondition: &Precondition,
) -> Result<HeaderMap, ClientError> {
    let mut headers = HeaderMap::new();
    match precondition {
        Precondition::IfMatch(tag) => {
            let value = HeaderValue::try_from(tag.to_string()).map_err(|err| {
                target
                    .error(ErrorKind::Unprotected, method)
                    .with_source(Message(err.to_string()))
            })?;
            headers.insert(header::IF_MATCH, value);
        }
        Precondition::IfNoneMatchAny => {
            headers.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        }
        Precondition::Unconditional => {}
    }
    Ok(headers)
}

/// The strong tag a write based on `current` sends as `If-Match`, or
/// [`ErrorKind::Unprotected`].
fn strong_tag(
    target: &Target,
    method: &Method,
    current: &Representation,
) -> Result<EntityTag, ClientError> {
    match &current.tag {
        Some(tag) if !tag.is_weak() => Ok(tag.clone()),
        _ => Err(target.error(ErrorKind::Unprotected, method)),
    }
}

/// [`ErrorKind::LostRaces`] after `races` lost races, with the last `412`'s problem details.
fn gave_up(target: &Target, method: &Method, last: &ClientError, races: u32) -> ClientError {
    let title = last.title().map(str::to_owned);
    let detail = last.detail().map(str::to_owned);
    target
        .error(ErrorKind::LostRaces, method)
        .with_status(StatusCode::PRECONDITION_FAILED)
        .with_problem(title, detail)
        .with_races(races)
}

/// The `title` and `detail` of a problem details (or any JSON object) body.
fn problem(body: &[u8]) -> (Option<String>, Option<String>) {
    let Ok(serde_json::Value::Object(members)) = serde_json::from_slice(body) else {
        return (None, None);
    };
    let text = |name: &str| {
        members
            .get(name)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
    };
    (text("title"), text("detail"))
}

/// Whether a write response's `Content-Location`, if any, names the request's target, so
/// that its body is the target's new representation (RFC 9110 §8.7).
fn names_target(headers: &HeaderMap, uri: &Uri) -> bool {
    let Some(location) = headers.get(header::CONTENT_LOCATION) else {
        return true;
    };
    let location = location.as_bytes();
    if location.starts_with(b"/") {
        uri.path_and_query()
            .is_some_and(|path| path.as_str().as_bytes() == location)
    } else {
        uri.to_string().as_bytes() == location
    }
}

fn transport(target: &Target, method: &Method, err: &SendRequestError) -> ClientError {
    let kind = match err {
        SendRequestError::Url(_) => ErrorKind::InvalidUrl,
        _ => ErrorKind::Transport,
    };
    target
        .error(kind, method)
        .with_source(Message(err.to_string()))
}

fn decode<T: DeserializeOwned>(
    target: &Target,
    method: &Method,
    representation: &Representation,
) -> Result<T, ClientError> {
    serde_json::from_slice(&representation.body).map_err(|err| {
        target
            .error(ErrorKind::BadBody, method)
            .with_status(representation.status)
            .with_source(err)
    })
}

fn encode<B: Serialize + ?Sized>(
    target: &Target,
    method: &Method,
    body: &B,
) -> Result<Vec<u8>, ClientError> {
    serde_json::to_vec(body).map_err(|err| target.error(ErrorKind::Encode, method).with_source(err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_location_names_the_target_by_path_or_absolute_url() {
        let uri: Uri = "http://svc:8080/products/1?x=1"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_LOCATION, HeaderValue::from_static(value));
            headers
        };
        assert!(names_target(&HeaderMap::new(), &uri));
        assert!(names_target(&with("/products/1?x=1"), &uri));
        assert!(names_target(&with("http://svc:8080/products/1?x=1"), &uri));
        assert!(!names_target(&with("/products/2"), &uri));
        assert!(!names_target(&with("/products/1"), &uri));
        assert!(!names_target(&with("1"), &uri));
    }

    #[test]
    fn problem_details_are_read_from_json_objects_only() {
        assert_eq!(
            problem(br#"{"type":"about:blank","title":"Not Found","status":404,"detail":"no 9"}"#),
            (Some("Not Found".into()), Some("no 9".into()))
        );
        assert_eq!(problem(br#"{"detail": 5}"#), (None, None));
        assert_eq!(problem(b"[1]"), (None, None));
        assert_eq!(problem(b"not json"), (None, None));
    }

    #[test]
    fn only_absolute_urls_are_targets() {
        for url in ["/products/1", "products", "http://", "http://a b/"] {
            let err = Target::parse(&Method::GET, url).err();
            assert_eq!(err.map(|e| e.kind()), Some(ErrorKind::InvalidUrl), "{url}");
        }
        assert!(Target::parse(&Method::GET, "http://127.0.0.1:1/x").is_ok());
    }
}
