//! The product model: what the API shows, and what a client may write.

use std::time::SystemTime;

use chrono::{DateTime, Utc};
use etag_actix::{ETag, EntityTag};
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, ETag)]
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
    pub updated_at: DateTime<Utc>,
}

/// The collection `/products`: every live product, and when the collection last changed.
///
/// Its entity tag is the list's (a tag over each product's `id` and `version`), so any
/// write to any product changes it; its modification time is the latest `updated_at` of
/// all rows, deleted ones included, so a deletion moves it too. It serializes as the plain
/// JSON array of products. `POST /products` evaluates its preconditions against it.
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
/// let catalog = Catalog { products: vec![cup.clone()], last_modified: Some(cup.updated_at) };
/// assert_eq!(catalog.etag(), vec![cup].etag());
/// assert_eq!(catalog.last_modified(), Some(std::time::SystemTime::UNIX_EPOCH));
/// assert!(serde_json::to_value(&catalog)?.is_array());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Catalog {
    /// The live products, by id.
    pub products: Vec<Product>,
    /// The latest change to any product, deletions included (`None`: no product ever).
    pub last_modified: Option<DateTime<Utc>>,
}

impl ETag for Catalog {
    fn etag(&self) -> EntityTag {
        self.products.etag()
    }

    fn last_modified(&self) -> Option<SystemTime> {
        self.last_modified.map(SystemTime::from)
    }
}

impl Serialize for Catalog {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.products.serialize(serializer)
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
