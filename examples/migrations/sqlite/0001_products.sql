-- The products store on SQLite. The PostgreSQL twin is ../postgres/0001_products.sql: the
-- same tables, columns and trigger logic, in each dialect's DDL. Timestamps are
-- milliseconds since the Unix epoch in an integer column (no date type is portable).
--
-- `IF NOT EXISTS` and the catalog row computed from the rows: a products.db written by an
-- earlier version of the example (same products table, no catalog) is taken over as it is.

CREATE TABLE IF NOT EXISTS products (
    id          INTEGER PRIMARY KEY CHECK (id >= 1),
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    version     INTEGER NOT NULL CHECK (version >= 1),
    updated_at  INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
) STRICT;

-- The collection's validators, one row: `version` counts the writes to any product,
-- `updated_at` is the latest `updated_at` of any row, tombstones included (NULL: no
-- product ever). Every write raises one product's version by exactly one (an insert
-- starts at 1), so the sum of the versions is the number of writes so far.
CREATE TABLE IF NOT EXISTS catalog (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    version    INTEGER NOT NULL CHECK (version >= 0),
    updated_at INTEGER
) STRICT;

INSERT INTO catalog (id, version, updated_at)
SELECT 1, COALESCE(SUM(version), 0), MAX(updated_at) FROM products
WHERE NOT EXISTS (SELECT 1 FROM catalog);

-- Each row written bumps the catalog in the same statement (so in the same transaction).
CREATE TRIGGER IF NOT EXISTS products_insert_bumps_catalog AFTER INSERT ON products
BEGIN
    UPDATE catalog SET
        version = version + 1,
        updated_at = CASE WHEN updated_at IS NULL OR NEW.updated_at > updated_at
                          THEN NEW.updated_at ELSE updated_at END
    WHERE id = 1;
END;

CREATE TRIGGER IF NOT EXISTS products_update_bumps_catalog AFTER UPDATE ON products
BEGIN
    UPDATE catalog SET
        version = version + 1,
        updated_at = CASE WHEN updated_at IS NULL OR NEW.updated_at > updated_at
                          THEN NEW.updated_at ELSE updated_at END
    WHERE id = 1;
END;
