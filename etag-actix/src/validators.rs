//! The current validators as they are sent and evaluated (crate-internal): the same-second
//! rule of `Last-Modified`, the validator headers of a response, and the 304.

use std::time::SystemTime;

use actix_web::HttpResponse;
use actix_web::body::{self, BoxBody};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap, HeaderValue};
use etag_core::{EntityTag, Validators};

use crate::headers::{NO_CACHE, http_date, kept_on_304, tag_value};
use crate::representation::StandsFor;

/// A modification time as it may be used at one instant.
///
/// HTTP dates have whole seconds, a modification time has finer ones: a resource can change
/// twice within the second its `Last-Modified` names, and a client holding that date could
/// then hold either version. So a date is only a validator once its second has passed
/// (RFC 9110 §8.8.2.2: a `Last-Modified` is implicitly weak unless at least one second
/// before `Date`). Until then:
/// - it is not sent (nor the `Date` sent with it): no client can get a date that might
///   stand for two versions;
/// - `If-Modified-Since` is ignored (RFC 9110 §13.1.3): a 304 would confirm a copy that may
///   be older than the current state;
/// - `If-Unmodified-Since` with any date up to the current second fails (RFC 9110 §13.1.4):
///   the server cannot show the resource unmodified since then. It is evaluated against the
///   next whole second after now (or after the modification time, when a writer's clock ran
///   ahead of this one), the earliest moment the change can be placed at for sure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LastModified {
    /// The resource has no modification time.
    None,
    /// Its second has passed (before `now`, the instant it was judged at): sent as
    /// `Last-Modified` with `Date: now`, and compared as it is.
    Settled {
        /// The modification time.
        time: SystemTime,
        /// When it was judged: the `Date` sent with it.
        now: SystemTime,
    },
    /// Its second has not passed yet (a change just now, or a clock ahead of this one).
    Unsettled {
        /// The next whole second after the later of the instant it was judged at and the
        /// modification time.
        next_second: SystemTime,
    },
}

impl LastModified {
    /// `time` as usable now (reads the clock only when there is a time).
    pub(crate) fn now(time: Option<SystemTime>) -> Self {
        match time {
            None => LastModified::None,
            Some(time) => usable_last_modified(Some(time), SystemTime::now()),
        }
    }
}

/// The rule of [`LastModified`]: `time` judged at `now`. The one place that decides whether
/// a modification time is sent and how it is evaluated.
pub(crate) fn usable_last_modified(time: Option<SystemTime>, now: SystemTime) -> LastModified {
    let Some(time) = time else {
        return LastModified::None;
    };
    let second = whole_seconds(now);
    if whole_seconds(time) < second {
        return LastModified::Settled { time, now };
    }
    // The later of now and the stored time (a clock ahead of this instance's): any date
    // before the end of that second must fail If-Unmodified-Since.
    LastModified::Unsettled {
        next_second: at_second(second.max(whole_seconds(time)) + 1).unwrap_or(now),
    }
}

/// Whole seconds since the epoch, rounded down (towards the past before it): etag-core's
/// one rule ([`etag_core::unix_seconds`]).
fn whole_seconds(time: SystemTime) -> i128 {
    etag_core::unix_seconds(time)
}

/// The instant of a whole second since the epoch ([`etag_core::from_unix_seconds`]).
fn at_second(second: i128) -> Option<SystemTime> {
    etag_core::from_unix_seconds(second)
}

/// The current validators of a resource, with the modification time judged.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Current<'a> {
    /// The current entity tag.
    pub(crate) etag: Option<&'a EntityTag>,
    /// The current modification time, as usable now.
    pub(crate) last_modified: LastModified,
}

impl<'a> Current<'a> {
    /// The validators, judged now.
    pub(crate) fn now(validators: Validators<'a>) -> Self {
        Current {
            etag: validators.etag,
            last_modified: LastModified::now(validators.last_modified),
        }
    }
}

/// Writes the validator headers of a response into `out`: `ETag`; `Last-Modified` when its
/// second has passed, with a fresh `Date` unless `own` (the handler's headers) has one
/// (RFC 9110 §8.8.2.1: never later than `Date`, and actix refreshes its own `Date` only
/// every 500 ms); and, with `default_cache_control`, `Cache-Control: no-cache` unless `own`
/// has one.
pub(crate) fn write_validators(
    out: &mut HeaderMap,
    etag: Option<&EntityTag>,
    last_modified: LastModified,
    own: Option<&HeaderMap>,
    default_cache_control: bool,
) {
    let own_has = |name| own.is_some_and(|own| own.contains_key(name));
    if let Some(value) = etag.and_then(tag_value) {
        out.insert(header::ETAG, value);
    }
    if let LastModified::Settled { time, now } = last_modified
        && let Some(value) = http_date(time)
    {
        out.insert(header::LAST_MODIFIED, value);
        if !own_has(header::DATE)
            && let Some(date) = http_date(now)
        {
            out.insert(header::DATE, date);
        }
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
    etag: Option<&EntityTag>,
    last_modified: LastModified,
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
    write_validators(out, etag, last_modified, own, default_cache_control);
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
                usable_last_modified(Some(at(time)), at(now)),
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
            usable_last_modified(Some(at(50_000)), at(10_500)),
            LastModified::Unsettled {
                next_second: at(51_000)
            }
        );
        assert_eq!(
            usable_last_modified(Some(at(50_700)), at(10_500)),
            LastModified::Unsettled {
                next_second: at(51_000)
            }
        );
    }

    #[test]
    fn a_time_of_an_earlier_second_is_settled() {
        for (time, now) in [(10_999, 11_000), (8_000, 10_500)] {
            assert_eq!(
                usable_last_modified(Some(at(time)), at(now)),
                LastModified::Settled {
                    time: at(time),
                    now: at(now)
                }
            );
        }
        assert_eq!(usable_last_modified(None, at(1)), LastModified::None);
    }

    #[test]
    fn seconds_before_the_epoch_round_down() {
        let before = SystemTime::UNIX_EPOCH - Duration::from_millis(1);
        assert_eq!(whole_seconds(before), -1);
        assert_eq!(
            at_second(-1),
            Some(SystemTime::UNIX_EPOCH - Duration::from_secs(1))
        );
        assert_eq!(
            usable_last_modified(Some(before), SystemTime::UNIX_EPOCH),
            LastModified::Settled {
                time: before,
                now: SystemTime::UNIX_EPOCH
            }
        );
    }
}
