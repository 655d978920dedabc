//! [`ConditionalWrite`]: a whole conditional write in one call, and its [`WriteError`].

use core::fmt;

use actix_web::body::BoxBody;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use etag_core::{ETag, Validators};

use crate::error::PreconditionError;
use crate::preconditions::Preconditions;
use crate::problem::Problem;

/// Attempts of a write whose compare-and-swap keeps losing while its preconditions hold.
const DEFAULT_ATTEMPTS: u32 = 8;

/// `Retry-After` of the 503 sent when they run out, in seconds.
const DEFAULT_RETRY_AFTER: u32 = 1;

/// A conditional write in one call: made by [`Preconditions::write`], run by
/// [`update`](Self::update) or [`run`](Self::run).
///
/// It takes two steps from the handler, both async (an async store is awaited directly, a
/// blocking one is wrapped in `web::block`), and does the rest:
///
/// 1. `load` reads the current state: `Ok(None)` when the resource does not exist. A cheap
///    read is enough when it yields the validators (a derived tag depends only on the
///    selected fields: `SELECT id, version` makes the same tag as the whole row).
/// 2. An absent resource is `404` ([`WriteError::NotFound`]) whatever the preconditions,
///    unless the write may create it ([`create_if_absent`](Self::create_if_absent)).
/// 3. The preconditions are evaluated against that state, before any side effect:
///    `412 Precondition Failed` (with the current tag) when one is false; `428 Precondition
///    Required` when the [`PreconditionConfig`](crate::PreconditionConfig) requires one
///    and the request carries none that protects this write (decided here, once existence
///    is known). A malformed header was answered `400` at extraction.
/// 4. `swap` gets the state the preconditions held for and applies the change **only if
///    that state is still current**, in one atomic step of the store
///    (`UPDATE ... WHERE id = ? AND version = ? RETURNING ...`): `Ok(Some(result))` when it
///    applied, `Ok(None)` when another writer got there first.
/// 5. After a lost race it starts over at 1 with the new state: preconditions that are now
///    false get their `412` (a specific `If-Match` tag, an `If-Unmodified-Since` now
///    passed), a resource deleted meanwhile its `404`, and preconditions that still hold
///    (`If-Match: *`, a later `If-Unmodified-Since`, none at all) a retry. After
///    [`max_attempts`](Self::max_attempts) lost races, and a last read that found the
///    preconditions still true, the answer is `503 Service Unavailable` with `Retry-After`
///    ([`PreconditionError::contended`]): never a 412 for a precondition that holds, and
///    nothing written. (So `load` runs at most `max_attempts + 1` times, `swap` at most
///    `max_attempts` times.)
///
/// The same call serves every kind of write: an update or delete ([`update`](Self::update),
/// `swap` gets the current state), a create-only `PUT` with `If-None-Match: *` or a
/// create-or-replace `PUT` ([`run`](Self::run) with
/// [`create_if_absent`](Self::create_if_absent), `swap` gets `None` to create), and a
/// `POST` to a collection (`load` reads the collection's version, `swap` inserts if it is
/// unchanged). Everything is generic and nothing is boxed: the futures are the handler's own.
///
/// # Examples
///
/// An update with a compare-and-swap store, over real requests:
///
/// ```
/// use std::collections::HashMap;
/// use std::convert::Infallible;
/// use std::sync::Mutex;
/// use actix_web::{App, test, web, http::{StatusCode, header}};
/// use etag_actix::{ETag, Preconditions, Tagged, WriteError};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Clone, Serialize, ETag)]
/// struct Note { #[etag] id: u64, #[etag] version: u64, text: String }
///
/// #[derive(Default)]
/// struct Store(Mutex<HashMap<u64, Note>>);
///
/// impl Store {
///     async fn get(&self, id: u64) -> Result<Option<Note>, Infallible> {
///         Ok(self.0.lock().unwrap().get(&id).cloned())
///     }
///     /// `UPDATE notes SET text = ?, version = version + 1 WHERE id = ? AND version = ?`
///     async fn update_if_version(&self, id: u64, version: u64, text: &str) -> Result<Option<Note>, Infallible> {
///         let mut notes = self.0.lock().unwrap();
///         Ok(notes.get_mut(&id).filter(|n| n.version == version).map(|n| {
///             n.version += 1;
///             n.text = text.to_owned();
///             n.clone()
///         }))
///     }
/// }
///
/// #[derive(Deserialize)]
/// struct NewText { text: String }
///
/// async fn replace(
///     pre: Preconditions,
///     id: web::Path<u64>,
///     body: web::Json<NewText>,
///     store: web::Data<Store>,
/// ) -> Result<Tagged<Note>, WriteError<Infallible>> {
///     let note = pre
///         .write()
///         .update(
///             async || store.get(*id).await,
///             async |current| store.update_if_version(*id, current.version, &body.text).await,
///         )
///         .await?;
///     Ok(Tagged::new(note))
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let store = web::Data::new(Store::default());
/// let note = Note { id: 1, version: 1, text: "draft".into() };
/// let stale = note.etag().to_string();
/// store.0.lock().unwrap().insert(1, note);
/// let app = test::init_service(
///     App::new().app_data(store.clone()).route("/notes/{id}", web::put().to(replace)),
/// ).await;
/// let put = |uri: &str, tag: &str| {
///     test::TestRequest::put()
///         .uri(uri)
///         .insert_header((header::IF_MATCH, tag.to_owned()))
///         .set_json(serde_json::json!({ "text": "final" }))
///         .to_request()
/// };
/// assert_eq!(test::call_service(&app, put("/notes/1", &stale)).await.status(), StatusCode::OK);
/// // The same stale tag again: the note changed meanwhile, so 412 and nothing is written.
/// let res = test::call_service(&app, put("/notes/1", &stale)).await;
/// assert_eq!(res.status(), StatusCode::PRECONDITION_FAILED);
/// // A note that does not exist: 404, whatever the preconditions.
/// assert_eq!(test::call_service(&app, put("/notes/9", &stale)).await.status(), StatusCode::NOT_FOUND);
/// # });
/// ```
#[derive(Clone, Copy, Debug)]
#[must_use = "a conditional write does nothing until `update` or `run` is awaited"]
pub struct ConditionalWrite<'p> {
    pre: &'p Preconditions,
    create_if_absent: bool,
    attempts: u32,
    retry_after: u32,
}

impl Preconditions {
    /// Starts a conditional write: see [`ConditionalWrite`] for what it does.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let pre = Preconditions::from_req(&TestRequest::put().to_http_request())?;
    /// let write = pre.write().create_if_absent(true).max_attempts(3);
    /// # let _ = write;
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn write(&self) -> ConditionalWrite<'_> {
        ConditionalWrite {
            pre: self,
            create_if_absent: false,
            attempts: DEFAULT_ATTEMPTS,
            retry_after: DEFAULT_RETRY_AFTER,
        }
    }
}

impl<'p> ConditionalWrite<'p> {
    /// Whether an absent resource is created (`swap` gets `None`) rather than answered
    /// `404` (default: `false`). Turn it on for a `PUT` that creates or replaces; for one
    /// that creates only on request, pass
    /// `pre.if_none_match() == Some(Condition::Any)`: `If-None-Match: *` then creates, and
    /// fails with 412 when the resource exists.
    ///
    /// With creation on, the preconditions are evaluated against "no representation":
    /// `If-Match` fails (412), `If-None-Match: *` holds, and a required precondition must
    /// be one of those (`If-Unmodified-Since` cannot be evaluated without a resource: 428).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::{Condition, Preconditions};
    ///
    /// let req = TestRequest::put().insert_header(("if-none-match", "*")).to_http_request();
    /// let pre = Preconditions::from_req(&req)?;
    /// let creates = pre.if_none_match() == Some(Condition::Any);
    /// let write = pre.write().create_if_absent(creates);
    /// # let _ = write;
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn create_if_absent(mut self, creates: bool) -> Self {
        self.create_if_absent = creates;
        self
    }

    /// How many times `swap` may lose before the answer is `503` (default 8, at least 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let pre = Preconditions::from_req(&TestRequest::patch().to_http_request())?;
    /// let once = pre.write().max_attempts(1);
    /// # let _ = once;
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.attempts = attempts.max(1);
        self
    }

    /// The `Retry-After` of the `503`, in seconds (default 1).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test::TestRequest;
    /// use etag_actix::Preconditions;
    ///
    /// let pre = Preconditions::from_req(&TestRequest::delete().to_http_request())?;
    /// let patient = pre.write().retry_after(5);
    /// # let _ = patient;
    /// # Ok::<(), etag_actix::PreconditionError>(())
    /// ```
    pub fn retry_after(mut self, seconds: u32) -> Self {
        self.retry_after = seconds;
        self
    }

    /// Runs an update or a delete: `swap` gets the current state the preconditions held
    /// for; an absent resource is `404` ([`create_if_absent`](Self::create_if_absent) does
    /// not apply). See [`ConditionalWrite`] for the steps.
    ///
    /// # Errors
    ///
    /// [`WriteError::NotFound`] (absent), [`WriteError::Precondition`] (412, 428, or 503
    /// when every attempt lost), [`WriteError::Store`] (what `load` or `swap` returned).
    ///
    /// # Examples
    ///
    /// A delete with a blocking store (rusqlite, say), run on actix's blocking pool:
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use actix_web::{App, HttpResponse, test, web, http::{StatusCode, header}};
    /// use actix_web::error::BlockingError;
    /// use etag_actix::{ETag, Preconditions, WriteError};
    ///
    /// #[derive(Clone, ETag)]
    /// struct Row { #[etag] version: u64 }
    ///
    /// type Db = Arc<Mutex<Option<Row>>>;
    ///
    /// async fn delete(pre: Preconditions, db: web::Data<Db>) -> Result<HttpResponse, WriteError<BlockingError>> {
    ///     pre.write()
    ///         .update(
    ///             async || {
    ///                 let db = Arc::clone(&db);
    ///                 web::block(move || db.lock().unwrap().clone()).await
    ///             },
    ///             async |current| {
    ///                 let (db, version) = (Arc::clone(&db), current.version);
    ///                 // `DELETE FROM rows WHERE version = ?`: did it delete?
    ///                 web::block(move || {
    ///                     let mut row = db.lock().unwrap();
    ///                     let current = row.as_ref().is_some_and(|r| r.version == version);
    ///                     current.then(|| *row = None)
    ///                 })
    ///                 .await
    ///             },
    ///         )
    ///         .await?;
    ///     Ok(HttpResponse::NoContent().finish())
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let db = web::Data::new(Arc::new(Mutex::new(Some(Row { version: 3 }))));
    /// let tag = Row { version: 3 }.etag().to_string();
    /// let app = test::init_service(App::new().app_data(db.clone()).route("/", web::delete().to(delete))).await;
    /// let del = || test::TestRequest::delete().insert_header((header::IF_MATCH, tag.clone())).to_request();
    /// assert_eq!(test::call_service(&app, del()).await.status(), StatusCode::NO_CONTENT);
    /// assert_eq!(test::call_service(&app, del()).await.status(), StatusCode::NOT_FOUND);
    /// # });
    /// ```
    pub async fn update<S, R, E, L, W>(self, load: L, mut swap: W) -> Result<R, WriteError<E>>
    where
        S: ETag,
        L: AsyncFnMut() -> Result<Option<S>, E>,
        W: AsyncFnMut(&S) -> Result<Option<R>, E>,
    {
        self.create_if_absent(false)
            .run(load, async |current: Option<&S>| match current {
                Some(current) => swap(current).await,
                // Not reached: without creation an absent resource is a 404 before `swap`.
                None => Ok(None),
            })
            .await
    }

    /// Runs any conditional write: `swap` gets the current state the preconditions held
    /// for, or `None` to create the resource (only with
    /// [`create_if_absent`](Self::create_if_absent)). See [`ConditionalWrite`] for the steps.
    ///
    /// # Errors
    ///
    /// [`WriteError::NotFound`] (absent, and no creation), [`WriteError::Precondition`]
    /// (412, 428, or 503 when every attempt lost), [`WriteError::Store`] (what `load` or
    /// `swap` returned).
    ///
    /// # Examples
    ///
    /// Create-only with `If-None-Match: *`:
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use std::convert::Infallible;
    /// use std::sync::Mutex;
    /// use actix_web::{App, test, web, http::{StatusCode, header}};
    /// use etag_actix::{Condition, ETag, Preconditions, Tagged, WriteError};
    ///
    /// #[derive(Clone, serde::Serialize, ETag)]
    /// struct Doc { #[etag] id: u64, #[etag] version: u64 }
    ///
    /// #[derive(Default)]
    /// struct Store(Mutex<HashMap<u64, Doc>>);
    ///
    /// async fn put(pre: Preconditions, id: web::Path<u64>, store: web::Data<Store>)
    ///     -> Result<Tagged<Doc>, WriteError<Infallible>>
    /// {
    ///     let creates = pre.if_none_match() == Some(Condition::Any);
    ///     let doc = pre
    ///         .write()
    ///         .create_if_absent(creates)
    ///         .run(
    ///             async || Ok::<_, Infallible>(store.0.lock().unwrap().get(&*id).cloned()),
    ///             async |current: Option<&Doc>| {
    ///                 let mut docs = store.0.lock().unwrap();
    ///                 match current {
    ///                     // `INSERT ... ON CONFLICT DO NOTHING RETURNING ...`
    ///                     None if !docs.contains_key(&*id) => {
    ///                         let doc = Doc { id: *id, version: 1 };
    ///                         docs.insert(*id, doc.clone());
    ///                         Ok(Some(doc))
    ///                     }
    ///                     // A replacement would go here; someone created it meanwhile: lost.
    ///                     _ => Ok(None),
    ///                 }
    ///             },
    ///         )
    ///         .await?;
    ///     Ok(Tagged::new(doc).created(format!("/docs/{}", *id)))
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let app = test::init_service(
    ///     App::new().app_data(web::Data::new(Store::default())).route("/docs/{id}", web::put().to(put)),
    /// ).await;
    /// let create = || test::TestRequest::put().uri("/docs/7").insert_header((header::IF_NONE_MATCH, "*")).to_request();
    /// assert_eq!(test::call_service(&app, create()).await.status(), StatusCode::CREATED);
    /// // It exists now: If-None-Match: * is false.
    /// assert_eq!(test::call_service(&app, create()).await.status(), StatusCode::PRECONDITION_FAILED);
    /// # });
    /// ```
    pub async fn run<S, R, E, L, W>(self, mut load: L, mut swap: W) -> Result<R, WriteError<E>>
    where
        S: ETag,
        L: AsyncFnMut() -> Result<Option<S>, E>,
        W: AsyncFnMut(Option<&S>) -> Result<Option<R>, E>,
    {
        let mut lost = 0;
        loop {
            let current = load().await.map_err(WriteError::Store)?;
            match &current {
                Some(state) => {
                    let tag = state.etag();
                    self.admit(Some(Validators {
                        etag: Some(&tag),
                        last_modified: state.last_modified(),
                    }))?;
                }
                None => self.admit(None)?,
            }
            // Every lost race, the last one included, was read again and re-evaluated
            // above: a 503 is only ever sent for preconditions that still hold.
            if lost == self.attempts {
                return Err(WriteError::Precondition(
                    self.pre.contended(self.retry_after),
                ));
            }
            if let Some(done) = swap(current.as_ref()).await.map_err(WriteError::Store)? {
                return Ok(done);
            }
            lost += 1;
        }
    }

    /// Steps 2 and 3: whether the write may go ahead against `current`.
    fn admit<E>(&self, current: Option<Validators<'_>>) -> Result<(), WriteError<E>> {
        if current.is_none() && !self.create_if_absent {
            return Err(WriteError::NotFound);
        }
        self.pre
            .check_with(current)
            .map_err(WriteError::Precondition)
    }
}

/// Why a [`ConditionalWrite`] did not write.
///
/// It is an actix [`ResponseError`] when `E` is one: `Precondition` answers as the
/// [`PreconditionError`] says (412, 428, 503 with `Retry-After`), `NotFound` with a plain
/// problem+json `404`, `Store` as `E` does. Applications with their own error type usually
/// convert it instead (`impl From<WriteError<MyError>> for MyError`), to give the 404 their
/// own body.
///
/// # Examples
///
/// ```
/// use actix_web::{ResponseError, http::StatusCode};
/// use etag_actix::{PreconditionError, WriteError};
///
/// let err: WriteError<std::io::Error> = WriteError::NotFound;
/// assert_eq!(err.status_code(), StatusCode::NOT_FOUND);
/// let err: WriteError<std::io::Error> = PreconditionError::contended(2).into();
/// assert_eq!(err.error_response().headers().get("retry-after").unwrap(), "2");
/// ```
#[derive(Debug)]
pub enum WriteError<E> {
    /// The preconditions stopped the write (412, 428), or it kept losing its
    /// compare-and-swap while they held (503). Nothing was written.
    Precondition(PreconditionError),
    /// The resource does not exist and the write does not create it: a `404`, whatever the
    /// preconditions said. Nothing was written.
    NotFound,
    /// `load` or `swap` failed.
    Store(E),
}

impl<E> From<PreconditionError> for WriteError<E> {
    fn from(err: PreconditionError) -> Self {
        WriteError::Precondition(err)
    }
}

impl<E: fmt::Display> fmt::Display for WriteError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Precondition(err) => err.fmt(f),
            WriteError::NotFound => f.write_str("the resource does not exist"),
            WriteError::Store(err) => err.fmt(f),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for WriteError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Precondition(err) => Some(err),
            WriteError::NotFound => None,
            WriteError::Store(err) => Some(err),
        }
    }
}

/// `E`'s own response for a store error; the others as [`WriteError`] says.
impl<E: ResponseError> ResponseError for WriteError<E> {
    fn status_code(&self) -> StatusCode {
        match self {
            WriteError::Precondition(err) => err.status(),
            WriteError::NotFound => StatusCode::NOT_FOUND,
            WriteError::Store(err) => err.status_code(),
        }
    }

    fn error_response(&self) -> HttpResponse<BoxBody> {
        match self {
            WriteError::Precondition(err) => err.error_response(),
            WriteError::NotFound => {
                Problem::new(StatusCode::NOT_FOUND, "the resource does not exist").error_response()
            }
            WriteError::Store(err) => err.error_response(),
        }
    }
}
