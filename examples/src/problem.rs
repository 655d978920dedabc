//! The service's own errors, as `application/problem+json` (RFC 9457).
//!
//! Precondition errors (400 for a malformed conditional header, 412, 428) come from
//! etag-actix in the same format; these are the rest.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::db::DbError;

/// The media type of a problem details body (RFC 9457 §3): every error response of the
/// service carries it, with `type`, `title`, `status` and `detail`.
///
/// # Examples
///
/// ```
/// use actix_web::{ResponseError, http::header::CONTENT_TYPE};
/// use etag_examples::{ApiError, PROBLEM_JSON};
///
/// let res = ApiError::NotFound { id: "9".into() }.error_response();
/// assert_eq!(res.headers().get(CONTENT_TYPE).unwrap(), PROBLEM_JSON);
/// ```
pub const PROBLEM_JSON: &str = "application/problem+json";

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
    /// The database failed (`500`); the detail stays in the server log.
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

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [String]>,
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } | ApiError::NoRoute { .. } => StatusCode::NOT_FOUND,
            ApiError::MalformedJson(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::TooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType { .. } => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            ApiError::Database(_) => "the database failed; see the server log".to_owned(),
            other => other.to_string(),
        };
        let problem = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail,
            errors: match self {
                ApiError::Invalid(problems) => Some(problems),
                _ => None,
            },
        };
        let mut res = HttpResponse::build(status);
        res.insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)));
        res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")));
        if let ApiError::UnsupportedMediaType { expected } = self {
            // RFC 9110 §15.5.16: say which format is accepted (Accept-Patch for PATCH, RFC 5789).
            if *expected == crate::merge_patch::MERGE_PATCH_JSON {
                res.insert_header(("Accept-Patch", *expected));
            }
        }
        match serde_json::to_vec(&problem) {
            Ok(body) => res.body(body),
            Err(_) => res.finish(),
        }
    }
}
