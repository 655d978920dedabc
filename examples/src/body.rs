//! Reading request bodies: media type first, then JSON, then the model's rules.
//!
//! `413` when the body is over [`MAX_BODY_BYTES`], `400` when it is not JSON at all, `422`
//! when it is JSON but not a valid product (missing or unknown fields, wrong types, broken
//! rules), `415` for another media type; all problem+json.

use actix_web::HttpRequest;
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::web::Bytes;
use serde_json::Value;

use crate::merge_patch;
use crate::model::ProductInput;
use crate::problem::ApiError;

/// The media type of `POST` and `PUT` bodies.
pub(crate) const JSON: &str = "application/json";

/// Largest accepted request body (the app's `PayloadConfig` limit).
pub(crate) const MAX_BODY_BYTES: usize = 64 * 1024;

/// The body as actix's `Bytes` extractor read it (within the app's `PayloadConfig` limit),
/// with its refusal of a body over the limit (a plain-text `413`) turned into the
/// service's problem+json `413`. Other read failures keep actix's answer.
///
/// Handlers take `Result<Bytes, actix_web::Error>` so that they see the error.
pub(crate) fn read(extracted: Result<Bytes, actix_web::Error>) -> Result<Bytes, actix_web::Error> {
    extracted.map_err(|err| match err.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::TooLarge {
            limit: MAX_BODY_BYTES,
        }
        .into(),
        _ => err,
    })
}

/// Checks that the request's `Content-Type` is `expected` (parameters such as `charset` are
/// allowed, the comparison ignores case).
pub(crate) fn require_media_type(
    req: &HttpRequest,
    expected: &'static str,
) -> Result<(), ApiError> {
    let matches = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(expected));
    if matches {
        Ok(())
    } else {
        Err(ApiError::UnsupportedMediaType { expected })
    }
}

/// Parses bytes as JSON: `400` if they are not JSON.
pub(crate) fn json_value(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

/// Turns a JSON document into a validated product input: `422` with every problem.
pub(crate) fn product_input(doc: Value) -> Result<ProductInput, ApiError> {
    if !doc.is_object() {
        return Err(ApiError::Invalid(vec![
            "the product must be a JSON object".to_owned(),
        ]));
    }
    let input: ProductInput =
        serde_json::from_value(doc).map_err(|e| ApiError::Invalid(vec![e.to_string()]))?;
    input.validate().map_err(ApiError::Invalid)?;
    Ok(input)
}

/// A `POST`/`PUT` body: `application/json` holding a whole [`ProductInput`].
pub(crate) fn replacement(req: &HttpRequest, body: &[u8]) -> Result<ProductInput, ApiError> {
    require_media_type(req, JSON)?;
    product_input(json_value(body)?)
}

/// A `PATCH` body: an `application/merge-patch+json` document (not yet applied).
pub(crate) fn merge_patch(req: &HttpRequest, body: &[u8]) -> Result<Value, ApiError> {
    require_media_type(req, merge_patch::MERGE_PATCH_JSON)?;
    json_value(body)
}

/// Applies a merge patch to `current` (`None`: the product does not exist yet and the patch
/// must hold every field) and validates the result.
pub(crate) fn patched(
    current: Option<&ProductInput>,
    patch: &Value,
) -> Result<ProductInput, ApiError> {
    let mut doc = match current {
        Some(input) => {
            serde_json::to_value(input).map_err(|e| ApiError::Invalid(vec![e.to_string()]))?
        }
        None => Value::Object(serde_json::Map::new()),
    };
    merge_patch::apply(&mut doc, patch);
    product_input(doc)
}
