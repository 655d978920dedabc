//! The store itself, on a real database (SQLite; PostgreSQL with `PRODUCTS_TEST_POSTGRES`):
//! seeds, compare-and-swap writes, tombstones, fresh ids, the validator lookups and the
//! collection version, races between writers, outages, and tags that are the same on both
//! backends.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use etag_actix::ETag as _;
use etag_examples::db::{ACQUIRE_TIMEOUT, Backend};
use etag_examples::{Catalog, Db, DbError, ProductInput};
use support::TestDb;

fn input(stock: i64) -> ProductInput {
    ProductInput {
        name: "Mug".into(),
        description: "Stoneware".into(),
        price_cents: 900,
        stock,
    }
}

/// Runs `f` with a fresh store on its own runtime.
fn with_store<F, Fut>(f: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()>,
{
    let db = TestDb::new();
    actix_web::rt::System::new().block_on(async {
        let store = Db::connect(&db.url).await.unwrap();
        f(store.clone()).await;
        store.close().await;
    });
}

#[test]
fn seeds_three_products_once() {
    let db = TestDb::new();
    actix_web::rt::System::new().block_on(async {
        Db::connect(&db.url).await.unwrap().close().await;
        let store = Db::connect(&db.url).await.unwrap();
        let all = store.list().await.unwrap();
        assert_eq!(all.iter().map(|p| p.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(all.iter().all(|p| p.version == 1));
        assert_eq!(store.catalog_version().await.unwrap().version, 3);
    });
}

/// Two instances starting at once on a new database: the migrations run once (SQLite: in
/// an IMMEDIATE transaction; PostgreSQL: sqlx's advisory lock) and so does the seed (the
/// catalog row's lock).
#[test]
fn stores_opening_a_new_database_at_once_create_and_seed_it_once() {
    for _round in 0..3 {
        let db = TestDb::new();
        actix_web::rt::System::new().block_on(async {
            let opening: Vec<_> = (0..4)
                .map(|_| {
                    let url = db.url.clone();
                    actix_web::rt::spawn(async move { Db::connect(&url).await })
                })
                .collect();
            let mut stores = Vec::new();
            for o in opening {
                stores.push(o.await.unwrap().unwrap());
            }
            for store in &stores {
                assert_eq!(store.list().await.unwrap().len(), 3);
                assert_eq!(store.catalog_version().await.unwrap().version, 3);
                store.close().await;
            }
        });
    }
}

#[test]
fn replace_is_a_compare_and_swap() {
    with_store(|db| async move {
        let updated = db.replace(1, 1, input(7)).await.unwrap().unwrap();
        assert_eq!((updated.version, updated.stock), (2, 7));
        // The same expected version again loses: nothing changes.
        assert!(db.replace(1, 1, input(8)).await.unwrap().is_none());
        assert_eq!(db.get(1).await.unwrap().unwrap(), updated);
    });
}

#[test]
fn delete_leaves_a_tombstone_and_recreation_continues_the_version() {
    with_store(|db| async move {
        assert!(!db.delete(1, 5).await.unwrap());
        assert!(db.delete(1, 1).await.unwrap());
        assert!(db.get(1).await.unwrap().is_none());
        assert!(db.product_version(1).await.unwrap().is_none());
        assert!(!db.delete(1, 2).await.unwrap(), "already gone");
        assert!(db.replace(1, 2, input(1)).await.unwrap().is_none());
        let revived = db.create_at(1, input(4)).await.unwrap().unwrap();
        assert_eq!(
            revived.version, 3,
            "never reuses a version a cache may hold"
        );
        assert!(
            db.create_at(1, input(5)).await.unwrap().is_none(),
            "live: 412"
        );
    });
}

#[test]
fn fresh_ids_are_never_reused() {
    with_store(|db| async move {
        assert!(db.delete(3, 1).await.unwrap());
        assert_eq!(db.insert(input(1)).await.unwrap().id, 4);
        assert_eq!(db.create_at(10, input(1)).await.unwrap().unwrap().id, 10);
        assert_eq!(db.insert(input(1)).await.unwrap().id, 11);
    });
}

#[test]
fn the_schema_refuses_negative_numbers() {
    with_store(|db| async move {
        let err = db.insert(input(-1)).await.unwrap_err();
        assert!(!err.is_unavailable(), "{err}");
        assert_eq!(db.list().await.unwrap().len(), 3);
    });
}

#[test]
fn a_product_version_has_the_products_tag_and_reads_no_product_row() {
    with_store(|db| async move {
        for id in 1..=3 {
            let before = db.stats();
            let version = db.product_version(id).await.unwrap().unwrap();
            let read = db.stats().since(before);
            assert_eq!(
                (read.product_version_lookups, read.product_rows_read),
                (1, 0)
            );
            let product = db.get(id).await.unwrap().unwrap();
            assert_eq!(version.etag(), product.etag());
            assert_eq!(version.last_modified(), product.last_modified());
        }
        let updated = db.replace(2, 1, input(3)).await.unwrap().unwrap();
        let version = db.product_version(2).await.unwrap().unwrap();
        assert_eq!((version.version, version.etag()), (2, updated.etag()));
        assert_eq!(db.product_version(99).await.unwrap(), None);
    });
}

#[test]
fn every_write_bumps_the_catalog_version_and_its_date_counts_deletions() {
    with_store(|db| async move {
        let mut seen = vec![db.catalog_version().await.unwrap()];
        let mut check = async |what: &str, db: &Db| {
            let before = db.stats();
            let now = db.catalog_version().await.unwrap();
            assert_eq!(db.stats().since(before).product_rows_read, 0);
            let last = *seen.last().unwrap();
            assert_eq!(now.version, last.version + 1, "{what}");
            assert!(now.updated_at >= last.updated_at, "{what}");
            assert!(seen.iter().all(|v| v.etag() != now.etag()), "{what}");
            // The list read with it carries the same validators, hence the same tag.
            let catalog = db.catalog().await.unwrap();
            assert_eq!(catalog.validators(), now, "{what}");
            assert_eq!(catalog.etag(), now.etag(), "{what}");
            seen.push(now);
        };
        let p = db.insert(input(1)).await.unwrap();
        check("insert", &db).await;
        let p = db
            .replace(p.id, p.version, input(2))
            .await
            .unwrap()
            .unwrap();
        check("replace", &db).await;
        assert!(db.delete(p.id, p.version).await.unwrap());
        check("delete", &db).await;
        let deleted_at = db.catalog_version().await.unwrap().updated_at;
        let p = db.create_at(p.id, input(3)).await.unwrap().unwrap();
        check("revive", &db).await;
        db.create_at(50, input(3)).await.unwrap().unwrap();
        check("create at an id", &db).await;
        let v = db.catalog_version().await.unwrap().version;
        db.insert_if_catalog(v, input(4)).await.unwrap().unwrap();
        check("conditional insert", &db).await;

        // Refused writes change nothing.
        let before = db.catalog_version().await.unwrap();
        assert!(db.replace(p.id, 1, input(9)).await.unwrap().is_none());
        assert!(!db.delete(p.id, 1).await.unwrap());
        assert!(db.create_at(p.id, input(9)).await.unwrap().is_none());
        assert!(db.insert_if_catalog(v, input(9)).await.unwrap().is_none());
        assert_eq!(db.catalog_version().await.unwrap(), before);
        assert!(deleted_at >= seen[2].updated_at);
    });
}

#[test]
fn the_catalog_is_read_in_one_statement_and_counts_its_rows() {
    with_store(|db| async move {
        let before = db.stats();
        let catalog: Catalog = db.catalog().await.unwrap();
        assert_eq!(catalog.products.len(), 3);
        assert_eq!(db.stats().since(before).product_rows_read, 3);
        for p in &catalog.products {
            assert!(db.delete(p.id, p.version).await.unwrap());
        }
        let empty = db.catalog().await.unwrap();
        assert!(empty.products.is_empty());
        assert_eq!(empty.version, 6);
        assert!(empty.last_modified >= catalog.last_modified);
        assert_eq!(serde_json::to_string(&empty).unwrap(), "[]");
    });
}

/// Many writers on one expected catalog version: exactly one insert wins, the others
/// change nothing.
#[test]
fn conditional_inserts_racing_on_one_catalog_version_have_one_winner() {
    for _round in 0..5 {
        with_store(|db| async move {
            let expected = db.catalog_version().await.unwrap().version;
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    let db = db.clone();
                    actix_web::rt::spawn(
                        async move { db.insert_if_catalog(expected, input(i)).await },
                    )
                })
                .collect();
            let mut won = 0;
            for t in tasks {
                if t.await.unwrap().unwrap().is_some() {
                    won += 1;
                }
            }
            assert_eq!(won, 1);
            assert_eq!(db.list().await.unwrap().len(), 4);
            assert_eq!(db.catalog_version().await.unwrap().version, expected + 1);
        });
    }
}

/// Creations at one id racing each other and a delete/revive: one creation wins.
#[test]
fn creations_at_one_id_racing_have_one_winner() {
    for _round in 0..5 {
        with_store(|db| async move {
            let tasks: Vec<_> = (0..8)
                .map(|i| {
                    let db = db.clone();
                    actix_web::rt::spawn(async move { db.create_at(77, input(i)).await })
                })
                .collect();
            let mut won = 0;
            for t in tasks {
                if t.await.unwrap().unwrap().is_some() {
                    won += 1;
                }
            }
            assert_eq!(won, 1);
            let p = db.get(77).await.unwrap().unwrap();
            assert_eq!(p.version, 1);
        });
    }
}

/// Deletes racing replaces and creations on the same product: no error (no deadlock on
/// PostgreSQL), and the outcome is a serial one: the version gained is the number of
/// writes that reported success.
#[test]
fn deletes_replaces_and_creations_racing_on_one_product_stay_consistent() {
    with_store(|db| async move {
        let mut tasks = Vec::new();
        for i in 0..24_i64 {
            let db = db.clone();
            tasks.push(actix_web::rt::spawn(async move {
                for _ in 0..5 {
                    let done = match db.product_version(1).await? {
                        Some(v) if i % 3 == 0 => db.delete(1, v.version).await?,
                        Some(v) => db.replace(1, v.version, input(i)).await?.is_some(),
                        None => db.create_at(1, input(i)).await?.is_some(),
                    };
                    if done {
                        return Ok::<u32, DbError>(1);
                    }
                }
                Ok(0)
            }));
        }
        let mut applied = 0;
        for t in tasks {
            applied += t.await.unwrap().unwrap();
        }
        // Each success bumped the product and the catalog by one; a refusal, nothing.
        let catalog = db.catalog_version().await.unwrap().version;
        assert_eq!(catalog, 3 + i64::from(applied));
        if let Some(p) = db.get(1).await.unwrap() {
            assert_eq!(p.version, 1 + i64::from(applied));
        }
    });
}

/// The pinned tags of the README: the same on every machine and on both backends.
#[test]
fn tags_are_pinned() {
    with_store(|db| async move {
        let one = db.get(1).await.unwrap().unwrap();
        assert_eq!(one.etag().to_string(), r#""C3CzHld1ftKjtxsZCu3hvPaZvgc""#);
        let catalog = db.catalog().await.unwrap();
        assert_eq!(catalog.version, 3);
        assert_eq!(
            catalog.etag().to_string(),
            db.catalog_version().await.unwrap().etag().to_string()
        );
        assert_eq!(catalog.etag().to_string(), CATALOG_V3);
    });
}

/// The tag of the seeded catalog (version 3): base64url(SHA-1(str("catalog") str("version")
/// 3i64)), computed outside Rust from DESIGN §4.
const CATALOG_V3: &str = r#""dFZMW8OYTWmOyKqVNjgXjz7a2p8""#;

/// The same writes on SQLite and on PostgreSQL give byte-identical tags and bodies (but
/// for the times). Without `PRODUCTS_TEST_POSTGRES`, SQLite against SQLite.
#[test]
fn the_same_writes_give_the_same_tags_on_both_backends() {
    let sqlite = TestDb::sqlite();
    let other = TestDb::new();
    actix_web::rt::System::new().block_on(async {
        let mut tags = Vec::new();
        for db in [&sqlite, &other] {
            let store = Db::connect(&db.url).await.unwrap();
            let mut seen = Vec::new();
            let p = store.insert(input(1)).await.unwrap();
            let p = store
                .replace(p.id, p.version, input(2))
                .await
                .unwrap()
                .unwrap();
            assert!(store.delete(2, 1).await.unwrap());
            store.create_at(2, input(3)).await.unwrap().unwrap();
            store.create_at(9, input(4)).await.unwrap().unwrap();
            let v = store.catalog_version().await.unwrap().version;
            store.insert_if_catalog(v, input(5)).await.unwrap().unwrap();
            seen.push(p.etag().to_string());
            let catalog = store.catalog().await.unwrap();
            seen.push(catalog.etag().to_string());
            for p in &catalog.products {
                let mut body = serde_json::to_value(p).unwrap();
                body.as_object_mut().unwrap().remove("updated_at");
                seen.push(format!("{} {body}", p.etag()));
            }
            store.close().await;
            tags.push((db.backend, seen));
        }
        assert_eq!(tags[0].1, tags[1].1, "{:?} vs {:?}", tags[0].0, tags[1].0);
    });
}

/// A PostgreSQL server that is not there: a bounded wait, then "unavailable" (the service
/// answers 503), not a hang and not a panic.
#[test]
fn an_unreachable_database_is_unavailable_within_the_acquire_timeout() {
    actix_web::rt::System::new().block_on(async {
        // Port 1 on loopback: nobody listens there, connections are refused.
        let started = Instant::now();
        let err = Db::connect("postgres://nobody@127.0.0.1:1/none")
            .await
            .unwrap_err();
        assert!(err.is_unavailable(), "{err}");
        assert!(
            started.elapsed() < ACQUIRE_TIMEOUT + Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
    });
}

#[test]
fn the_backend_is_the_one_asked_for() {
    with_store(|db| async move {
        let expected = if support::postgres_admin().is_some() {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        assert_eq!(db.backend(), expected);
        assert!(!db.name().contains(":@"), "no password in {}", db.name());
    });
}
