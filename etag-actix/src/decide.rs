//! Validation and evaluation shared by the extractor, the responder and the middlewares
//! (crate-internal).

use etag_core::{Conditions, Method, Outcome, Validators};

use crate::error::PreconditionError;
use crate::validators::{Current, LastModified};

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

/// Evaluates the conditions (RFC 9110 §13.2.2) against the current validators, with the
/// modification time used only as far as [`LastModified`] allows: while its second lasts,
/// `If-Modified-Since` is ignored and `If-Unmodified-Since` is compared with the next whole
/// second (so any date up to now fails).
pub(crate) fn evaluate(
    method: Method,
    c: &Conditions<'_>,
    current: Option<Current<'_>>,
) -> Outcome {
    let Some(current) = current else {
        return c.evaluate(method, None);
    };
    let with = |last_modified| {
        Some(Validators {
            etag: current.etag,
            last_modified,
        })
    };
    match current.last_modified {
        LastModified::None => c.evaluate(method, with(None)),
        LastModified::Settled(time) => c.evaluate(method, with(Some(time))),
        LastModified::Unsettled { next_second } => {
            let without_ims = Conditions {
                if_modified_since: &[],
                ..*c
            };
            match without_ims.evaluate(method, with(Some(next_second))) {
                // The same steps pass without a date; this run gives the range decision
                // (an `If-Range` date cannot match a date that is no validator yet).
                Outcome::Proceed(_) => c.evaluate(method, with(None)),
                stop => stop,
            }
        }
    }
}

/// What to do with a request, as the evaluation says.
#[derive(Debug)]
pub(crate) enum Decision {
    /// Perform the method.
    Proceed,
    /// Answer `304 Not Modified`.
    NotModified,
    /// Answer with this error (400 or 412).
    Stop(PreconditionError),
}

/// Evaluates (see [`evaluate`]) and maps the outcome: the one place where an [`Outcome`]
/// becomes an answer. A 412 carries the current tag, and the `Date` of the instant the
/// state was judged at (like the 200 and the 304 of the same state).
pub(crate) fn decide(method: Method, c: &Conditions<'_>, current: Option<Current<'_>>) -> Decision {
    match evaluate(method, c, current) {
        Outcome::Proceed(_) => Decision::Proceed,
        Outcome::NotModified => Decision::NotModified,
        Outcome::PreconditionFailed(h) => Decision::Stop(
            PreconditionError::failed_on(h, current.and_then(|v| v.etag).cloned())
                .dated(current.map(|v| v.date)),
        ),
        Outcome::BadRequest(bad) => {
            Decision::Stop(PreconditionError::malformed(bad.header(), bad.error()))
        }
    }
}

/// [`decide`] as a `Result`: the 304 becomes an error carrying the validators to send.
///
/// # Errors
///
/// 304, 400 or 412 as the evaluation says.
pub(crate) fn check(
    method: Method,
    c: &Conditions<'_>,
    current: Option<Current<'_>>,
) -> Result<(), PreconditionError> {
    match decide(method, c, current) {
        Decision::Proceed => Ok(()),
        Decision::NotModified => Err(PreconditionError::not_modified(
            current.and_then(|v| v.etag).cloned(),
            current.map_or(LastModified::None, |v| v.last_modified),
            current.map(|v| v.date),
        )),
        Decision::Stop(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use etag_core::{EntityTag, Header, RangeDecision};

    use super::*;

    /// `Sun, 06 Nov 1994 08:49:37 GMT`, and the same second as a date line.
    const SECOND: u64 = 784_111_777;
    const DATE: &[u8] = b"Sun, 06 Nov 1994 08:49:37 GMT";
    const NEXT: &[u8] = b"Sun, 06 Nov 1994 08:49:38 GMT";
    const EARLIER: &[u8] = b"Sun, 06 Nov 1994 08:49:36 GMT";

    fn at(millis: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(millis)
    }

    /// A resource modified 200 ms into `SECOND`, judged 500 ms into it: unsettled.
    fn unsettled(tag: &EntityTag) -> Current<'_> {
        Current::judge(
            Validators {
                etag: Some(tag),
                last_modified: Some(at(SECOND * 1000 + 200)),
            },
            at(SECOND * 1000 + 500),
        )
    }

    fn tag() -> EntityTag {
        EntityTag::strong("v1").unwrap()
    }

    #[test]
    fn unsettled_if_modified_since_is_ignored() {
        let tag = tag();
        for since in [DATE, NEXT, b"Sun, 06 Nov 2050 08:49:37 GMT".as_slice()] {
            let c = Conditions {
                if_modified_since: &[since],
                ..Conditions::default()
            };
            assert_eq!(
                evaluate(Method::Get, &c, Some(unsettled(&tag))),
                Outcome::Proceed(RangeDecision::NotRequested)
            );
        }
    }

    #[test]
    fn unsettled_if_unmodified_since_fails_up_to_the_current_second() {
        let tag = tag();
        for since in [EARLIER, DATE] {
            let c = Conditions {
                if_unmodified_since: &[since],
                ..Conditions::default()
            };
            for method in [Method::Get, Method::Put, Method::Delete] {
                assert_eq!(
                    evaluate(method, &c, Some(unsettled(&tag))),
                    Outcome::PreconditionFailed(Header::IfUnmodifiedSince)
                );
            }
        }
        // A date after the current second: the resource was indeed not modified since.
        let c = Conditions {
            if_unmodified_since: &[NEXT],
            ..Conditions::default()
        };
        assert_eq!(
            evaluate(Method::Put, &c, Some(unsettled(&tag))),
            Outcome::Proceed(RangeDecision::NotRequested)
        );
        // If-Match, when present, decides instead (RFC 9110 §13.2.2).
        let c = Conditions {
            if_match: &[b"\"v1\""],
            if_unmodified_since: &[DATE],
            ..Conditions::default()
        };
        assert_eq!(
            evaluate(Method::Put, &c, Some(unsettled(&tag))),
            Outcome::Proceed(RangeDecision::NotRequested)
        );
    }

    #[test]
    fn unsettled_time_leaves_tags_alone() {
        let tag = tag();
        let c = Conditions {
            if_none_match: &[b"\"v1\""],
            if_modified_since: &[DATE],
            ..Conditions::default()
        };
        assert_eq!(
            evaluate(Method::Get, &c, Some(unsettled(&tag))),
            Outcome::NotModified
        );
    }

    #[test]
    fn unsettled_if_range_date_never_applies_the_range() {
        let tag = tag();
        for line in [DATE, NEXT] {
            let c = Conditions {
                if_range: &[line],
                range: true,
                ..Conditions::default()
            };
            assert_eq!(
                evaluate(Method::Get, &c, Some(unsettled(&tag))),
                Outcome::Proceed(RangeDecision::Full)
            );
        }
        let c = Conditions {
            if_range: &[b"\"v1\""],
            range: true,
            ..Conditions::default()
        };
        assert_eq!(
            evaluate(Method::Get, &c, Some(unsettled(&tag))),
            Outcome::Proceed(RangeDecision::Apply)
        );
    }

    #[test]
    fn settled_time_is_compared_as_before() {
        let tag = tag();
        let current = Current::judge(
            Validators {
                etag: Some(&tag),
                last_modified: Some(at(SECOND * 1000 + 200)),
            },
            at(SECOND * 1000 + 1000),
        );
        let c = Conditions {
            if_modified_since: &[DATE],
            ..Conditions::default()
        };
        assert_eq!(
            evaluate(Method::Get, &c, Some(current)),
            Outcome::NotModified
        );
        let c = Conditions {
            if_unmodified_since: &[DATE],
            ..Conditions::default()
        };
        assert_eq!(
            evaluate(Method::Put, &c, Some(current)),
            Outcome::Proceed(RangeDecision::NotRequested)
        );
    }
}
