-- The products store on PostgreSQL. The SQLite twin is ../sqlite/0001_products.sql: the
-- same tables, columns and trigger logic, in each dialect's DDL. Timestamps are
-- milliseconds since the Unix epoch in a BIGINT (no date type is portable, and sqlx's Any
-- driver maps none).

CREATE TABLE IF NOT EXISTS products (
    id          BIGINT   PRIMARY KEY CHECK (id >= 1),
    name        TEXT     NOT NULL,
    description TEXT     NOT NULL,
    price_cents BIGINT   NOT NULL CHECK (price_cents >= 0),
    stock       BIGINT   NOT NULL CHECK (stock >= 0),
    version     BIGINT   NOT NULL CHECK (version >= 1),
    updated_at  BIGINT   NOT NULL,
    deleted     SMALLINT NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1))
);

-- The collection's validators, one row: `version` counts the writes to any product,
-- `updated_at` is the latest `updated_at` of any row, tombstones included (NULL: no
-- product ever). Every write raises one product's version by exactly one (an insert
-- starts at 1), so the sum of the versions is the number of writes so far.
CREATE TABLE IF NOT EXISTS catalog (
    id         SMALLINT PRIMARY KEY CHECK (id = 1),
    version    BIGINT   NOT NULL CHECK (version >= 0),
    updated_at BIGINT
);

INSERT INTO catalog (id, version, updated_at)
SELECT 1, COALESCE(SUM(version), 0), MAX(updated_at) FROM products
WHERE NOT EXISTS (SELECT 1 FROM catalog);

-- Each row written bumps the catalog in the same statement (so in the same transaction).
-- Under READ COMMITTED a second writer waits for the catalog row lock and then updates
-- the newest row version: no bump is lost.
CREATE OR REPLACE FUNCTION products_bump_catalog() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog SET
        version = version + 1,
        updated_at = CASE WHEN updated_at IS NULL OR NEW.updated_at > updated_at
                          THEN NEW.updated_at ELSE updated_at END
    WHERE id = 1;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS products_bump_catalog ON products;
CREATE TRIGGER products_bump_catalog AFTER INSERT OR UPDATE ON products
    FOR EACH ROW EXECUTE FUNCTION products_bump_catalog();
