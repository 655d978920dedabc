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

use crate::model::{Product, ProductInput};
use crate::sql::{self, SCHEMA};

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Idle connections kept for reuse.
const MAX_IDLE: usize = 8;

/// A handle to the products database; cheap to clone.
///
/// # Examples
///
/// ```no_run
/// # async fn demo() -> Result<(), etag_examples::DbError> {
/// let db = etag_examples::Db::open("products.db")?;
/// let all = db.list().await?;
/// assert_eq!(all.len(), 3); // seeded on first open
/// # Ok(()) }
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
    /// schema, and seeds three products if the table has never held a row.
    ///
    /// # Errors
    ///
    /// The file cannot be opened or created, or is not a products database.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// let db = etag_examples::Db::open("/tmp/products.db")?;
    /// # Ok::<(), etag_examples::DbError>(())
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
    /// ```no_run
    /// let db = etag_examples::Db::open("products.db")?;
    /// assert_eq!(db.path(), std::path::Path::new("products.db"));
    /// # Ok::<(), etag_examples::DbError>(())
    /// ```
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    async fn call<R, F>(&self, f: F) -> Result<R, DbError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<R> + Send + 'static,
    {
        let pool = Arc::clone(&self.inner);
        web::block(move || {
            let conn = match pool.take() {
                Some(conn) => conn,
                None => connect(&pool.path)?,
            };
            let result = f(&conn);
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
    /// ```no_run
    /// # async fn demo(db: etag_examples::Db) -> Result<(), etag_examples::DbError> {
    /// for p in db.list().await? { println!("{} {}", p.id, p.name); }
    /// # Ok(()) }
    /// ```
    pub async fn list(&self) -> Result<Vec<Product>, DbError> {
        self.call(sql::list).await
    }

    /// The live product `id`, if any.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # async fn demo(db: etag_examples::Db) -> Result<(), etag_examples::DbError> {
    /// let one = db.get(1).await?;
    /// # Ok(()) }
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
    /// ```no_run
    /// # async fn demo(db: etag_examples::Db) -> Result<(), etag_examples::DbError> {
    /// let input = etag_examples::ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// let created = db.insert(input).await?;
    /// assert_eq!(created.version, 1);
    /// # Ok(()) }
    /// ```
    pub async fn insert(&self, input: ProductInput) -> Result<Product, DbError> {
        self.call(move |c| sql::insert(c, &input)).await
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
    /// ```no_run
    /// # async fn demo(db: etag_examples::Db, input: etag_examples::ProductInput) -> Result<(), etag_examples::DbError> {
    /// match db.create_at(42, input).await? {
    ///     Some(created) => println!("created version {}", created.version),
    ///     None => println!("42 already exists: 412"),
    /// }
    /// # Ok(()) }
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
    /// ```no_run
    /// # async fn demo(db: etag_examples::Db, input: etag_examples::ProductInput) -> Result<(), etag_examples::DbError> {
    /// if db.replace(1, 7, input).await?.is_none() {
    ///     println!("version 7 is no longer current");
    /// }
    /// # Ok(()) }
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
    /// ```no_run
    /// # async fn demo(db: etag_examples::Db) -> Result<(), etag_examples::DbError> {
    /// let deleted = db.delete(1, 7).await?;
    /// # Ok(()) }
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
