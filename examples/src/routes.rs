//! The HTTP API of the products service.
//!
//! | route | answer |
//! |-------|--------|
//! | `GET`/`HEAD /products` | `200`, the list, tagged as a collection; `304` on a matching `If-None-Match` |
//! | `GET`/`HEAD /products/{id}` | `200` with a strong `ETag` and `Last-Modified`; `304` on `If-None-Match` / `If-Modified-Since`; `404` when absent, whatever the conditional headers |
//! | `POST /products` | `201 Created`, `Location`, `ETag` |
//! | `PUT /products/{id}` | `If-Match` required (`428`); `412` when stale; `200` with the new `ETag`. With `If-None-Match: *`: `201` when absent, `412` when present |
//! | `PATCH /products/{id}` | JSON Merge Patch (`application/merge-patch+json`), same preconditions as `PUT` |
//! | `DELETE /products/{id}` | `If-Match` required (`428`); `412` when stale; `204`; `404` when absent |
//!
//! Every write is a compare-and-swap on the version the preconditions were checked
//! against (see [`Db::replace`]). When it loses a race, the handler reads the product
//! again and re-evaluates the client's preconditions against the new state: a specific
//! `If-Match` tag is then stale and gets `412`, while `If-Match: *` still holds and the
//! write is retried. Nothing is written unless the preconditions hold at the moment of the
//! write.

use std::time::SystemTime;

use actix_web::http::header::{self, HeaderValue};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, Responder as _};
use etag_actix::{Condition, ETag as _, Preconditions, Tagged};
use serde_json::Value;

use crate::body;
use crate::db::Db;
use crate::model::{Product, ProductInput};
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
) -> Result<Tagged<Vec<Product>>, ApiError> {
    let products = db.list().await?;
    // The list has no Last-Modified, so `Tagged` leaves `Date` to actix, whose clock is
    // refreshed only every 500 ms; a fresh one keeps caches from aging the list early.
    Ok(Tagged::new(products)
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

/// `POST /products`
pub(crate) async fn create(
    req: HttpRequest,
    body: Bytes,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<Tagged<Product>, ApiError> {
    let input = body::replacement(&req, &body)?;
    let product = db.insert(input).await?;
    let here = location(product.id);
    Ok(tagged(product, &cache).created(here))
}

/// What a write handler wants done, decided against the current state.
enum Plan {
    Replace(ProductInput),
    Create(ProductInput),
    Delete,
}

/// What a write did.
enum Done {
    Replaced(Product),
    Created(Product),
    Deleted,
}

/// The conditional write loop: read, evaluate the preconditions, plan, compare-and-swap;
/// on a lost race, start over with the new state.
async fn conditional_write(
    pre: &Preconditions,
    db: &Db,
    id: i64,
    mut plan: impl FnMut(Option<&Product>) -> Result<Plan, ApiError>,
) -> Result<Done, actix_web::Error> {
    let mut last_seen = None;
    for _ in 0..MAX_ATTEMPTS {
        let current = db.get(id).await.map_err(ApiError::from)?;
        pre.check_option(current.as_ref())?;
        let done = match (plan(current.as_ref())?, &current) {
            (Plan::Replace(input), Some(cur)) => db
                .replace(id, cur.version, input)
                .await
                .map_err(ApiError::from)?
                .map(Done::Replaced),
            (Plan::Create(input), None) => db
                .create_at(id, input)
                .await
                .map_err(ApiError::from)?
                .map(Done::Created),
            (Plan::Delete, Some(cur)) => db
                .delete(id, cur.version)
                .await
                .map_err(ApiError::from)?
                .then_some(Done::Deleted),
            // A plan that does not fit the state it was made for: treat as a lost race.
            _ => None,
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

/// Creating at a chosen id needs `If-None-Match: *`; without it an absent product is `404`.
fn create_or_not_found(
    pre: &Preconditions,
    id: i64,
    input: impl FnOnce() -> Result<ProductInput, ApiError>,
) -> Result<Plan, ApiError> {
    if pre.if_none_match() == Some(Condition::Any) {
        Ok(Plan::Create(input()?))
    } else {
        Err(ApiError::NotFound { id: id.to_string() })
    }
}

/// `PUT /products/{id}`: full replacement; with `If-None-Match: *`, creation at this id.
pub(crate) async fn replace(
    req: HttpRequest,
    pre: Preconditions,
    id: web::Path<String>,
    body: Bytes,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<HttpResponse, actix_web::Error> {
    let id = product_id(&id)?;
    let done = conditional_write(&pre, &db, id, |current| match current {
        Some(_) => Ok(Plan::Replace(body::replacement(&req, &body)?)),
        None => create_or_not_found(&pre, id, || body::replacement(&req, &body)),
    })
    .await?;
    Ok(written(done, &cache, &req))
}

/// `PATCH /products/{id}`: JSON Merge Patch (RFC 7396) on the writable fields.
pub(crate) async fn patch(
    req: HttpRequest,
    pre: Preconditions,
    id: web::Path<String>,
    body: Bytes,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<HttpResponse, actix_web::Error> {
    let id = product_id(&id)?;
    let mut doc: Option<Value> = None;
    let done = conditional_write(&pre, &db, id, |current| {
        // Parsed once, after the preconditions held; applied to each state read.
        let patch = match &doc {
            Some(patch) => patch,
            None => doc.insert(body::merge_patch(&req, &body)?),
        };
        match current {
            Some(p) => Ok(Plan::Replace(body::patched(
                Some(&ProductInput::from(p)),
                patch,
            )?)),
            None => create_or_not_found(&pre, id, || body::patched(None, patch)),
        }
    })
    .await?;
    Ok(written(done, &cache, &req))
}

/// `DELETE /products/{id}`: `404` when absent, whatever the preconditions (RFC 9110
/// §13.2.1: they are ignored when the answer without them would not be 2xx).
pub(crate) async fn delete(
    req: HttpRequest,
    pre: Preconditions,
    id: web::Path<String>,
    db: web::Data<Db>,
    cache: web::Data<CachePolicy>,
) -> Result<HttpResponse, actix_web::Error> {
    let id = product_id(&id)?;
    if db.get(id).await.map_err(ApiError::from)?.is_none() {
        return Err(ApiError::NotFound { id: id.to_string() }.into());
    }
    let done = conditional_write(&pre, &db, id, |current| match current {
        Some(_) => Ok(Plan::Delete),
        None => Err(ApiError::NotFound { id: id.to_string() }),
    })
    .await?;
    Ok(written(done, &cache, &req))
}

/// Any other method on a known path: `405` with `Allow`.
pub(crate) fn method_not_allowed(
    allow: &'static str,
) -> impl Fn() -> std::future::Ready<HttpResponse> + Clone {
    move || {
        std::future::ready(
            HttpResponse::MethodNotAllowed()
                .insert_header((header::ALLOW, allow))
                .insert_header((header::CONTENT_TYPE, crate::problem::PROBLEM_JSON))
                .body(format!(
                    r#"{{"type":"about:blank","title":"Method Not Allowed","status":405,"detail":"allowed methods: {allow}"}}"#
                )),
        )
    }
}
