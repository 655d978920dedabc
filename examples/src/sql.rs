//! The SQL of the products store: schema, seed data, and each query as a plain blocking
//! function on a connection ([`Db`](crate::Db) runs them off the async threads).
//!
//! Every write is a compare-and-swap: its `WHERE` clause is the precondition, checked and
//! acted on in one statement, and `RETURNING` hands back the row as written.

use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use crate::model::{Catalog, Product, ProductInput};

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS products (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    version     INTEGER NOT NULL CHECK (version >= 1),
    updated_at  INTEGER NOT NULL, -- milliseconds since the Unix epoch
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;
";

const COLUMNS: &str = "id, name, description, price_cents, stock, version, updated_at";

/// Now, in whole milliseconds (what the database stores).
fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// How long before the first start the seeded products are dated. A modification time is a
/// strong validator only once its second is over (RFC 9110 §8.8.2.2), so products dated
/// "now" would get no `Last-Modified` in their first second; a minute back, they have one
/// from the start.
const SEED_AGE_MILLIS: i64 = 60_000;

/// A stored time (milliseconds since the epoch) from column `col`.
fn time_at(row: &Row<'_>, col: usize) -> rusqlite::Result<DateTime<Utc>> {
    let millis: i64 = row.get(col)?;
    DateTime::from_timestamp_millis(millis)
        .ok_or(rusqlite::Error::IntegralValueOutOfRange(col, millis))
}

fn product(row: &Row<'_>) -> rusqlite::Result<Product> {
    let updated_at = time_at(row, 6)?;
    Ok(Product {
        id: row.get(0)?,
        name: row.get(1)?,
        description: row.get(2)?,
        price_cents: row.get(3)?,
        stock: row.get(4)?,
        version: row.get(5)?,
        updated_at,
    })
}

pub(crate) fn seed(conn: &mut Connection) -> rusqlite::Result<()> {
    // IMMEDIATE: two processes opening a new file at once cannot both seed it.
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let rows: i64 = tx.query_row("SELECT count(*) FROM products", [], |r| r.get(0))?;
    if rows > 0 {
        return Ok(());
    }
    let seeds = [
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
    let seeded_at = now_millis().saturating_sub(SEED_AGE_MILLIS);
    for (name, description, price_cents, stock) in seeds {
        tx.execute(
            "INSERT INTO products (name, description, price_cents, stock, version, updated_at)
             VALUES (?1, ?2, ?3, ?4, 1, ?5)",
            params![name, description, price_cents, stock, seeded_at],
        )?;
    }
    tx.commit()
}

pub(crate) fn list(conn: &Connection) -> rusqlite::Result<Vec<Product>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM products WHERE deleted = 0 ORDER BY id"
    ))?;
    let rows = stmt.query_map([], product)?;
    rows.collect()
}

/// The collection, read in one transaction so that the list and its date agree. The date
/// counts tombstones: a deletion changes the collection too.
pub(crate) fn catalog(conn: &mut Connection) -> rusqlite::Result<Catalog> {
    let tx = conn.transaction()?;
    let catalog = catalog_in(&tx)?;
    tx.commit()?;
    Ok(catalog)
}

fn catalog_in(conn: &Connection) -> rusqlite::Result<Catalog> {
    let products = list(conn)?;
    let last_modified = conn
        .prepare_cached("SELECT max(updated_at) FROM products")?
        .query_row([], |row| {
            let millis: Option<i64> = row.get(0)?;
            millis.map(|_| time_at(row, 0)).transpose()
        })?;
    Ok(Catalog {
        products,
        last_modified,
    })
}

pub(crate) fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Product>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM products WHERE id = ?1 AND deleted = 0"
    ))?
    .query_row([id], product)
    .optional()
}

pub(crate) fn insert(conn: &Connection, p: &ProductInput) -> rusqlite::Result<Product> {
    conn.prepare_cached(&format!(
        "INSERT INTO products (name, description, price_cents, stock, version, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5)
         RETURNING {COLUMNS}"
    ))?
    .query_row(
        params![p.name, p.description, p.price_cents, p.stock, now_millis()],
        product,
    )
}

/// Inserts like [`insert`] if `check` accepts the collection as it is. The check and the
/// insert share one `IMMEDIATE` transaction: no other write can change the collection
/// between them. A refusal writes nothing and is handed back.
pub(crate) fn insert_if<E>(
    conn: &mut Connection,
    p: &ProductInput,
    check: impl FnOnce(&Catalog) -> Result<(), E>,
) -> rusqlite::Result<Result<Product, E>> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    if let Err(refusal) = check(&catalog_in(&tx)?) {
        return Ok(Err(refusal));
    }
    let product = insert(&tx, p)?;
    tx.commit()?;
    Ok(Ok(product))
}

pub(crate) fn create_at(
    conn: &Connection,
    id: i64,
    p: &ProductInput,
) -> rusqlite::Result<Option<Product>> {
    // A live row makes the upsert's WHERE false: nothing is written, no row returned.
    conn.prepare_cached(&format!(
        "INSERT INTO products (id, name, description, price_cents, stock, version, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6)
         ON CONFLICT (id) DO UPDATE SET
             name = excluded.name, description = excluded.description,
             price_cents = excluded.price_cents, stock = excluded.stock,
             version = products.version + 1,
             updated_at = max(excluded.updated_at, products.updated_at),
             deleted = 0
         WHERE products.deleted = 1
         RETURNING {COLUMNS}"
    ))?
    .query_row(
        params![
            id,
            p.name,
            p.description,
            p.price_cents,
            p.stock,
            now_millis()
        ],
        product,
    )
    .optional()
}

pub(crate) fn replace(
    conn: &Connection,
    id: i64,
    expected_version: i64,
    p: &ProductInput,
) -> rusqlite::Result<Option<Product>> {
    // The compare-and-swap: the WHERE clause is the precondition, checked and acted on
    // in one statement, so a concurrent writer cannot slip in between.
    conn.prepare_cached(&format!(
        "UPDATE products SET
             name = ?3, description = ?4, price_cents = ?5, stock = ?6,
             version = version + 1, updated_at = max(?7, updated_at)
         WHERE id = ?1 AND version = ?2 AND deleted = 0
         RETURNING {COLUMNS}"
    ))?
    .query_row(
        params![
            id,
            expected_version,
            p.name,
            p.description,
            p.price_cents,
            p.stock,
            now_millis()
        ],
        product,
    )
    .optional()
}

pub(crate) fn delete(conn: &Connection, id: i64, expected_version: i64) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE products SET deleted = 1, version = version + 1,
                 updated_at = max(?3, updated_at)
             WHERE id = ?1 AND version = ?2 AND deleted = 0",
        )?
        .execute(params![id, expected_version, now_millis()])?;
    Ok(changed == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> Connection {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        seed(&mut conn).unwrap();
        conn
    }

    fn input(stock: i64) -> ProductInput {
        ProductInput {
            name: "Mug".into(),
            description: "Stoneware".into(),
            price_cents: 900,
            stock,
        }
    }

    #[test]
    fn seeds_three_products_once() {
        let mut conn = memory();
        seed(&mut conn).unwrap();
        let all = list(&conn).unwrap();
        assert_eq!(all.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(all.iter().all(|p| p.version == 1));
    }

    #[test]
    fn replace_is_a_compare_and_swap() {
        let conn = memory();
        let updated = replace(&conn, 1, 1, &input(7)).unwrap().unwrap();
        assert_eq!((updated.version, updated.stock), (2, 7));
        // The same expected version again loses: nothing changes.
        assert!(replace(&conn, 1, 1, &input(8)).unwrap().is_none());
        assert_eq!(get(&conn, 1).unwrap().unwrap(), updated);
    }

    #[test]
    fn delete_leaves_a_tombstone_and_recreation_continues_the_version() {
        let conn = memory();
        assert!(!delete(&conn, 1, 5).unwrap());
        assert!(delete(&conn, 1, 1).unwrap());
        assert!(get(&conn, 1).unwrap().is_none());
        assert!(!delete(&conn, 1, 2).unwrap(), "already gone");
        assert!(replace(&conn, 1, 2, &input(1)).unwrap().is_none());
        let revived = create_at(&conn, 1, &input(4)).unwrap().unwrap();
        assert_eq!(
            revived.version, 3,
            "never reuses a version a cache may hold"
        );
        assert!(
            create_at(&conn, 1, &input(5)).unwrap().is_none(),
            "live: 412"
        );
    }

    #[test]
    fn fresh_ids_are_never_reused() {
        let conn = memory();
        assert!(delete(&conn, 3, 1).unwrap());
        assert_eq!(insert(&conn, &input(1)).unwrap().id, 4);
        assert_eq!(create_at(&conn, 10, &input(1)).unwrap().unwrap().id, 10);
        assert_eq!(insert(&conn, &input(1)).unwrap().id, 11);
    }

    #[test]
    fn the_schema_refuses_negative_numbers() {
        let conn = memory();
        assert!(insert(&conn, &input(-1)).is_err());
        assert_eq!(list(&conn).unwrap().len(), 3);
    }
}
