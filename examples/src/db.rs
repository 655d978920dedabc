//! The products store on sqlx: one code path for SQLite and PostgreSQL.
//!
//! # One code path: sqlx's `Any` driver
//!
//! [`Db`] holds an [`AnyPool`], which speaks to SQLite or PostgreSQL as the URL says
//! (`sqlx::any::install_default_drivers()` registers both). Every query in `sql.rs` is one
//! text run unchanged on both, and rows decode into the same structs
//! (`#[derive(sqlx::FromRow)]`). The alternative, an enum over `SqlitePool` and `PgPool`,
//! would type each backend natively but needs every call written (or macro-expanded)
//! twice; `Any` costs a value conversion per column and offers only the portable types
//! (integers, text, bytes, floats), which is all this schema uses. What does differ per
//! backend is set up once here: the DDL (`migrations/sqlite`, `migrations/postgres`,
//! embedded with `sqlx::migrate!`), and SQLite's connection settings (WAL journal, busy
//! timeout, `synchronous = NORMAL`).
//!
//! # Compare-and-swap and the collection version
//!
//! Every write is a compare-and-swap whose `WHERE` clause is the precondition
//! (`... WHERE id = $1 AND version = $2 AND deleted = 0 RETURNING ...`). Triggers on
//! `products` (per backend DDL) bump the one `catalog` row in the same statement, so the
//! collection's [`CatalogVersion`] changes with every write and can be read without
//! reading a product; a conditional `POST` is a compare-and-swap on that row
//! ([`Db::insert_if_catalog`]).
//!
//! # Tombstones
//!
//! Deleting a product leaves a tombstone row (`deleted = 1`, version bumped) rather than
//! removing it: the tag is derived from `(id, version)`, and a product re-created at the
//! same id must never start again at a version an old cache entry may still hold. Fresh
//! ids are one above every id ever used, tombstones included, so none is reused either.
//!
//! # Outages
//!
//! The pool waits at most [`ACQUIRE_TIMEOUT`] for a connection (sqlx retries refused
//! connections with a backoff meanwhile); a database that cannot be reached, or that
//! drops the connection, gives [`DbError::Unavailable`], which the service answers with
//! `503` and `Retry-After`. The pool tests a connection before handing it out, so once the
//! database is back the same process recovers by itself.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use etag_actix::Clock;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyRow};
use sqlx::migrate::{MigrateError, Migrator};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Connection, Executor, FromRow, Row};

use crate::model::{Catalog, CatalogVersion, Millis, Product, ProductInput, ProductVersion};
use crate::sql;

/// How long a request waits for a database connection before it is answered `503`.
///
/// # Examples
///
/// ```
/// assert!(etag_examples::db::ACQUIRE_TIMEOUT.as_secs() <= 5);
/// ```
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long an SQLite connection waits for another writer before giving up.
const BUSY_TIMEOUT_MS: u32 = 10_000;

/// Most connections one instance opens.
const MAX_CONNECTIONS: u32 = 10;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Which database a [`Db`] talks to.
///
/// # Examples
///
/// ```
/// use etag_examples::db::Backend;
///
/// assert_eq!(Backend::of("products.db"), Some(Backend::Sqlite));
/// assert_eq!(Backend::of("sqlite:shop.db?mode=rwc"), Some(Backend::Sqlite));
/// assert_eq!(Backend::of("postgres://shop@db/shop"), Some(Backend::Postgres));
/// assert_eq!(Backend::of("mysql://shop@db/shop"), None);
/// assert_eq!(Backend::Postgres.to_string(), "PostgreSQL");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL database.
    Postgres,
}

impl Backend {
    /// The backend `--db` names: a `postgres://` (or `postgresql://`) URL, an `sqlite:` URL,
    /// or else a path to an SQLite file; `None` for another URL scheme.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::db::Backend;
    ///
    /// assert_eq!(Backend::of("/var/lib/shop/products.db"), Some(Backend::Sqlite));
    /// assert_eq!(Backend::of("postgresql://localhost/shop"), Some(Backend::Postgres));
    /// ```
    pub fn of(db: &str) -> Option<Backend> {
        if db.starts_with("postgres://") || db.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else if db.starts_with("sqlite:") || !db.contains("://") {
            Some(Backend::Sqlite)
        } else {
            None
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// A handle to the products database; cheap to clone (it is a pool).
///
/// Create it on the runtime that will use it (sqlx's pool runs on tokio, which actix-web
/// runs on); every method is `async`.
///
/// # Examples
///
/// ```
/// use etag_examples::Db;
///
/// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-db", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// actix_web::rt::System::new().block_on(async {
///     let db = Db::open(dir.join("products.db")).await?;
///     assert_eq!(db.list().await?.len(), 3); // seeded on first open
///     Ok::<(), etag_examples::DbError>(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    name: Arc<str>,
    counters: Arc<Counters>,
    /// What writes stamp `updated_at` with (the system clock unless a test sets one).
    clock: Clock,
}

impl fmt::Debug for Db {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Db")
            .field("backend", &self.backend)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Default)]
struct Counters {
    product_version: AtomicU64,
    catalog_version: AtomicU64,
    rows_read: AtomicU64,
}

/// What a [`Db`] has read so far: validator lookups and product rows. Tests use it to show
/// that a `304` ran one validator lookup and read no row.
///
/// # Examples
///
/// ```
/// use etag_examples::Db;
///
/// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-stats", std::process::id()));
/// # std::fs::create_dir_all(&dir)?;
/// actix_web::rt::System::new().block_on(async {
///     let db = Db::open(dir.join("products.db")).await?;
///     let before = db.stats();
///     db.product_version(1).await?;
///     db.catalog().await?;
///     let read = db.stats().since(before);
///     assert_eq!((read.product_version_lookups, read.product_rows_read), (1, 3));
///     Ok::<(), etag_examples::DbError>(())
/// })?;
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DbStats {
    /// Calls of [`Db::product_version`].
    pub product_version_lookups: u64,
    /// Calls of [`Db::catalog_version`].
    pub catalog_version_lookups: u64,
    /// Product rows read by [`Db::get`], [`Db::list`] and [`Db::catalog`].
    pub product_rows_read: u64,
}

impl DbStats {
    /// What was counted after `earlier` (a previous snapshot of the same `Db`).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::db::DbStats;
    ///
    /// let earlier = DbStats { product_rows_read: 3, ..DbStats::default() };
    /// let now = DbStats { product_rows_read: 5, catalog_version_lookups: 1, ..DbStats::default() };
    /// assert_eq!(now.since(earlier), DbStats { product_rows_read: 2, catalog_version_lookups: 1, ..DbStats::default() });
    /// ```
    #[must_use]
    pub fn since(self, earlier: DbStats) -> DbStats {
        DbStats {
            product_version_lookups: self
                .product_version_lookups
                .saturating_sub(earlier.product_version_lookups),
            catalog_version_lookups: self
                .catalog_version_lookups
                .saturating_sub(earlier.catalog_version_lookups),
            product_rows_read: self
                .product_rows_read
                .saturating_sub(earlier.product_rows_read),
        }
    }
}

/// A database failure, never a client's fault.
///
/// # Examples
///
/// ```
/// use etag_examples::{Db, DbError};
///
/// actix_web::rt::System::new().block_on(async {
///     // A directory is no database file.
///     let err: DbError = Db::open(std::env::temp_dir()).await.unwrap_err();
///     assert!(!err.is_unavailable());
///     assert!(err.to_string().starts_with("database error: "));
///     assert!(std::error::Error::source(&err).is_some());
/// });
/// ```
#[derive(Debug)]
pub enum DbError {
    /// The database cannot be used right now, and may be shortly: no connection within
    /// [`ACQUIRE_TIMEOUT`] (refused, server down), a connection lost or closed by a server
    /// shutting down, SQLite busy beyond its busy timeout, a deadlock or serialization
    /// failure. The service answers `503` with `Retry-After`.
    Unavailable(sqlx::Error),
    /// Any other failure (a bad statement, a missing table, a constraint, a value out of
    /// range): `500`, with the detail in the log only.
    Failed(sqlx::Error),
}

impl DbError {
    /// Whether this is an outage to be retried later ([`DbError::Unavailable`]).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::DbError;
    ///
    /// assert!(DbError::from(sqlx::Error::PoolTimedOut).is_unavailable());
    /// assert!(!DbError::from(sqlx::Error::RowNotFound).is_unavailable());
    /// ```
    pub fn is_unavailable(&self) -> bool {
        matches!(self, DbError::Unavailable(_))
    }

    fn sqlx(&self) -> &sqlx::Error {
        match self {
            DbError::Unavailable(e) | DbError::Failed(e) => e,
        }
    }
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        if is_transient(&e) {
            DbError::Unavailable(e)
        } else {
            DbError::Failed(e)
        }
    }
}

impl From<MigrateError> for DbError {
    fn from(e: MigrateError) -> Self {
        match e {
            MigrateError::Execute(e) => DbError::from(e),
            other => DbError::Failed(sqlx::Error::Migrate(Box::new(other))),
        }
    }
}

/// Whether an error says "the database is not usable right now" rather than "this
/// statement is wrong".
fn is_transient(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => {
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                let code = pg.code();
                // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect
                // now; 53300: too many connections; 40001/40P01: serialization failure,
                // deadlock (the transaction was rolled back: retrying may succeed).
                code.starts_with("08")
                    || matches!(
                        code,
                        "57P01" | "57P02" | "57P03" | "53300" | "40001" | "40P01"
                    )
            } else if let Some(code) = db.code() {
                // SQLite's (extended) result code: primary SQLITE_BUSY (5) or SQLITE_LOCKED (6).
                code.parse::<i32>().is_ok_and(|c| matches!(c & 0xff, 5 | 6))
            } else {
                false
            }
        }
        _ => false,
    }
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self {
            DbError::Unavailable(_) => "database unavailable",
            DbError::Failed(_) => "database error",
        };
        match self.sqlx() {
            // The database's own message, without sqlx's wrapping.
            sqlx::Error::Database(db) => write!(f, "{what}: {}", db.message()),
            other => write!(f, "{what}: {other}"),
        }
    }
}

impl std::error::Error for DbError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.sqlx())
    }
}

/// How many times a start tries to migrate and seed an SQLite file another start holds locked.
const START_ATTEMPTS: u32 = 10;

impl Db {
    /// Opens the database `--db` names: a path to an SQLite file (created if missing), or
    /// a URL, `sqlite:PATH[?mode=rwc]` or `postgres://user[:password]@host[:port]/database`.
    /// Then creates the schema (embedded migrations; PostgreSQL serializes concurrent
    /// starts with an advisory lock, SQLite with its write lock) and seeds three products if
    /// the database has never held one (dated a minute back, so that their `Last-Modified`
    /// is a validator from the first request). SQLite runs in WAL mode, so readers never
    /// wait for the writer, with a busy timeout, so concurrent writers queue instead of
    /// failing.
    ///
    /// # Errors
    ///
    /// The URL names another database, the database cannot be reached or created, or it
    /// is not a products database.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// # actix_web::rt::System::new().block_on(async {
    /// let db = etag_examples::Db::connect("postgres://shop@127.0.0.1:5432/shop").await?;
    /// assert_eq!(db.backend(), etag_examples::db::Backend::Postgres);
    /// # Ok::<(), etag_examples::DbError>(())
    /// # }).unwrap();
    /// ```
    pub async fn connect(db: &str) -> Result<Self, DbError> {
        match Backend::of(db) {
            Some(Backend::Sqlite) if !db.starts_with("sqlite:") => Db::open(db).await,
            Some(backend) => {
                let options: AnyConnectOptions = db.parse()?;
                let mut shown = options.database_url.clone();
                let _ = shown.set_password(None);
                Db::start(options, backend, shown.as_str().into()).await
            }
            None => Err(DbError::Failed(sqlx::Error::Configuration(
                format!("`{db}` is neither an SQLite file nor a sqlite: or postgres:// URL").into(),
            ))),
        }
    }

    /// Opens (or creates) the SQLite file at `path`: [`connect`](Self::connect) with a path.
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
    /// actix_web::rt::System::new().block_on(async {
    ///     Db::open(&path).await?.close().await;
    ///     // Opening it again keeps the data and seeds nothing more.
    ///     let db = Db::open(&path).await?;
    ///     assert_eq!(db.list().await?.len(), 3);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> Result<Self, DbError> {
        let path = path.as_ref();
        let file = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        let options = AnyConnectOptions::from_url(&file.to_url_lossy())?;
        let name = path.display().to_string().into();
        Db::start(options, Backend::Sqlite, name).await
    }

    /// The pool, the schema, the seed.
    async fn start(
        options: AnyConnectOptions,
        backend: Backend,
        name: Arc<str>,
    ) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let pool = AnyPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(&*format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}"))
                            .await?;
                        // Safe with WAL: a power loss may drop the last commits, never
                        // corrupt the file.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let db = Db {
            pool,
            backend,
            name,
            counters: Arc::default(),
            clock: Clock::system(),
        };
        // Instances starting at once on a new SQLite file can find it locked while another
        // switches it to WAL or migrates it (SQLITE_BUSY is returned at once where waiting
        // could deadlock): both steps are idempotent, so they are tried again, briefly.
        let mut attempt = 1;
        loop {
            let prepared = async {
                db.migrate().await?;
                db.seed().await
            }
            .await;
            match prepared {
                Err(err)
                    if backend == Backend::Sqlite
                        && err.is_unavailable()
                        && attempt < START_ATTEMPTS =>
                {
                    actix_web::rt::time::sleep(Duration::from_millis(50 * u64::from(attempt)))
                        .await;
                    attempt += 1;
                }
                other => return other.map(|()| db),
            }
        }
    }

    /// The same store, stamping its writes with `clock` (the system clock by default).
    /// Give the service's [`PreconditionConfig`](etag_actix::PreconditionConfig) the same
    /// clock ([`Service`](crate::Service) does): a test can then hold the time inside one
    /// second, or past it, instead of racing the real one.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use etag_actix::Clock;
    ///
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-clock", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let at = SystemTime::now() + Duration::from_secs(3600);
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?.with_clock(Clock::fixed(at));
    ///     assert_eq!(db.clock().now(), at);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The clock writes are stamped with.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-clock2", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     assert!(db.clock().now() > std::time::SystemTime::UNIX_EPOCH);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Now by [`clock`](Self::clock), in whole milliseconds (what the database stores).
    fn now_millis(&self) -> i64 {
        sql::millis_of(self.clock.now())
    }

    /// Creates the schema, once: embedded migrations, per backend.
    async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
            Backend::Sqlite => {
                let mut conn = self.pool.acquire().await?;
                // Persistent in the file; readers then never wait for the writer.
                conn.execute("PRAGMA journal_mode = WAL").await?;
                // sqlx does not lock SQLite migrations: run them in an IMMEDIATE transaction,
                // so that two processes opening a new file at once cannot both apply them.
                let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
                SQLITE_MIGRATIONS.run_direct(&mut *tx).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    /// Seeds the three products if `products` has never held a row. The catalog lock comes
    /// first, so two instances starting at once on a new database cannot both seed it.
    async fn seed(&self) -> Result<(), DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(sql::LOCK_CATALOG).execute(&mut *tx).await?;
        let rows: i64 = sqlx::query_scalar(sql::COUNT_ROWS)
            .fetch_one(&mut *tx)
            .await?;
        if rows == 0 {
            let seeded_at = self.now_millis().saturating_sub(sql::SEED_AGE_MILLIS);
            for (name, description, price_cents, stock) in sql::SEEDS {
                sqlx::query(sql::INSERT)
                    .bind(name)
                    .bind(description)
                    .bind(price_cents)
                    .bind(stock)
                    .bind(seeded_at)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// Which database this is.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-backend", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     assert_eq!(db.backend(), etag_examples::db::Backend::Sqlite);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database for humans and logs: the SQLite path as given, or the URL without its
    /// password.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-name", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("products.db");
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::connect(path.to_str().unwrap()).await?;
    ///     assert_eq!(db.name(), path.to_str().unwrap());
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn name(&self) -> &str {
        &self.name
    }

    /// What this handle has read so far (all clones share the counters).
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-stats2", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     db.catalog_version().await?;
    ///     assert_eq!(db.stats().catalog_version_lookups, 1);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn stats(&self) -> DbStats {
        DbStats {
            product_version_lookups: self.counters.product_version.load(Ordering::Relaxed),
            catalog_version_lookups: self.counters.catalog_version.load(Ordering::Relaxed),
            product_rows_read: self.counters.rows_read.load(Ordering::Relaxed),
        }
    }

    /// Closes the pool: waits for the connections in use to come back, then closes all.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-close", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     db.close().await;
    ///     assert!(db.get(1).await.is_err());
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn close(&self) {
        self.pool.close().await;
    }

    fn count_rows(&self, n: usize) {
        let n = u64::try_from(n).unwrap_or(u64::MAX);
        self.counters.rows_read.fetch_add(n, Ordering::Relaxed);
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
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let names: Vec<String> = db.list().await?.into_iter().map(|p| p.name).collect();
    ///     assert_eq!(names, ["Espresso cup", "Pour-over kettle", "Burr grinder"]);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn list(&self) -> Result<Vec<Product>, DbError> {
        let products: Vec<Product> = sqlx::query_as(sql::LIST).fetch_all(&self.pool).await?;
        self.count_rows(products.len());
        Ok(products)
    }

    /// The collection: all live products and the collection's validators (its version and
    /// the time of the latest change to any product, deletions included), read in one
    /// statement.
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
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let before = db.catalog().await?;
    ///     assert_eq!((before.products.len(), before.version), (3, 3));
    ///     let cup = before.products[0].clone();
    ///     assert!(db.delete(cup.id, cup.version).await?);
    ///     let after = db.catalog().await?;
    ///     assert_eq!((after.products.len(), after.version), (2, 4));
    ///     assert!(after.last_modified > before.last_modified);
    ///     assert_eq!(after.validators(), db.catalog_version().await?);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn catalog(&self) -> Result<Catalog, DbError> {
        let rows = sqlx::query(sql::CATALOG).fetch_all(&self.pool).await?;
        let mut version = None;
        let mut products = Vec::with_capacity(rows.len());
        for row in &rows {
            if version.is_none() {
                version = Some(CatalogVersion::from_columns(
                    row,
                    "catalog_version",
                    "catalog_updated_at",
                )?);
            }
            if row.try_get::<Option<i64>, _>("id")?.is_some() {
                products.push(Product::from_row(row)?);
            }
        }
        self.count_rows(products.len());
        let version = version.ok_or(sqlx::Error::RowNotFound)?;
        Ok(Catalog {
            products,
            version: version.version,
            last_modified: version.updated_at,
        })
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
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     assert_eq!(db.get(1).await?.map(|p| p.name).as_deref(), Some("Espresso cup"));
    ///     assert_eq!(db.get(99).await?, None);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn get(&self, id: i64) -> Result<Option<Product>, DbError> {
        let product: Option<Product> = sqlx::query_as(sql::GET)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        self.count_rows(usize::from(product.is_some()));
        Ok(product)
    }

    /// The validators of the live product `id` (`SELECT id, version, updated_at`), without
    /// reading the product: enough to answer `304` or `412`. Its tag equals the product's.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-product-version", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use etag_actix::ETag as _;
    ///
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let version = db.product_version(1).await?.expect("seeded");
    ///     let product = db.get(1).await?.expect("seeded");
    ///     assert_eq!(version.etag(), product.etag());
    ///     assert_eq!(db.product_version(99).await?, None);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn product_version(&self, id: i64) -> Result<Option<ProductVersion>, DbError> {
        self.counters
            .product_version
            .fetch_add(1, Ordering::Relaxed);
        Ok(sqlx::query_as(sql::PRODUCT_VERSION)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The collection's validators (the one `catalog` row), without reading a product. Its
    /// tag equals the [`Catalog`]'s.
    ///
    /// # Errors
    ///
    /// A database failure.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-catalog-version", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// use etag_actix::ETag as _;
    ///
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let version = db.catalog_version().await?;
    ///     assert_eq!(version.version, 3, "three seeded products");
    ///     assert_eq!(version.etag(), db.catalog().await?.etag());
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn catalog_version(&self) -> Result<CatalogVersion, DbError> {
        self.counters
            .catalog_version
            .fetch_add(1, Ordering::Relaxed);
        let row = sqlx::query(sql::CATALOG_VERSION)
            .fetch_one(&self.pool)
            .await?;
        CatalogVersion::from_columns(&row, "version", "updated_at")
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
    /// let input = etag_examples::ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let created = db.insert(input).await?;
    ///     assert_eq!((created.id, created.version), (4, 1));
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn insert(&self, input: ProductInput) -> Result<Product, DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(sql::LOCK_CATALOG).execute(&mut *tx).await?;
        let product = insert_fresh(&mut tx, &input, self.now_millis()).await?;
        tx.commit().await?;
        Ok(product)
    }

    /// Creates a product like [`insert`](Self::insert) if, and only if, the collection is
    /// still at catalog version `expected` (the version the client's preconditions were
    /// checked against): a compare-and-swap on the catalog row, then the insert, in one
    /// transaction. `None` means another write got there first and nothing was written:
    /// read the collection's version again and re-evaluate.
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
    /// use etag_examples::ProductInput;
    ///
    /// let input = ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let seen = db.catalog_version().await?.version;
    ///     let created = db.insert_if_catalog(seen, input.clone()).await?;
    ///     assert_eq!(created.map(|p| p.id), Some(4));
    ///     // The collection has changed since: the same expectation now loses.
    ///     assert_eq!(db.insert_if_catalog(seen, input).await?, None);
    ///     assert_eq!(db.list().await?.len(), 4);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn insert_if_catalog(
        &self,
        expected: i64,
        input: ProductInput,
    ) -> Result<Option<Product>, DbError> {
        let mut tx = self.pool.begin().await?;
        let locked = sqlx::query(sql::LOCK_CATALOG_AT)
            .bind(expected)
            .execute(&mut *tx)
            .await?;
        if locked.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let product = insert_fresh(&mut tx, &input, self.now_millis()).await?;
        tx.commit().await?;
        Ok(Some(product))
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
    /// let input = etag_examples::ProductInput {
    ///     name: "Mug".into(), description: String::new(), price_cents: 900, stock: 3,
    /// };
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let created = db.create_at(42, input.clone()).await?;
    ///     assert_eq!(created.map(|p| (p.id, p.version)), Some((42, 1)));
    ///     // 42 exists now: nothing is written (the service answers 412).
    ///     assert_eq!(db.create_at(42, input).await?, None);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn create_at(
        &self,
        id: i64,
        input: ProductInput,
    ) -> Result<Option<Product>, DbError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(sql::LOCK_CATALOG).execute(&mut *tx).await?;
        let state: Option<i64> = sqlx::query_scalar(sql::ROW_STATE)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let statement = match state {
            None => sql::INSERT_AT,
            Some(1) => sql::REVIVE,
            Some(_) => {
                tx.rollback().await?;
                return Ok(None);
            }
        };
        let product: Option<Product> = sqlx::query_as(statement)
            .bind(id)
            .bind(&input.name)
            .bind(&input.description)
            .bind(input.price_cents)
            .bind(input.stock)
            .bind(self.now_millis())
            .fetch_optional(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(product)
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
    /// use etag_examples::ProductInput;
    ///
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let current = db.get(1).await?.expect("seeded");
    ///     let input = ProductInput { stock: 41, ..ProductInput::from(&current) };
    ///     let updated = db.replace(1, current.version, input.clone()).await?.expect("current");
    ///     assert_eq!((updated.version, updated.stock), (2, 41));
    ///     // Version 1 is no longer current: nothing is written (the service answers 412).
    ///     assert_eq!(db.replace(1, current.version, input).await?, None);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn replace(
        &self,
        id: i64,
        expected_version: i64,
        input: ProductInput,
    ) -> Result<Option<Product>, DbError> {
        // The compare-and-swap: the WHERE clause is the precondition, checked and acted on
        // in one statement, so a concurrent writer cannot slip in between.
        Ok(sqlx::query_as(sql::REPLACE)
            .bind(id)
            .bind(expected_version)
            .bind(&input.name)
            .bind(&input.description)
            .bind(input.price_cents)
            .bind(input.stock)
            .bind(self.now_millis())
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Deletes product `id` if it is still at `expected_version`, leaving a tombstone;
    /// `false` means another write got there first (or it is already gone).
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
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     assert!(!db.delete(1, 7).await?, "version 7 is not current");
    ///     assert!(db.delete(1, 1).await?);
    ///     assert_eq!(db.get(1).await?, None);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub async fn delete(&self, id: i64, expected_version: i64) -> Result<bool, DbError> {
        let done = sqlx::query(sql::DELETE)
            .bind(id)
            .bind(expected_version)
            .bind(self.now_millis())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// The insert of a fresh id, in a transaction that holds the catalog lock.
async fn insert_fresh(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    input: &ProductInput,
    now: i64,
) -> Result<Product, DbError> {
    Ok(sqlx::query_as(sql::INSERT)
        .bind(&input.name)
        .bind(&input.description)
        .bind(input.price_cents)
        .bind(input.stock)
        .bind(now)
        .fetch_one(&mut **tx)
        .await?)
}

impl CatalogVersion {
    /// The catalog's validators from two columns of a row.
    fn from_columns(row: &AnyRow, version: &str, updated_at: &str) -> Result<Self, DbError> {
        let millis: Option<Millis> = row.try_get(updated_at)?;
        let updated_at = millis
            .map(|m| {
                chrono::DateTime::try_from(m).map_err(|e| sqlx::Error::ColumnDecode {
                    index: updated_at.to_owned(),
                    source: Box::new(e),
                })
            })
            .transpose()?;
        Ok(CatalogVersion {
            version: row.try_get(version)?,
            updated_at,
        })
    }
}
