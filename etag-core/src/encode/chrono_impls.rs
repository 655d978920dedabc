//! [`EncodeTag`] and [`ModificationTime`] for chrono's date and time types (feature `chrono`).
//!
//! - `DateTime<Tz>`: the instant, as for `SystemTime` (Unix seconds as `i64` rounded down,
//!   then nanoseconds as `u32`); the offset is not written, so the same instant in any time
//!   zone gives the same bytes, and the same bytes as a `time::OffsetDateTime`.
//! - `NaiveDate`: year `i32`, month `u8`, day `u8`. `NaiveTime`: hour, minute, second as `u8`,
//!   nanoseconds as `u32` (a leap second's are 1e9 or more). `NaiveDateTime`: date then time.

use std::time::SystemTime;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike};

use super::calendar::{write_date, write_time};
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
        write_date(enc, self.year(), byte(self.month()), byte(self.day()));
    }
}

impl EncodeTag for NaiveTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_time(
            enc,
            byte(self.hour()),
            byte(self.minute()),
            byte(self.second()),
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

/// A calendar field as a byte: chrono's months, days, hours, minutes and seconds always fit.
fn byte(value: u32) -> u8 {
    u8::try_from(value).unwrap_or(u8::MAX)
}
