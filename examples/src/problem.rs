//! The service's own errors, as `application/problem+json` (RFC 9457), rendered by
//! [`etag_actix::Problem`]: the renderer of etag-actix's own 400, 412, 428 and 503, so
//! every error of the service has one format.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use etag_actix::Problem;

use crate::db::DbError;

/// What a `503` asks a client to wait before it tries again, in seconds (`Retry-After`):
/// about the time the pool waits for a connection.
///
/// # Examples
///
/// ```
/// use actix_web::ResponseError;
/// use etag_examples::{ApiError, DbError, RETRY_AFTER_SECS};
///
/// let res = ApiError::Database(DbError::from(sqlx::Error::PoolTimedOut)).error_response();
/// assert_eq!(res.status(), 503);
/// assert_eq!(res.headers().get("retry-after").unwrap(), &RETRY_AFTER_SECS.to_string());
/// ```
pub const RETRY_AFTER_SECS: u32 = 2;

/// Why a request failed, apart from its preconditions.
///
/// # Examples
///
/// ```
/// use actix_web::ResponseError;
/// use etag_examples::ApiError;
///
/// let err = ApiError::NotFound { id: "9".into() };
/// assert_eq!(err.status_code(), 404);
/// assert_eq!(err.to_string(), "there is no product with id `9`");
///
/// let err = ApiError::Invalid(vec!["`stock` must not be negative".into()]);
/// assert_eq!(err.status_code(), 422);
/// let res = err.error_response();
/// let body = actix_web::rt::System::new().block_on(actix_web::body::to_bytes(res.into_body())).unwrap();
/// let problem: serde_json::Value = serde_json::from_slice(&body).unwrap();
/// assert_eq!(problem["status"], 422);
/// assert_eq!(problem["errors"][0], "`stock` must not be negative");
/// ```
#[derive(Debug)]
pub enum ApiError {
    /// No live product has this id (`404`).
    NotFound {
        /// The id as the client sent it.
        id: String,
    },
    /// No route has this path (`404`).
    NoRoute {
        /// The path of the request.
        path: String,
    },
    /// The body is not JSON at all (`400`).
    MalformedJson(String),
    /// The body is JSON but not a valid product (`422`); one message per problem.
    Invalid(Vec<String>),
    /// The body is larger than the service accepts (`413`).
    TooLarge {
        /// The largest accepted body, in bytes.
        limit: usize,
    },
    /// The body has the wrong `Content-Type` (`415`).
    UnsupportedMediaType {
        /// The one media type this route accepts.
        expected: &'static str,
    },
    /// The database failed: `503` with `Retry-After` when it is unavailable (down,
    /// unreachable, busy), else `500`; either way the detail stays in the server log.
    Database(DbError),
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        ApiError::Database(e)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::NotFound { id } => write!(f, "there is no product with id `{id}`"),
            ApiError::NoRoute { path } => {
                write!(
                    f,
                    "there is nothing at `{path}`; the products are at /products"
                )
            }
            ApiError::MalformedJson(e) => write!(f, "the body is not valid JSON: {e}"),
            ApiError::Invalid(problems) => write!(f, "{}", problems.join("; ")),
            ApiError::TooLarge { limit } => {
                write!(f, "the body must not be larger than {limit} bytes")
            }
            ApiError::UnsupportedMediaType { expected } => {
                write!(f, "the body must be sent as `Content-Type: {expected}`")
            }
            ApiError::Database(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } | ApiError::NoRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::MalformedJson(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Database(e) if e.is_unavailable() => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let mut problem = match self {
            ApiError::Database(e) if e.is_unavailable() => {
                Problem::new(status, "the database is unavailable; try again in a moment")
                    .retry_after(RETRY_AFTER_SECS)
            }
            // The cause goes to the request log (see `app.rs`), not to the client.
            ApiError::Database(_) => {
                Problem::new(status, "the database failed; see the server log")
            }
            ApiError::Invalid(problems) => {
                Problem::new(status, self.to_string()).extension("errors", problems.clone())
            }
            other => Problem::new(status, other.to_string()),
        };
        problem = problem.insert_header((header::CACHE_CONTROL, "no-store"));
        if let ApiError::UnsupportedMediaType { expected } = self {
            // RFC 9110 §15.5.16: say which format is accepted (Accept-Patch for PATCH, RFC 5789).
            if *expected == crate::merge_patch::MERGE_PATCH_JSON {
                problem = problem.insert_header(("Accept-Patch", *expected));
            }
        }
        problem.error_response()
    }
}
