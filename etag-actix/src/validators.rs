//! What a response says about the current state (crate-internal): the same-second rule of
//! `Last-Modified` (stated and decided here only), the `Date` of a response, the validator
//! header values, and the `304 Not Modified`. What a request asks is in `conditions.rs`.

use std::cell::RefCell;
use std::time::SystemTime;

use actix_web::HttpResponse;
use actix_web::body::{self, BoxBody};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::web::Bytes;
use etag_core::{EntityTag, Validators};

use crate::representation::StandsFor;

/// The default `Cache-Control` of tagged responses: store, but revalidate before each use.
pub(crate) const NO_CACHE: &str = "no-cache";

/// A modification time as it may be used at one instant: the same-second rule.
///
/// HTTP dates have whole seconds, a modification time has finer ones: a resource can change
/// twice within the second its `Last-Modified` names, and a client holding that date could
/// then hold either version. So a date is only a validator once its second has passed
/// (RFC 9110 §8.8.2.2: a `Last-Modified` is implicitly weak unless at least one second
/// before `Date`). Until then:
/// - it is not sent: no client can get a date that might stand for two versions;
/// - `If-Modified-Since` is ignored (RFC 9110 §13.1.3): a 304 would confirm a copy that may
///   be older than the current state;
/// - `If-Unmodified-Since` with any date up to the current second fails (RFC 9110 §13.1.4):
///   the server cannot show the resource unmodified since then. It is evaluated against the
///   next whole second after now (or after the modification time, when a writer's clock ran
///   ahead of this one), the earliest moment the change can be placed at for sure.
///
/// `Tagged`, `Preconditions`, `Tagged::head` and `ShallowEtag` all judge a modification
/// time here ([`LastModified::judge`]); their docs point to this rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LastModified {
    /// The resource has no modification time.
    None,
    /// Its second has passed: sent as `Last-Modified`, and compared as it is.
    Settled(SystemTime),
    /// Its second has not passed yet (a change just now, or a clock ahead of this one).
    Unsettled {
        /// The next whole second after the later of the instant it was judged at and the
        /// modification time.
        next_second: SystemTime,
    },
}

impl LastModified {
    /// The rule: `time` judged at `now`.
    pub(crate) fn judge(time: Option<SystemTime>, now: SystemTime) -> Self {
        let Some(time) = time else {
            return LastModified::None;
        };
        let second = etag_core::unix_seconds(now);
        let modified = etag_core::unix_seconds(time);
        if modified < second {
            return LastModified::Settled(time);
        }
        // The later of now and the stored time (a clock ahead of this instance's): any date
        // before the end of that second must fail If-Unmodified-Since.
        LastModified::Unsettled {
            next_second: etag_core::from_unix_seconds(second.max(modified) + 1).unwrap_or(now),
        }
    }
}

/// The current validators of a resource, judged at one instant.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Current<'a> {
    /// The current entity tag.
    pub(crate) etag: Option<&'a EntityTag>,
    /// The current modification time, as usable at that instant.
    pub(crate) last_modified: LastModified,
    /// The `Date` of a response about this state ([`date_of`]).
    pub(crate) date: SystemTime,
}

impl<'a> Current<'a> {
    /// The validators, judged at `now`.
    pub(crate) fn judge(validators: Validators<'a>, now: SystemTime) -> Self {
        Current {
            etag: validators.etag,
            last_modified: LastModified::judge(validators.last_modified, now),
            date: date_of(now, validators.last_modified),
        }
    }
}

/// The `Date` of a response about a state modified at `modified`: `now`, unless the
/// modification time is later (a writer whose clock runs ahead of this one), so that
/// `Date` is never older than the representation it comes with (RFC 9110 §6.6.1, and a
/// cache must not see a response as older than its own content).
pub(crate) fn date_of(now: SystemTime, modified: Option<SystemTime>) -> SystemTime {
    modified.map_or(now, |modified| now.max(modified))
}

/// Writes the validator headers of a response into `out`: `ETag`; `Last-Modified` when its
/// second has passed; `Date` (the instant the state was judged at, see [`date_of`]) unless
/// `own` (the handler's headers) has one: actix-web's own `Date` is refreshed only every
/// 500 ms, so it can be a second older than a change just made; and, with
/// `default_cache_control`, `Cache-Control: no-cache` unless `own` has one.
pub(crate) fn write_validators(
    out: &mut HeaderMap,
    current: &Current<'_>,
    own: Option<&HeaderMap>,
    default_cache_control: bool,
) {
    let own_has = |name| own.is_some_and(|own| own.contains_key(name));
    if let Some(value) = current.etag.and_then(tag_value) {
        out.insert(header::ETAG, value);
    }
    if let LastModified::Settled(time) = current.last_modified
        && let Some(value) = http_date(time)
    {
        out.insert(header::LAST_MODIFIED, value);
    }
    if !own_has(header::DATE)
        && let Some(date) = date_value(current.date)
    {
        out.insert(header::DATE, date);
    }
    if default_cache_control && !own_has(header::CACHE_CONTROL) {
        out.insert(header::CACHE_CONTROL, HeaderValue::from_static(NO_CACHE));
    }
}

/// A `304 Not Modified`: the validator headers (see [`write_validators`]), then the headers
/// of `own` (those of the 200) that a 304 keeps, except the ones already written. No body,
/// no `Content-Type`/`Content-Length`.
///
/// `stands_for`, when given, is recorded on the response for a tag layer around it (see
/// [`StandsFor`]).
pub(crate) fn not_modified(
    current: &Current<'_>,
    own: Option<&HeaderMap>,
    default_cache_control: bool,
    stands_for: Option<StandsFor>,
) -> HttpResponse<BoxBody> {
    let mut res =
        HttpResponse::with_body(StatusCode::NOT_MODIFIED, BoxBody::new(body::None::new()));
    if let Some(stands_for) = stands_for {
        res.extensions_mut().insert(stands_for);
    }
    let out = res.headers_mut();
    write_validators(out, current, own, default_cache_control);
    if let Some(own) = own {
        let written = [header::ETAG, header::LAST_MODIFIED, header::DATE]
            .map(|name| out.contains_key(&name).then_some(name));
        for (name, value) in own.iter() {
            if kept_on_304(name) && !written.iter().flatten().any(|w| w == name) {
                out.append(name.clone(), value.clone());
            }
        }
    }
    res
}

/// Whether a header of the 200 is repeated on the 304: everything but representation
/// metadata (`Content-*` other than `Content-Location`).
pub(crate) fn kept_on_304(name: &HeaderName) -> bool {
    let name = name.as_str();
    !name.starts_with("content-") || name == "content-location"
}

/// `ETag` header value of a tag (always valid: tags hold visible bytes only), in one
/// exactly sized allocation.
pub(crate) fn tag_value(tag: &EntityTag) -> Option<HeaderValue> {
    let opaque = tag.opaque().as_bytes();
    let prefix: &[u8] = if tag.is_weak() { b"W/\"" } else { b"\"" };
    let mut out = Vec::with_capacity(prefix.len() + opaque.len() + 1);
    out.extend_from_slice(prefix);
    out.extend_from_slice(opaque);
    out.push(b'"');
    HeaderValue::from_maybe_shared(Bytes::from(out)).ok()
}

/// IMF-fixdate header value of a time, formatted on the stack by etag-core's one rule
/// ([`etag_core::HttpDate`]: whole seconds, clamped to 1970..=9999). Always `Some`.
pub(crate) fn http_date(time: SystemTime) -> Option<HeaderValue> {
    HeaderValue::from_bytes(etag_core::HttpDate::new(time).as_bytes()).ok()
}

/// [`http_date`] for `Date`, formatted once a second per thread (what actix-web does for
/// its own `Date`, but for the instant given, not one up to 500 ms old).
pub(crate) fn date_value(time: SystemTime) -> Option<HeaderValue> {
    thread_local! {
        static LAST: RefCell<Option<(i128, HeaderValue)>> = const { RefCell::new(None) };
    }
    let second = etag_core::unix_seconds(time);
    LAST.with_borrow_mut(|last| match last {
        Some((cached, value)) if *cached == second => Some(value.clone()),
        _ => {
            let value = http_date(time)?;
            *last = Some((second, value.clone()));
            Some(value)
        }
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn at(millis: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_millis(millis)
    }

    #[test]
    fn a_time_within_the_current_second_is_unsettled() {
        let next = at(11_000);
        for (time, now) in [(10_200, 10_700), (10_000, 10_999), (10_999, 10_000)] {
            assert_eq!(
                LastModified::judge(Some(at(time)), at(now)),
                LastModified::Unsettled { next_second: next },
                "{time} at {now}"
            );
        }
    }

    /// A writer whose clock runs ahead stored a time in this instance's future: an
    /// If-Unmodified-Since date before that time must still fail (RFC 9110 §13.1.4), so the
    /// date is evaluated against the second after the stored time, not after now.
    #[test]
    fn a_time_ahead_of_the_clock_is_unsettled() {
        assert_eq!(
            LastModified::judge(Some(at(50_000)), at(10_500)),
            LastModified::Unsettled {
                next_second: at(51_000)
            }
        );
        assert_eq!(
            LastModified::judge(Some(at(50_700)), at(10_500)),
            LastModified::Unsettled {
                next_second: at(51_000)
            }
        );
    }

    #[test]
    fn a_time_of_an_earlier_second_is_settled() {
        for (time, now) in [(10_999, 11_000), (8_000, 10_500)] {
            assert_eq!(
                LastModified::judge(Some(at(time)), at(now)),
                LastModified::Settled(at(time))
            );
        }
        assert_eq!(LastModified::judge(None, at(1)), LastModified::None);
    }

    #[test]
    fn seconds_before_the_epoch_round_down() {
        let before = SystemTime::UNIX_EPOCH - Duration::from_millis(1);
        assert_eq!(
            LastModified::judge(Some(before), SystemTime::UNIX_EPOCH),
            LastModified::Settled(before)
        );
    }

    /// `Date` is the instant judged at, or the modification time when that is later.
    #[test]
    fn the_date_is_never_older_than_the_modification() {
        assert_eq!(date_of(at(10_500), Some(at(8_000))), at(10_500));
        assert_eq!(date_of(at(10_500), Some(at(12_300))), at(12_300));
        assert_eq!(date_of(at(10_500), None), at(10_500));
    }

    #[test]
    fn the_date_value_follows_the_second_given() {
        let first = date_value(at(1_000_000_000_400)).unwrap();
        assert_eq!(first, "Sun, 09 Sep 2001 01:46:40 GMT");
        assert_eq!(date_value(at(1_000_000_000_900)).unwrap(), first);
        assert_eq!(
            date_value(at(1_000_000_001_000)).unwrap(),
            "Sun, 09 Sep 2001 01:46:41 GMT"
        );
    }
}
