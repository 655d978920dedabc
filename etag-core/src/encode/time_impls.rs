//! [`EncodeTag`] and [`ModificationTime`] for the `time` crate's types (feature `time`).
//!
//! - `OffsetDateTime`, `UtcDateTime`: the instant, as for `SystemTime` (Unix seconds as `i64`
//!   rounded down, then nanoseconds as `u32`); the offset is not written, so these give the
//!   same bytes as a chrono `DateTime` for the same instant.
//! - `Date`: year `i32`, month `u8` (1–12), day `u8`. `Time`: hour, minute, second as `u8`,
//!   nanoseconds as `u32`. `PrimitiveDateTime`: date then time.

use std::time::SystemTime;

use time::{Date, OffsetDateTime, PrimitiveDateTime, Time, UtcDateTime};

use super::calendar::{write_date, write_time};
use super::system_time::{system_time_from_unix, write_instant};
use super::{EncodeTag, ModificationTime, TagEncoder};

impl EncodeTag for OffsetDateTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_instant(enc, self.unix_timestamp(), self.nanosecond());
    }
}

impl ModificationTime for OffsetDateTime {
    #[inline]
    fn modification_time(&self) -> Option<SystemTime> {
        system_time_from_unix(self.unix_timestamp(), self.nanosecond())
    }
}

impl EncodeTag for UtcDateTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_instant(enc, self.unix_timestamp(), self.nanosecond());
    }
}

impl ModificationTime for UtcDateTime {
    #[inline]
    fn modification_time(&self) -> Option<SystemTime> {
        system_time_from_unix(self.unix_timestamp(), self.nanosecond())
    }
}

impl EncodeTag for Date {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_date(enc, self.year(), u8::from(self.month()), self.day());
    }
}

impl EncodeTag for Time {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_time(
            enc,
            self.hour(),
            self.minute(),
            self.second(),
            self.nanosecond(),
        );
    }
}

impl EncodeTag for PrimitiveDateTime {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        self.date().encode_tag(enc);
        self.time().encode_tag(enc);
    }
}
