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
//! creation. So the `428` rule is applied by the handlers once the product is known to
//! exist ([`Preconditions::require`]), not app-wide.
//!
//! The preconditions are evaluated against a state read before the write, and the write is
//! applied only if that state is still the current one, so nothing is written on the
//! strength of preconditions that no longer hold:
//! - `PUT`, `PATCH`, `DELETE`: a compare-and-swap on the version the preconditions were
//!   checked against ([`Db::replace`], [`Db::delete`]). When it loses a race, the handler
//!   reads the product again and re-evaluates the client's preconditions against the new
//!   state: a specific `If-Match` tag is then stale and gets `412`, while `If-Match: *`
//!   still holds and the write is retried.
//! - Creation with `If-None-Match: *`: inserted only if no live product has the id
//!   ([`Db::create_at`]); otherwise `412`.
//! - `POST` with preconditions: evaluated against the collection's validators
//!   ([`Db::catalog_version`]), then the insert is a compare-and-swap on the catalog version
//!   they were checked against ([`Db::insert_if_catalog`]); a lost race re-reads and
//!   re-evaluates, as above.

use std::time::SystemTime;

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, Responder as _, ResponseError as _};
use etag_actix::{Condition, ETag as _, Preconditions, Problem, Tagged};
use serde_json::Value;

use crate::body;
use crate::db::Db;
use crate::model::{Catalog, Product, ProductInput};
use crate::problem::ApiError;

/// How often a write re-reads and retries after losing a compare-and-swap while the
/// client's preconditions still hold (only `If-Match: *` or `If-Unmodified-Since` can).
const MAX_ATTEMPTS: usize = 8;

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

/// The response for one product: validators from the model, the cache policy, and
/// `Content-Location` so a client knows the body is the resource's current state.
/// (`Tagged` sends a fresh `Date` with `Last-Modified`, never earlier than it.)
fn tagged(product: Product, cache: &CachePolicy) -> Tagged<Product> {
    let here = location(product.id);
    Tagged::new(product)
        .cache_control(cache.0.clone())
        .insert_header((header::CONTENT_LOCATION, here))
}

/// `GET`/`HEAD /products`
pub(crate) async fn list(
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Tagged<Catalog>, ApiError> {
    let catalog = db.catalog().await?;
    // Without Last-Modified (none yet, or its second not over), `Tagged` leaves `Date` to
    // actix, whose clock is refreshed only every 500 ms; a fresh one keeps caches from
    // aging the list early.
    Ok(Tagged::new(catalog)
        .cache_control(cache.0.clone())
        .insert_header((header::DATE, httpdate::fmt_http_date(SystemTime::now()))))
}

/// `GET`/`HEAD /products/{id}`: `Tagged` answers `304` itself.
pub(crate) async fn show(
    id: web::Path<String>,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Tagged<Product>, ApiError> {
    let id = product_id(&id)?;
    match db.get(id).await? {
        Some(product) => Ok(tagged(product, &cache)),
        None => Err(ApiError::NotFound { id: id.to_string() }),
    }
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
    let product = if pre.is_conditional() {
        conditional_insert(&pre, &db, input).await?
    } else {
        db.insert(input).await.map_err(ApiError::from)?
    };
    let here = location(product.id);
    Ok(tagged(product, &cache).created(here))
}

/// The conditional `POST` loop: read the collection's validators, evaluate, insert if the
/// collection is still at that version; on a lost race start over with the new version.
async fn conditional_insert(
    pre: &Preconditions,
    db: &Db,
    input: ProductInput,
) -> Result<Product, actix_web::Error> {
    let mut last_seen = None;
    for _ in 0..MAX_ATTEMPTS {
        let current = db.catalog_version().await.map_err(ApiError::from)?;
        pre.check(&current)?;
        if let Some(product) = db
            .insert_if_catalog(current.version, input.clone())
            .await
            .map_err(ApiError::from)?
        {
            return Ok(product);
        }
        last_seen = Some(current.etag());
    }
    Err(pre.failed(last_seen).into())
}

/// What a write handler wants done, decided against the current state.
enum Change {
    /// Replace the product with this input, or create it when absent.
    Write(ProductInput),
    Delete,
}

/// What a write did.
enum Done {
    Replaced(Product),
    Created(Product),
    Deleted,
}

/// The conditional write loop: read; `404` when absent (unless `creates`), `428` when
/// present and nothing says which state the client expects; evaluate the preconditions;
/// decide the change; compare-and-swap. On a lost race, start over with the new state.
async fn conditional_write(
    pre: &Preconditions,
    db: &Db,
    id: i64,
    creates: bool,
    mut change: impl FnMut(Option<&Product>) -> Result<Change, ApiError>,
) -> Result<Done, actix_web::Error> {
    let not_found = || ApiError::NotFound { id: id.to_string() };
    let mut last_seen = None;
    for _ in 0..MAX_ATTEMPTS {
        let current = db.get(id).await.map_err(ApiError::from)?;
        match &current {
            None if !creates => return Err(not_found().into()),
            None => {}
            Some(_) => pre.require()?,
        }
        pre.check_option(current.as_ref())?;
        let done = match (change(current.as_ref())?, &current) {
            (Change::Write(input), Some(cur)) => db
                .replace(id, cur.version, input)
                .await
                .map_err(ApiError::from)?
                .map(Done::Replaced),
            (Change::Write(input), None) => db
                .create_at(id, input)
                .await
                .map_err(ApiError::from)?
                .map(Done::Created),
            (Change::Delete, Some(cur)) => db
                .delete(id, cur.version)
                .await
                .map_err(ApiError::from)?
                .then_some(Done::Deleted),
            (Change::Delete, None) => return Err(not_found().into()),
        };
        if let Some(done) = done {
            return Ok(done);
        }
        last_seen = current.map(|p| p.etag());
    }
    Err(pre.failed(last_seen).into())
}

fn written(done: Done, cache: &CachePolicy, req: &HttpRequest) -> HttpResponse {
    match done {
        Done::Replaced(p) => tagged(p, cache).respond_to(req),
        Done::Created(p) => {
            let here = location(p.id);
            tagged(p, cache).created(here).respond_to(req)
        }
        Done::Deleted => HttpResponse::NoContent().finish(),
    }
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
) -> Result<HttpResponse, actix_web::Error> {
    let id = product_id(&id)?;
    let body = body::read(body)?;
    let merge = req.method() == Method::PATCH;
    let creates = pre.if_none_match() == Some(Condition::Any);
    let mut patch: Option<Value> = None;
    let done = conditional_write(&pre, &db, id, creates, |current| {
        let input = if merge {
            // Parsed once, after the preconditions held; applied to each state read.
            let patch = match &patch {
                Some(patch) => patch,
                None => patch.insert(body::merge_patch(&req, &body)?),
            };
            body::patched(current.map(ProductInput::from).as_ref(), patch)?
        } else {
            body::replacement(&req, &body)?
        };
        Ok(Change::Write(input))
    })
    .await?;
    Ok(written(done, &cache, &req))
}

/// `DELETE /products/{id}`.
pub(crate) async fn delete(
    req: HttpRequest,
    pre: Preconditions,
    id: web::Path<String>,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<HttpResponse, actix_web::Error> {
    let id = product_id(&id)?;
    let done = conditional_write(&pre, &db, id, false, |_| Ok(Change::Delete)).await?;
    Ok(written(done, &cache, &req))
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
