//! The SQL of the products store: one text per statement, run unchanged on SQLite and on
//! PostgreSQL through sqlx's `Any` driver ([`Db`](crate::Db) binds and runs them).
//!
//! Portable on purpose: `$N` parameters (SQLite reads them as numbered ones), `CASE`
//! instead of `max(a, b)` (SQLite's) or `GREATEST` (PostgreSQL's), `0`/`1` for `deleted`,
//! integers for timestamps, `RETURNING` (both have it). Only the DDL differs, in
//! `migrations/sqlite` and `migrations/postgres`.
//!
//! Every write is a compare-and-swap: its `WHERE` clause is the precondition, checked and
//! acted on in one statement, and `RETURNING` hands back the row as written. The triggers
//! of the migrations bump the one `catalog` row in the same statement.
//!
//! Lock order (PostgreSQL has row locks; SQLite has one write lock and cannot deadlock):
//! an update or delete locks its product row, then the trigger locks the catalog row. The
//! transactions that insert lock the catalog row first ([`LOCK_CATALOG`]) and then touch no
//! product row another transaction can hold: a new id is above every id (tombstones
//! included), a live row is only read (and the creation refused), and a tombstone matches
//! no update or delete (they need `deleted = 0`), only a revival, which holds the catalog
//! row. So there is no cycle, hence no deadlock.

use std::time::{SystemTime, UNIX_EPOCH};

/// The columns of [`Product`](crate::Product), in its field order.
macro_rules! product_columns {
    () => {
        "id, name, description, price_cents, stock, version, updated_at"
    };
}

/// The live product `$1`.
pub(crate) const GET: &str = concat!(
    "SELECT ",
    product_columns!(),
    " FROM products WHERE id = $1 AND deleted = 0"
);

/// All live products, by id.
pub(crate) const LIST: &str = concat!(
    "SELECT ",
    product_columns!(),
    " FROM products WHERE deleted = 0 ORDER BY id"
);

/// The live products with the catalog's validators on every row, in one statement: one
/// statement reads one snapshot on both backends (PostgreSQL's default READ COMMITTED takes
/// a new snapshot per statement, so two statements in a transaction could disagree). With
/// no live product, one row whose product columns are NULL.
pub(crate) const CATALOG: &str = "\
SELECT c.version AS catalog_version, c.updated_at AS catalog_updated_at,
       p.id, p.name, p.description, p.price_cents, p.stock, p.version, p.updated_at
FROM catalog c LEFT JOIN products p ON p.deleted = 0
WHERE c.id = 1
ORDER BY p.id";

/// The validators of the live product `$1`, and nothing else.
pub(crate) const PRODUCT_VERSION: &str =
    "SELECT id, version, updated_at FROM products WHERE id = $1 AND deleted = 0";

/// The collection's validators.
pub(crate) const CATALOG_VERSION: &str = "SELECT version, updated_at FROM catalog WHERE id = 1";

/// Takes the catalog row's write lock (a no-op update) for the rest of the transaction:
/// the first statement of every transaction that inserts. On SQLite it takes the
/// database's write lock at the start of the transaction, where the busy timeout applies.
pub(crate) const LOCK_CATALOG: &str = "UPDATE catalog SET version = version WHERE id = 1";

/// [`LOCK_CATALOG`] only if the catalog is still at version `$1`: the compare-and-swap of
/// a conditional `POST`. No row: another write got there first. Under READ COMMITTED a
/// waiting transaction re-checks the `WHERE` on the row as the winner left it, so it sees
/// the bump of the winner's insert.
pub(crate) const LOCK_CATALOG_AT: &str =
    "UPDATE catalog SET version = version WHERE id = 1 AND version = $1";

/// Inserts a product at a fresh id: one above every id ever used (tombstones stay, so an id
/// is never reused). Run after [`LOCK_CATALOG`], so no other insert runs meanwhile.
pub(crate) const INSERT: &str = concat!(
    "INSERT INTO products (id, name, description, price_cents, stock, version, updated_at) ",
    "SELECT COALESCE(MAX(id), 0) + 1, $1, $2, $3, $4, 1, $5 FROM products ",
    "RETURNING ",
    product_columns!()
);

/// Whether product `$1` has a row: `deleted` if so (0 live, 1 tombstone).
pub(crate) const ROW_STATE: &str = "SELECT deleted FROM products WHERE id = $1";

/// Inserts product `$1` at version 1 (it has no row: checked under the catalog lock).
pub(crate) const INSERT_AT: &str = concat!(
    "INSERT INTO products (id, name, description, price_cents, stock, version, updated_at) ",
    "VALUES ($1, $2, $3, $4, $5, 1, $6) ",
    "RETURNING ",
    product_columns!()
);

/// Revives the tombstone `$1` with its version bumped, so the new product never starts at
/// a version an old cache entry may still hold.
pub(crate) const REVIVE: &str = concat!(
    "UPDATE products SET ",
    "name = $2, description = $3, price_cents = $4, stock = $5, version = version + 1, ",
    "updated_at = CASE WHEN $6 > updated_at THEN $6 ELSE updated_at END, deleted = 0 ",
    "WHERE id = $1 AND deleted = 1 ",
    "RETURNING ",
    product_columns!()
);

/// The compare-and-swap of `PUT`/`PATCH`: replaces product `$1` if it is live and still at
/// version `$2`, bumps the version, and never moves `updated_at` back (clocks of two
/// instances may disagree a little).
pub(crate) const REPLACE: &str = concat!(
    "UPDATE products SET ",
    "name = $3, description = $4, price_cents = $5, stock = $6, version = version + 1, ",
    "updated_at = CASE WHEN $7 > updated_at THEN $7 ELSE updated_at END ",
    "WHERE id = $1 AND version = $2 AND deleted = 0 ",
    "RETURNING ",
    product_columns!()
);

/// The compare-and-swap of `DELETE`: leaves a tombstone with the version bumped.
pub(crate) const DELETE: &str = "\
UPDATE products SET deleted = 1, version = version + 1,
    updated_at = CASE WHEN $3 > updated_at THEN $3 ELSE updated_at END
WHERE id = $1 AND version = $2 AND deleted = 0";

/// How many rows `products` has, tombstones included.
pub(crate) const COUNT_ROWS: &str = "SELECT COUNT(*) FROM products";

/// The three products a new database starts with: name, description, price, stock.
pub(crate) const SEEDS: [(&str, &str, i64, i64); 3] = [
    ("Espresso cup", "Porcelain, 90 ml, stackable.", 1250, 40),
    (
        "Pour-over kettle",
        "Stainless steel, 1 l, gooseneck spout.",
        5900,
        12,
    ),
    (
        "Burr grinder",
        "Conical steel burrs, 40 settings.",
        14900,
        5,
    ),
];

/// How long before the first start the seeded products are dated. A modification time is a
/// strong validator only once its second is over (RFC 9110 §8.8.2.2), so products dated
/// "now" would get no `Last-Modified` in their first second; a minute back, they have one
/// from the start.
pub(crate) const SEED_AGE_MILLIS: i64 = 60_000;

/// A time in whole milliseconds since the Unix epoch (what the database stores).
pub(crate) fn millis_of(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}
