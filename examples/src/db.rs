//! The products store: a handle with an async API over the blocking SQL in `sql.rs`.
//!
//! rusqlite is blocking, so each call runs on actix-web's blocking thread pool
//! (`web::block`) with a connection from a small pool. The database runs in WAL mode
//! with a busy timeout, so readers never wait for the writer and concurrent writers
//! queue instead of failing.
//!
//! Deleting a product leaves a tombstone row (`deleted = 1`, version bumped) rather than
//! removing it: the tag is derived from `(id, version)`, and a product re-created at the
//! same id must never start again at a version an old cache entry may still hold.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use actix_web::web;
use rusqlite::Connection;

use crate::model::{Catalog, Product, ProductInput};
use crate::sql::{self, SCHEMA};

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept for reuse.
const MAX_IDLE: usize = 8;

/// A handle to the products database; cheap to clone.
///
/// Its calls run on the blocking thread pool of the actix runtime they are awaited on
/// (here a `System` made for the example).
///
/// # Examples
///
/// ```
/// use etag_examples::Db;
///
/// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-db", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// let db = Db::open(dir.join("products.db"))?;
/// let all = actix_web::rt::System::new().block_on(db.list())?;
/// assert_eq!(all.len(), 3); // seeded on first open
/// # drop(db);
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Db {
    inner: Arc<Pool>,
}

struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Db")
            .field("path", &self.inner.path)
            .finish()
    }
}

/// A database failure (never a client's fault: it becomes a 500).
///
/// # Examples
///
/// ```
/// use etag_examples::{Db, DbError};
///
/// // A directory is no database file.
/// let err: DbError = Db::open(std::env::temp_dir()).unwrap_err();
/// assert!(matches!(err, DbError::Sqlite(_)));
/// assert!(err.to_string().starts_with("database error: "));
/// assert!(std::error::Error::source(&err).is_some());
/// ```
#[derive(Debug)]
pub enum DbError {
    /// SQLite reported an error.
    Sqlite(rusqlite::Error),
    /// The blocking thread pool could not run the call.
    Blocking,
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Sqlite(e) => write!(f, "database error: {e}"),
            DbError::Blocking => f.write_str("database call was cancelled"),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            DbError::Sqlite(e) => Some(e),
            DbError::Blocking => None,
        }
    }
}

impl From<rusqlite::Error> for DbError {
    fn from(e: rusqlite::Error) -> Self {
        DbError::Sqlite(e)
    }
}

impl Db {
    /// Opens (or creates) the database at `path`, switches it to WAL mode, creates the
    /// schema, and seeds three products if the table has never held a row (dated a minute
    /// back, so that their `Last-Modified` is a validator from the first request).
    ///
    /// # Errors
    ///
    /// The file cannot be opened or created, or is not a products database.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::Db;
    ///
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-open", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("products.db");
    /// let db = Db::open(&path)?;
    /// drop(db);
    /// // Opening it again keeps the data and seeds nothing more.
    /// let db = Db::open(&path)?;
    /// let all = actix_web::rt::System::new().block_on(db.list())?;
    /// assert_eq!(all.len(), 3);
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(path: impl AsRef<Path>) -> Result<Self, DbError> {
        let path = path.as_ref().to_path_buf();
        let mut conn = connect(&path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.execute_batch(SCHEMA)?;
        sql::seed(&mut conn)?;
        Ok(Db {
            inner: Arc::new(Pool {
                path,
                idle: Mutex::new(vec![conn]),
            }),
        })
    }

    /// The path of the database file.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-path", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("products.db");
    /// let db = etag_examples::Db::open(&path)?;
    /// assert_eq!(db.path(), path);
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    async fn call<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        let pool = Arc::clone(&self.inner);
        web::block(move || {
            let mut conn = match pool.take() {
                Some(conn) => conn,
                None => connect(&pool.path)?,
            };
            let result = f(&mut conn);
            pool.give_back(conn);
            Ok::<R, DbError>(result?)
        })
        .await
        .map_err(|_| DbError::Blocking)?
    }

    /// All live products, by id.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-list", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// let names: Vec<String> = db.list().await?.into_iter().map(|p| p.name).collect();
    /// assert_eq!(names, ["Espresso cup", "Pour-over kettle", "Burr grinder"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn list(&self) -> Result<Vec<Product>, DbError> {
        self.call(|c| sql::list(c)).await
    }

    /// The collection: all live products and the time of the latest change to any product,
    /// deletions included, read together.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-catalog", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// let before = db.catalog().await?;
    /// assert_eq!(before.products.len(), 3);
    /// let cup = before.products[0].clone();
    /// assert!(db.delete(cup.id, cup.version).await?);
    /// let after = db.catalog().await?;
    /// assert_eq!(after.products.len(), 2);
    /// assert!(after.last_modified > before.last_modified);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn catalog(&self) -> Result<Catalog, DbError> {
        self.call(sql::catalog).await
    }

    /// The live product `id`, if any.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-get", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// assert_eq!(db.get(1).await?.map(|p| p.name).as_deref(), Some("Espresso cup"));
    /// assert_eq!(db.get(99).await?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn get(&self, id: i64) -> Result<Option<Product>, DbError> {
        self.call(move |c| sql::get(c, id)).await
    }

    /// Creates a product with a fresh id (never one used before), at version 1.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-insert", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// let input = etag_examples::ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// let created = db.insert(input).await?;
    /// assert_eq!((created.id, created.version), (4, 1));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn insert(&self, input: ProductInput) -> Result<Product, DbError> {
        self.call(move |c| sql::insert(c, &input)).await
    }

    /// Creates a product like [`insert`](Self::insert) if `check` accepts the collection as
    /// it is; the check and the insert run in one transaction, so no other write can change
    /// the collection in between. `Ok(Err(refusal))`: `check` refused, nothing was written.
    /// This is how `POST /products` evaluates its preconditions (`check` is
    /// [`Preconditions::check`](etag_actix::Preconditions::check) on the [`Catalog`]).
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-insert-if", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// use etag_actix::ETag as _;
    /// use etag_examples::ProductInput;
    ///
    /// let input = ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// let seen = db.catalog().await?.etag();
    /// let unchanged = move |c: &etag_examples::Catalog| if c.etag() == seen { Ok(()) } else { Err("changed") };
    /// let created = db.insert_if(input.clone(), unchanged.clone()).await?;
    /// assert_eq!(created.map(|p| p.id), Ok(4));
    /// // The collection has changed since: the same check now refuses.
    /// assert_eq!(db.insert_if(input, unchanged).await?, Err("changed"));
    /// assert_eq!(db.list().await?.len(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn insert_if<E, F>(
        &self,
        input: ProductInput,
        check: F,
    ) -> Result<Result<Product, E>, DbError>
    where
        E: Send + 'static,
        F: FnOnce(&Catalog) -> Result<(), E> + Send + 'static,
    {
        self.call(move |c| sql::insert_if(c, &input, check)).await
    }

    /// Creates the product `id` only if no live product has that id (`If-None-Match: *`).
    /// Returns `None` when one exists. A tombstone is revived with its version bumped.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-create-at", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// let input = etag_examples::ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// let created = db.create_at(42, input.clone()).await?;
    /// assert_eq!(created.map(|p| (p.id, p.version)), Some((42, 1)));
    /// // 42 exists now: nothing is written (the service answers 412).
    /// assert_eq!(db.create_at(42, input).await?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn create_at(
        &self,
        id: i64,
        input: ProductInput,
    ) -> Result<Option<Product>, DbError> {
        self.call(move |c| sql::create_at(c, id, &input)).await
    }

    /// Replaces product `id` if, and only if, it is still at `expected_version`; one SQL
    /// statement checks, writes, bumps the version and returns the new row. `None` means
    /// another write got there first (or the product is gone): answer 412.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-replace", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// use etag_examples::ProductInput;
    ///
    /// let current = db.get(1).await?.ok_or("seeded")?;
    /// let input = ProductInput { stock: 41, ..ProductInput::from(&current) };
    /// let updated = db.replace(1, current.version, input.clone()).await?.ok_or("current")?;
    /// assert_eq!((updated.version, updated.stock), (2, 41));
    /// // Version 1 is no longer current: nothing is written (the service answers 412).
    /// assert_eq!(db.replace(1, current.version, input).await?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn replace(
        &self,
        id: i64,
        expected_version: i64,
        input: ProductInput,
    ) -> Result<Option<Product>, DbError> {
        self.call(move |c| sql::replace(c, id, expected_version, &input))
            .await
    }

    /// Deletes product `id` if it is still at `expected_version`; `false` means another
    /// write got there first (or it is already gone).
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-delete", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// # actix_web::rt::System::new().block_on(async {
    /// assert!(!db.delete(1, 7).await?, "version 7 is not current");
    /// assert!(db.delete(1, 1).await?);
    /// assert_eq!(db.get(1).await?, None);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// # })?;
    /// # drop(db);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn delete(&self, id: i64, expected_version: i64) -> Result<bool, DbError> {
        self.call(move |c| sql::delete(c, id, expected_version))
            .await
    }
}

impl Pool {
    fn take(&self) -> Option<Connection> {
        self.idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop()
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE {
            idle.push(conn);
        }
    }
}

fn connect(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // Safe with WAL: a power loss may drop the last commits, never corrupt the file.
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(conn)
}
