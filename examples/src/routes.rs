//! The HTTP API of the products service.
//!
//! | route | answer |
//! |-------|--------|
//! | `GET`/`HEAD /products` | `200`, the list, tagged as a collection (`ETag`, and `Last-Modified`: the latest change to any product); `304` on `If-None-Match` / `If-Modified-Since` |
//! | `GET`/`HEAD /products/{id}` | `200` with a strong `ETag` and `Last-Modified`; `304` on `If-None-Match` / `If-Modified-Since`; `404` when absent, whatever the conditional headers |
//! | `POST /products` | `201 Created`, `Location`, `ETag`; conditional headers are evaluated against the collection (`412` when one is false, e.g. `If-None-Match: *`: the collection exists) |
//! | `PUT /products/{id}` | `If-Match` (or `If-Unmodified-Since`) required (`428`); `412` when stale; `200` with the new `ETag`. With `If-None-Match: *`: `201` when absent, `412` when present. Otherwise `404` when absent, whatever the preconditions |
//! | `PATCH /products/{id}` | JSON Merge Patch (`application/merge-patch+json`), same preconditions as `PUT` |
//! | `DELETE /products/{id}` | `If-Match` (or `If-Unmodified-Since`) required (`428`); `412` when stale; `204`; `404` when absent, whatever the preconditions |
//! | any | a malformed `If-Match` (or, on a write, `If-None-Match`): `400`; a body over 64 KiB: `413` |
//!
//! A write to an absent product is `404` whatever its preconditions, because without them it
//! would be (RFC 9110 §13.2.1); only `If-None-Match: *` turns a `PUT` or `PATCH` into a
//! creation. The app's [`PreconditionConfig`](etag_actix::PreconditionConfig) requires a
//! precondition of `PUT`, `PATCH` and `DELETE`; `Preconditions::write` applies that rule
//! (`428`) once the product is known to exist.
//!
//! Reads answer `304` from the validators alone: `SELECT id, version, updated_at` for a
//! product ([`Db::product_version`]), the one-row catalog version for the list
//! ([`Db::catalog_version`]); the rows are read (and serialized) only for a `200`.
//!
//! Every write is one call of [`Preconditions::write`]: it reads the current state,
//! evaluates the client's preconditions against it, and hands it to a compare-and-swap
//! that applies the change only if that state is still the current one, so nothing is
//! written on the strength of preconditions that no longer hold. A write that loses the
//! race is re-read and re-evaluated by the library: a specific `If-Match` tag is then
//! stale (`412`), `If-Match: *` still holds (retried, `503` with `Retry-After` if it keeps
//! losing), a deleted product is `404`.
//! - `PUT`, `PATCH`, `DELETE`: the compare-and-swap is on the product's version
//!   ([`Db::replace`], [`Db::delete`]);
//! - creation with `If-None-Match: *`: inserted only if no live product has the id
//!   ([`Db::create_at`]);
//! - `POST` with preconditions: evaluated against the collection's validators, then the
//!   insert is a compare-and-swap on the catalog version they were checked against
//!   ([`Db::insert_if_catalog`]); without preconditions, a plain insert.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, ResponseError as _};
use etag_actix::{Condition, Conditional, Preconditions, Problem, Tagged, Unloaded, WriteError};
use serde_json::Value;

use crate::body;
use crate::db::Db;
use crate::model::{Catalog, Product, ProductInput, ProductVersion};
use crate::problem::ApiError;

/// The `Cache-Control` of product responses, shared by all handlers.
#[derive(Clone, Debug)]
pub(crate) struct CachePolicy(pub(crate) HeaderValue);

/// A product id from the path: a positive integer in canonical form (so `/products/007`
/// is not an alias of `/products/7`), else no product has it (`404`).
fn product_id(raw: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0 && id.to_string() == raw)
        .ok_or_else(|| ApiError::NotFound { id: raw.to_owned() })
}

fn location(id: i64) -> String {
    format!("/products/{id}")
}

fn not_found(id: i64) -> ApiError {
    ApiError::NotFound { id: id.to_string() }
}

/// The head of every product response, declared once for the early `304` and the `200`:
/// validators, the cache policy, and `Content-Location`, so a client knows the body is the
/// resource's current state. (`Tagged` sends a fresh `Date`, never earlier than the
/// product's `updated_at`.)
fn product_head(version: &ProductVersion, cache: &CachePolicy) -> Tagged<Unloaded> {
    Tagged::head(version)
        .cache_control(cache.0.clone())
        .insert_header((header::CONTENT_LOCATION, location(version.id)))
}

/// The response for one product, as written.
fn tagged(product: Product, cache: &CachePolicy) -> Tagged<Product> {
    product_head(&ProductVersion::from(&product), cache).with_value(product)
}

/// A write that did not happen, as the service answers it: the precondition's own answer
/// (`412`, `428`, `503`), the service's `404` (`absent`), or the store's error.
fn refused(
    absent: impl FnOnce() -> ApiError,
) -> impl FnOnce(WriteError<ApiError>) -> actix_web::Error {
    move |err| match err {
        WriteError::Precondition(err) => err.into(),
        WriteError::NotFound => absent().into(),
        WriteError::Store(err) => err.into(),
    }
}

/// `GET`/`HEAD /products`: `304` from the catalog version row, without reading a product.
pub(crate) async fn list(
    req: HttpRequest,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Conditional<Catalog>, ApiError> {
    let version = db.catalog_version().await?;
    Tagged::head(&version)
        .cache_control(cache.0.clone())
        .load(&req, async || Ok(db.catalog().await?))
        .await
}

/// `GET`/`HEAD /products/{id}`: `304` from `SELECT id, version, updated_at`, without
/// reading the row; `404` when absent, whatever the conditional headers.
pub(crate) async fn show(
    req: HttpRequest,
    id: web::Path<String>,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Conditional<Product>, ApiError> {
    let id = product_id(&id)?;
    let version = db.product_version(id).await?.ok_or_else(|| not_found(id))?;
    product_head(&version, &cache)
        .load(&req, async || {
            db.get(id).await?.ok_or_else(|| not_found(id))
        })
        .await
}

/// `POST /products`. Conditional headers, when sent, are evaluated against the collection
/// ([`CatalogVersion`](crate::CatalogVersion): the [`Catalog`]'s validators), and the insert
/// happens only if the collection is still at the version they were checked against.
pub(crate) async fn create(
    req: HttpRequest,
    pre: Preconditions,
    body: Result<Bytes, actix_web::Error>,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Tagged<Product>, actix_web::Error> {
    let input = body::replacement(&req, &body::read(body)?)?;
    // Only the conditions a POST evaluates make it a compare-and-swap on the catalog:
    // If-Modified-Since and If-Range are for GET and HEAD, and change nothing here.
    let conditional = pre.if_match().is_some()
        || pre.if_none_match().is_some()
        || pre.if_unmodified_since().is_some();
    let product = pre
        .write()
        .update(
            async || Ok(Some(db.catalog_version().await?)),
            async |catalog| {
                Ok(if conditional {
                    db.insert_if_catalog(catalog.version, input.clone()).await?
                } else {
                    Some(db.insert(input.clone()).await?)
                })
            },
        )
        .await
        // The collection always exists: `NotFound` cannot come.
        .map_err(refused(|| ApiError::NoRoute {
            path: "/products".to_owned(),
        }))?;
    let here = location(product.id);
    Ok(tagged(product, &cache).created(here))
}

/// What a `PUT` or `PATCH` did.
enum Written {
    Replaced(Product),
    Created(Product),
}

/// `PUT /products/{id}` (full replacement) and `PATCH /products/{id}` (JSON Merge Patch,
/// RFC 7396, on the writable fields). With `If-None-Match: *` either creates the product
/// at this id when absent; a patch must then hold every field.
pub(crate) async fn put_or_patch(
    req: HttpRequest,
    pre: Preconditions,
    id: web::Path<String>,
    body: Result<Bytes, actix_web::Error>,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Tagged<Product>, actix_web::Error> {
    let id = product_id(&id)?;
    let body = body::read(body)?;
    let merge = req.method() == Method::PATCH;
    // The body is parsed once, after the preconditions held (a stale write is a 412,
    // whatever its body), and a patch is applied to each state read.
    let mut patch: Option<Value> = None;
    let mut replacement: Option<ProductInput> = None;
    let written = pre
        .write()
        .create_if_absent(pre.if_none_match() == Some(Condition::Any))
        .run(
            async || Ok(db.get(id).await?),
            async |current: Option<&Product>| {
                let input = if merge {
                    let patch = match &patch {
                        Some(patch) => patch,
                        None => patch.insert(body::merge_patch(&req, &body)?),
                    };
                    body::patched(current.map(ProductInput::from).as_ref(), patch)?
                } else {
                    match &replacement {
                        Some(input) => input.clone(),
                        None => replacement.insert(body::replacement(&req, &body)?).clone(),
                    }
                };
                Ok(match current {
                    Some(current) => db
                        .replace(id, current.version, input)
                        .await?
                        .map(Written::Replaced),
                    None => db.create_at(id, input).await?.map(Written::Created),
                })
            },
        )
        .await
        .map_err(refused(|| not_found(id)))?;
    Ok(match written {
        Written::Replaced(product) => tagged(product, &cache),
        Written::Created(product) => tagged(product, &cache).created(location(id)),
    })
}

/// `DELETE /products/{id}`: the validators are all it reads.
pub(crate) async fn delete(
    pre: Preconditions,
    id: web::Path<String>,
    db: web::Data<Db>,
) -> Result<HttpResponse, actix_web::Error> {
    let id = product_id(&id)?;
    pre.write()
        .update(
            async || Ok(db.product_version(id).await?),
            async |current| Ok(db.delete(id, current.version).await?.then_some(())),
        )
        .await
        .map_err(refused(|| not_found(id)))?;
    Ok(HttpResponse::NoContent().finish())
}

/// Any other method on a known path: `405` with `Allow`.
pub(crate) fn method_not_allowed(
    allow: &'static str,
) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
    move || {
        std::future::ready(
            Problem::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("allowed methods: {allow}"),
            )
            .insert_header((header::ALLOW, allow))
            .error_response(),
        )
    }
}
