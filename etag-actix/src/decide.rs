//! Validation and evaluation shared by the extractor, the responder and the middlewares
//! (crate-internal).

use etag_core::{Conditions, Method, Outcome, TagList, Validators};

use crate::error::PreconditionError;

/// The 400 of DESIGN §5: a malformed If-Match (any method), or a malformed If-None-Match on
/// a method other than GET/HEAD. Nothing for OPTIONS, CONNECT and TRACE.
///
/// # Errors
///
/// The malformed header and why.
pub(crate) fn validate(method: Method, c: &Conditions<'_>) -> Result<(), PreconditionError> {
    c.validate(method)
        .map_err(|bad| PreconditionError::malformed(bad.header(), bad.error()))
}

/// Evaluates and turns a stop into the matching error.
///
/// # Errors
///
/// 304, 400 or 412 as the evaluation says.
pub(crate) fn check(
    method: Method,
    c: &Conditions<'_>,
    current: Option<Validators<'_>>,
) -> Result<(), PreconditionError> {
    let etag = || current.and_then(|v| v.etag).cloned();
    match c.evaluate(method, current) {
        Outcome::Proceed(_) => Ok(()),
        Outcome::NotModified => Err(PreconditionError::not_modified(
            etag(),
            current.and_then(|v| v.last_modified),
        )),
        Outcome::PreconditionFailed(h) => Err(PreconditionError::failed_on(h, etag())),
        Outcome::BadRequest(bad) => Err(PreconditionError::malformed(bad.header(), bad.error())),
    }
}

/// Whether the request carries a condition that protects a write: If-Match,
/// If-Unmodified-Since, or `If-None-Match: *` ("create only if absent").
pub(crate) fn has_write_precondition(c: &Conditions<'_>) -> bool {
    c.has_write_precondition()
        || (!c.if_none_match.is_empty()
            && TagList::parse(c.if_none_match).is_ok_and(TagList::is_any))
}
