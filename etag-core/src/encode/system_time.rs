//! Instants and durations: [`EncodeTag`] for `SystemTime` and `Duration`, and the Unix-time
//! conversions shared with the chrono and time impls.
//!
//! An instant is written as the seconds since 1970-01-01T00:00:00Z as an `i64`, rounded
//! down, then the nanoseconds into that second as a `u32` (12 bytes). Half a second before the
//! epoch is `(-1, 500_000_000)`.

use std::time::{Duration, SystemTime};

use super::{EncodeTag, TagEncoder};

/// Writes an instant given as whole seconds since the Unix epoch (rounded down) and the
/// nanoseconds into that second.
#[inline]
pub(super) fn write_instant(enc: &mut TagEncoder, seconds: i64, nanos: u32) {
    let mut bytes = [0u8; 12];
    let (secs_part, nanos_part) = bytes.split_at_mut(8);
    secs_part.copy_from_slice(&seconds.to_le_bytes());
    nanos_part.copy_from_slice(&nanos.to_le_bytes());
    enc.write_raw(&bytes);
}

/// `time` as (seconds since the Unix epoch rounded down, nanoseconds into that second):
/// the one rule of [`crate::unix_seconds`], in an `i64`.
///
/// Saturates at the ends of `i64`, which no platform's `SystemTime` reaches.
pub(super) fn unix_parts(time: SystemTime) -> (i64, u32) {
    let (seconds, nanos) = crate::date::unix_parts(time);
    let saturated = if seconds < 0 { i64::MIN } else { i64::MAX };
    (i64::try_from(seconds).unwrap_or(saturated), nanos)
}

/// The `SystemTime` for Unix seconds and nanoseconds (a chrono leap second's nanoseconds of
/// 1e9 or more just run into the next second), or `None` if the platform cannot represent it.
#[cfg(any(feature = "chrono", feature = "time", test))]
pub(super) fn system_time_from_unix(seconds: i64, nanos: u32) -> Option<SystemTime> {
    crate::from_unix_seconds(i128::from(seconds))?
        .checked_add(Duration::from_nanos(u64::from(nanos)))
}

impl EncodeTag for SystemTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        let (seconds, nanos) = unix_parts(*self);
        write_instant(enc, seconds, nanos);
    }
}

impl EncodeTag for Duration {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_u64(self.as_secs());
        enc.write_raw(&self.subsec_nanos().to_le_bytes());
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn unix_parts_round_down_before_the_epoch() {
        let half_before = UNIX_EPOCH - Duration::from_millis(500);
        assert_eq!(unix_parts(half_before), (-1, 500_000_000));
        assert_eq!(unix_parts(UNIX_EPOCH - Duration::from_secs(2)), (-2, 0));
        assert_eq!(unix_parts(UNIX_EPOCH + Duration::new(3, 7)), (3, 7));
    }

    #[test]
    fn unix_parts_round_trip() {
        for (seconds, nanos) in [(0, 0), (-1, 500_000_000), (-2, 0), (1_700_000_000, 999)] {
            let time = system_time_from_unix(seconds, nanos);
            assert_eq!(time.map(unix_parts), Some((seconds, nanos)));
        }
    }

    #[test]
    fn out_of_range_is_none_not_a_panic() {
        // Either representable or None; never a panic.
        let _ = system_time_from_unix(i64::MAX, 1_999_999_999);
        let _ = system_time_from_unix(i64::MIN, 0);
    }
}
