//! [`EncodeTag`] and [`ModificationTime`] for chrono's date and time types (feature `chrono`).
//!
//! - `DateTime<Tz>`: the instant, as for `SystemTime` (Unix seconds as `i64` rounded down,
//!   then nanoseconds as `u32`); the offset is not written, so the same instant in any time
//!   zone gives the same bytes, and the same bytes as a `time::OffsetDateTime`.
//! - `NaiveDate`: year `i32`, month `u8`, day `u8`. `NaiveTime`: hour, minute, second as `u8`,
//!   nanoseconds as `u32` (a leap second's are 1e9 or more). `NaiveDateTime`: date then time.

use std::time::SystemTime;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};

use super::system_time::{system_time_from_unix, write_instant};
use super::{EncodeTag, ModificationTime, TagEncoder};

impl<Tz: TimeZone> EncodeTag for DateTime<Tz> {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_instant(enc, self.timestamp(), self.timestamp_subsec_nanos());
    }
}

impl<Tz: TimeZone> ModificationTime for DateTime<Tz> {
    #[inline]
    fn modification_time(&self) -> Option<SystemTime> {
        system_time_from_unix(self.timestamp(), self.timestamp_subsec_nanos())
    }
}

impl EncodeTag for NaiveDate {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_date(enc, self.year(), self.month(), self.day());
    }
}

impl EncodeTag for NaiveTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_time(
            enc,
            [self.hour(), self.minute(), self.second()],
            self.nanosecond(),
        );
    }
}

impl EncodeTag for NaiveDateTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        self.date().encode_tag(enc);
        self.time().encode_tag(enc);
    }
}

/// Year `i32`, month `u8`, day `u8`. chrono's months and days always fit a byte.
fn write_date(enc: &mut TagEncoder, year: i32, month: u32, day: u32) {
    enc.write_raw(&year.to_le_bytes());
    enc.write_u8(u8::try_from(month).unwrap_or(u8::MAX));
    enc.write_u8(u8::try_from(day).unwrap_or(u8::MAX));
}

/// Hour, minute, second as `u8` each, then nanoseconds as `u32`.
fn write_time(enc: &mut TagEncoder, hms: [u32; 3], nanos: u32) {
    for part in hms {
        enc.write_u8(u8::try_from(part).unwrap_or(u8::MAX));
    }
    enc.write_raw(&nanos.to_le_bytes());
}
