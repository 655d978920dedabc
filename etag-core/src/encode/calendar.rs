//! The calendar encodings that the chrono and time impls share, so that a date or a time of
//! day gives the same bytes from either crate:
//!
//! - a date: the year as `i32`, the month (1–12) as `u8`, the day (1–31) as `u8`;
//! - a time of day: hour, minute and second as one `u8` each, then the nanoseconds as `u32`.

use super::TagEncoder;

/// Writes a date.
#[inline]
pub(super) fn write_date(enc: &mut TagEncoder, year: i32, month: u8, day: u8) {
    enc.write_raw(&year.to_le_bytes());
    enc.write_raw(&[month, day]);
}

/// Writes a time of day.
#[inline]
pub(super) fn write_time(enc: &mut TagEncoder, hour: u8, minute: u8, second: u8, nanos: u32) {
    enc.write_raw(&[hour, minute, second]);
    enc.write_raw(&nanos.to_le_bytes());
}
