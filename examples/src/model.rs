//! The product model: what the API shows, and what a client may write.

use chrono::{DateTime, Utc};
use etag_actix::ETag;
use serde::{Deserialize, Serialize, Serializer};

/// Longest accepted `name`, in characters.
pub(crate) const MAX_NAME_CHARS: usize = 200;
/// Longest accepted `description`, in characters.
pub(crate) const MAX_DESCRIPTION_CHARS: usize = 4000;

/// One product of the catalog, as `GET /products/{id}` shows it.
///
/// The entity tag is derived from `id` and `version` only: every write bumps `version`
/// (in the same SQL statement that changes the row), so the pair determines every byte of
/// the representation and the tag can be strong. `updated_at` is the `Last-Modified` time.
///
/// # Examples
///
/// ```
/// use etag_actix::ETag as _;
/// use etag_examples::Product;
///
/// let mut p = Product {
///     id: 1,
///     name: "Espresso cup".into(),
///     description: "Porcelain, 90 ml".into(),
///     price_cents: 1250,
///     stock: 40,
///     version: 1,
///     updated_at: chrono::DateTime::UNIX_EPOCH,
/// };
/// let before = p.etag();
/// p.version += 1;
/// assert_ne!(before, p.etag());
/// assert!(!before.is_weak());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ETag, sqlx::FromRow)]
pub struct Product {
    /// Identifier, assigned by the service (`POST`) or chosen by the client (`PUT` with
    /// `If-None-Match: *`).
    #[etag]
    pub id: i64,
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// Free text, up to 4000 characters.
    pub description: String,
    /// Price in cents, never negative.
    pub price_cents: i64,
    /// Units in stock, never negative.
    pub stock: i64,
    /// Bumped by one on every write, including the delete that leaves a tombstone.
    #[etag]
    pub version: i64,
    /// When the product last changed (RFC 3339 in JSON, `Last-Modified` in HTTP).
    #[etag(last_modified)]
    #[sqlx(try_from = "Millis")]
    pub updated_at: DateTime<Utc>,
}

/// The validators of one product, without the product: what `SELECT id, version,
/// updated_at` reads ([`Db::product_version`](crate::Db::product_version)).
///
/// It derives its tag from the same `#[etag]` fields as [`Product`] (same names, same
/// types, no salt), so its tag *is* the product's tag, and a handler can answer `304` (or
/// `412`) from it before loading and serializing the product.
///
/// # Examples
///
/// ```
/// use etag_actix::ETag as _;
/// use etag_examples::{Product, ProductVersion};
///
/// let product = Product {
///     id: 1,
///     name: "Espresso cup".into(),
///     description: String::new(),
///     price_cents: 1250,
///     stock: 40,
///     version: 1,
///     updated_at: chrono::DateTime::UNIX_EPOCH,
/// };
/// let version = ProductVersion::from(&product);
/// assert_eq!(version.etag(), product.etag());
/// assert_eq!(version.last_modified(), product.last_modified());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ETag, sqlx::FromRow)]
pub struct ProductVersion {
    /// The product's id.
    #[etag]
    pub id: i64,
    /// The product's version.
    #[etag]
    pub version: i64,
    /// When the product last changed: its `Last-Modified`.
    #[etag(last_modified)]
    #[sqlx(try_from = "Millis")]
    pub updated_at: DateTime<Utc>,
}

impl From<&Product> for ProductVersion {
    fn from(p: &Product) -> Self {
        ProductVersion {
            id: p.id,
            version: p.version,
            updated_at: p.updated_at,
        }
    }
}

/// The validators of the collection `/products`: the one row of the `catalog` table,
/// which triggers on `products` keep current ([`Db::catalog_version`](crate::Db::catalog_version)).
///
/// `version` goes up by one with every write to any product (insert, update, delete, in
/// the same statement as the write), and `updated_at` is the latest `updated_at` of any
/// product row, tombstones included, so a deletion moves it too.
///
/// Why a counter row and not an aggregate of the products: `count(*)` and
/// `max(version)` are cheap but two different states can share them (an update of a
/// product that does not hold the highest version leaves `max(version)` as it was; a
/// delete plus an insert leaves `count(*)`), so they cannot make a strong tag;
/// `sum(version)` would be exact (every write adds one) but reads every row, which is what
/// a `304` should avoid. The counter is exact and costs one row.
///
/// Its tag is salted with `"catalog"`, so it can never equal a product's tag.
///
/// # Examples
///
/// ```
/// use etag_actix::ETag as _;
/// use etag_examples::{Catalog, CatalogVersion};
///
/// let version = CatalogVersion { version: 3, updated_at: Some(chrono::DateTime::UNIX_EPOCH) };
/// let catalog = Catalog { products: Vec::new(), version: 3, last_modified: version.updated_at };
/// assert_eq!(version.etag(), catalog.etag());
/// assert_eq!(version.last_modified(), Some(std::time::SystemTime::UNIX_EPOCH));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, ETag)]
#[etag(salt = "catalog")]
pub struct CatalogVersion {
    /// Counts the writes to any product.
    #[etag]
    pub version: i64,
    /// The latest change to any product, deletions included (`None`: no product ever).
    #[etag(last_modified)]
    pub updated_at: Option<DateTime<Utc>>,
}

/// The collection `/products`: every live product, with the collection's validators read
/// in the same statement (so from the same snapshot, on both backends).
///
/// Its entity tag is [`CatalogVersion`]'s (derived from `version`, salt `"catalog"`), so any
/// write to any product changes it and it can be computed without reading a product; its
/// modification time is the latest `updated_at` of all rows, deleted ones included. It
/// serializes as the plain JSON array of products. `POST /products` evaluates its
/// preconditions against it.
///
/// # Examples
///
/// ```
/// use etag_actix::ETag as _;
/// use etag_examples::{Catalog, Product};
///
/// let cup = Product {
///     id: 1,
///     name: "Espresso cup".into(),
///     description: String::new(),
///     price_cents: 1250,
///     stock: 40,
///     version: 1,
///     updated_at: chrono::DateTime::UNIX_EPOCH,
/// };
/// let catalog = Catalog { products: vec![cup.clone()], version: 1, last_modified: Some(cup.updated_at) };
/// assert_eq!(catalog.etag(), catalog.validators().etag());
/// assert_ne!(catalog.etag(), cup.etag());
/// assert_eq!(catalog.last_modified(), Some(std::time::SystemTime::UNIX_EPOCH));
/// assert!(serde_json::to_value(&catalog)?.is_array());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, ETag)]
#[etag(salt = "catalog")]
pub struct Catalog {
    /// The live products, by id.
    pub products: Vec<Product>,
    /// The catalog version these products are the state of ([`CatalogVersion::version`]).
    #[etag]
    pub version: i64,
    /// The latest change to any product, deletions included (`None`: no product ever).
    #[etag(last_modified)]
    pub last_modified: Option<DateTime<Utc>>,
}

impl Catalog {
    /// The collection's validators alone.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::{Catalog, CatalogVersion};
    ///
    /// let empty = Catalog { products: Vec::new(), version: 0, last_modified: None };
    /// assert_eq!(empty.validators(), CatalogVersion { version: 0, updated_at: None });
    /// ```
    pub fn validators(&self) -> CatalogVersion {
        CatalogVersion {
            version: self.version,
            updated_at: self.last_modified,
        }
    }
}

impl Serialize for Catalog {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.products.serialize(serializer)
    }
}

/// A stored time: milliseconds since the Unix epoch, as the `updated_at` columns hold it
/// (a `BIGINT`: neither a date type nor its encoding is portable between SQLite and
/// PostgreSQL, and sqlx's `Any` driver maps none). Rows decode through it into
/// `DateTime<Utc>` (`#[sqlx(try_from = "Millis")]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, sqlx::Type)]
#[sqlx(transparent)]
pub(crate) struct Millis(pub(crate) i64);

/// A stored time outside what `DateTime<Utc>` can hold.
#[derive(Debug)]
pub(crate) struct TimeOutOfRange(i64);

impl std::fmt::Display for TimeOutOfRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ms since the epoch is out of range", self.0)
    }
}

impl std::error::Error for TimeOutOfRange {}

impl TryFrom<Millis> for DateTime<Utc> {
    type Error = TimeOutOfRange;

    fn try_from(millis: Millis) -> Result<Self, Self::Error> {
        DateTime::from_timestamp_millis(millis.0).ok_or(TimeOutOfRange(millis.0))
    }
}

/// The fields a client writes: the body of `POST` and `PUT`, and the result of a merge patch.
///
/// Unknown fields are refused, including the read-only `id`, `version` and `updated_at`:
/// a client states the version it read with `If-Match`, never in the body.
///
/// # Examples
///
/// ```
/// use etag_examples::ProductInput;
///
/// let input: ProductInput = serde_json::from_str(
///     r#"{"name":"Mug","description":"","price_cents":900,"stock":3}"#,
/// ).unwrap();
/// assert!(input.validate().is_ok());
/// assert!(serde_json::from_str::<ProductInput>(r#"{"name":"Mug","version":2}"#).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductInput {
    /// Display name, 1 to 200 characters.
    pub name: String,
    /// Free text, up to 4000 characters (may be empty).
    pub description: String,
    /// Price in cents, never negative.
    pub price_cents: i64,
    /// Units in stock, never negative.
    pub stock: i64,
}

impl ProductInput {
    /// Checks the rules serde cannot express; every broken rule is named.
    ///
    /// # Errors
    ///
    /// One message per broken rule, e.g. "`price_cents` must not be negative".
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::ProductInput;
    ///
    /// let bad = ProductInput { name: " ".into(), description: String::new(), price_cents: -1, stock: 0 };
    /// assert_eq!(bad.validate().unwrap_err().len(), 2);
    /// ```
    pub fn validate(&self) -> Result<(), Vec<String>> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push("`name` must not be empty".to_owned());
        }
        if self.name.chars().count() > MAX_NAME_CHARS {
            problems.push(format!(
                "`name` must be at most {MAX_NAME_CHARS} characters"
            ));
        }
        if self.description.chars().count() > MAX_DESCRIPTION_CHARS {
            problems.push(format!(
                "`description` must be at most {MAX_DESCRIPTION_CHARS} characters"
            ));
        }
        if self.price_cents < 0 {
            problems.push("`price_cents` must not be negative".to_owned());
        }
        if self.stock < 0 {
            problems.push("`stock` must not be negative".to_owned());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

impl From<&Product> for ProductInput {
    fn from(p: &Product) -> Self {
        ProductInput {
            name: p.name.clone(),
            description: p.description.clone(),
            price_cents: p.price_cents,
            stock: p.stock,
        }
    }
}
