//! HTTP dates (RFC 9110 §5.6.7): parsing all three forms, formatting IMF-fixdate.

use core::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// A value that is not an HTTP-date.
///
/// # Examples
///
/// ```
/// use etag_core::parse_http_date;
///
/// let err = parse_http_date(b"yesterday").unwrap_err();
/// assert_eq!(err.to_string(), "not a valid HTTP-date");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidDate {
    _private: (),
}

impl InvalidDate {
    const fn new() -> Self {
        Self { _private: () }
    }
}

impl fmt::Display for InvalidDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a valid HTTP-date")
    }
}

impl std::error::Error for InvalidDate {}

/// Parses an HTTP-date in any of its three forms.
///
/// ```text
/// HTTP-date    = IMF-fixdate / obs-date
/// IMF-fixdate  ; Sun, 06 Nov 1994 08:49:37 GMT
/// rfc850-date  ; Sunday, 06-Nov-94 08:49:37 GMT
/// asctime-date ; Sun Nov  6 08:49:37 1994
/// ```
///
/// Spaces and tabs around the value are allowed. Names of days and months are
/// case-sensitive, and the day of the week must be the right one for the date. The
/// two-digit year of the RFC 850 form is read as RFC 9110 asks: the year ending in those
/// digits that is at most 50 years after the current year (so in 2026, `76` is 2076 and
/// `77` is 1977).
///
/// Parsing never allocates.
///
/// # Errors
///
/// Returns [`InvalidDate`] when `bytes` is not an HTTP-date in one of the three forms,
/// names an impossible date, or is not ASCII, and also for a well-formed date before
/// 1970-01-01: this function only returns times that [`format_http_date`] can write back.
/// [`Conditions::evaluate`](crate::Conditions::evaluate) does not share that limit: it
/// reads such a date exactly, so `If-Unmodified-Since: Sat, 01 Jan 1966 00:00:00 GMT`
/// fails (`412`) for a resource modified since.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use etag_core::parse_http_date;
///
/// let t = UNIX_EPOCH + Duration::from_secs(784_111_777);
/// assert_eq!(parse_http_date(b"Sun, 06 Nov 1994 08:49:37 GMT")?, t);
/// assert_eq!(parse_http_date(b"Sunday, 06-Nov-94 08:49:37 GMT")?, t);
/// assert_eq!(parse_http_date(b"Sun Nov  6 08:49:37 1994")?, t);
/// assert!(parse_http_date(b"Mon, 06 Nov 1994 08:49:37 GMT").is_err());
/// # Ok::<(), etag_core::InvalidDate>(())
/// ```
pub fn parse_http_date(bytes: &[u8]) -> Result<SystemTime, InvalidDate> {
    parse_http_date_at(bytes, SystemTime::now)
}

/// Parses an HTTP-date; `now` is only called for the two-digit year of an RFC 850 date.
pub(crate) fn parse_http_date_at(
    bytes: &[u8],
    now: impl FnOnce() -> SystemTime,
) -> Result<SystemTime, InvalidDate> {
    match parse_shifted(bytes, now)? {
        (time, 0) => Ok(time),
        // Before 1970.
        _ => Err(InvalidDate::new()),
    }
}

/// An HTTP-date in whole seconds since the epoch, negative before 1970; `None` if invalid.
/// What the evaluator compares.
pub(crate) fn http_date_seconds(bytes: &[u8]) -> Option<i128> {
    http_date_seconds_at(bytes, SystemTime::now)
}

fn http_date_seconds_at(bytes: &[u8], now: impl FnOnce() -> SystemTime) -> Option<i128> {
    let (time, eras) = parse_shifted(bytes, now).ok()?;
    Some(unix_seconds(time) - i128::from(eras) * ERA_SECONDS)
}

/// Seconds in 400 Gregorian years. The calendar repeats after them, weekdays included
/// (146 097 days is a whole number of weeks), so a date before 1970 moved forward by whole
/// eras is valid exactly when the original is.
const ERA_SECONDS: i128 = 146_097 * 86_400;

/// Parses an HTTP-date of any year from 0000: a date before 1970 (which `httpdate` rejects)
/// is moved forward by whole 400-year eras first. Returns the time and the eras added.
fn parse_shifted(
    bytes: &[u8],
    now: impl FnOnce() -> SystemTime,
) -> Result<(SystemTime, u8), InvalidDate> {
    let bytes = crate::entity_tag::trim_ows(bytes);
    // Only visible ASCII and spaces; this also keeps `httpdate` from trimming other
    // whitespace than ours.
    if bytes.is_empty() || !bytes.iter().all(|&b| (0x20..0x7F).contains(&b)) {
        return Err(InvalidDate::new());
    }
    // The longest form this can be, once an RFC 850 date is rewritten, is IMF-fixdate.
    let mut text = [0u8; IMF_LEN];
    let len = match rfc850_as_imf_fixdate(bytes, now)? {
        Some(imf) => {
            text = imf;
            IMF_LEN
        }
        None => {
            let slot = text.get_mut(..bytes.len()).ok_or_else(InvalidDate::new)?;
            slot.copy_from_slice(bytes);
            bytes.len()
        }
    };
    let text = text.get_mut(..len).ok_or_else(InvalidDate::new)?;
    let eras = move_into_range(text);
    parse_ascii(text).map(|time| (time, eras))
}

/// The length of an IMF-fixdate, `Sun, 06 Nov 1994 08:49:37 GMT`.
const IMF_LEN: usize = 29;
/// The length of an asctime date, `Sun Nov  6 08:49:37 1994`.
const ASCTIME_LEN: usize = 24;

/// If `text` has the length of an IMF-fixdate or asctime date and a four-digit year before
/// 1970 where that form has its year, adds the fewest 400-year eras that reach 1970 to it
/// and returns their number; otherwise leaves it and returns 0. The parser checks the rest.
fn move_into_range(text: &mut [u8]) -> u8 {
    let digits = match text.len() {
        IMF_LEN => text.get_mut(12..16),
        ASCTIME_LEN => text.get_mut(20..24),
        _ => None,
    };
    let Some(digits) = digits else {
        return 0;
    };
    if !digits.iter().all(u8::is_ascii_digit) {
        return 0;
    }
    let year = digits
        .iter()
        .fold(0u16, |year, &d| year * 10 + u16::from(d - b'0'));
    if year >= 1970 {
        return 0;
    }
    let eras = (1970 - year).div_ceil(400);
    let mut moved = year + eras * 400;
    for digit in digits.iter_mut().rev() {
        *digit = b'0' + (moved % 10) as u8;
        moved /= 10;
    }
    // At most 5 (from the year 0000).
    eras as u8
}

fn parse_ascii(bytes: &[u8]) -> Result<SystemTime, InvalidDate> {
    let text = core::str::from_utf8(bytes).map_err(|_| InvalidDate::new())?;
    httpdate::parse_http_date(text).map_err(|_| InvalidDate::new())
}

const DAYS: [(&[u8], &[u8; 3]); 7] = [
    (b"Monday", b"Mon"),
    (b"Tuesday", b"Tue"),
    (b"Wednesday", b"Wed"),
    (b"Thursday", b"Thu"),
    (b"Friday", b"Fri"),
    (b"Saturday", b"Sat"),
    (b"Sunday", b"Sun"),
];

/// Rewrites `Sunday, 06-Nov-94 08:49:37 GMT` as `Sun, 06 Nov 1994 08:49:37 GMT`, choosing
/// the century by RFC 9110's rule. `Ok(None)`: not an RFC 850 date (no full day name);
/// an error: a full day name, but not followed by the rest of an RFC 850 date.
fn rfc850_as_imf_fixdate(
    bytes: &[u8],
    now: impl FnOnce() -> SystemTime,
) -> Result<Option<[u8; 29]>, InvalidDate> {
    let Some(comma) = bytes.iter().position(|&b| b == b',') else {
        return Ok(None);
    };
    let (name, rest) = bytes.split_at(comma);
    let Some((_, short)) = DAYS.iter().find(|(long, _)| *long == name) else {
        return Ok(None);
    };
    let &[
        b',',
        b' ',
        d1,
        d2,
        b'-',
        m1,
        m2,
        m3,
        b'-',
        y1,
        y2,
        b' ',
        ref time @ ..,
    ] = rest
    else {
        return Err(InvalidDate::new());
    };
    // `time` is `08:49:37 GMT`.
    if time.len() != 12 || !y1.is_ascii_digit() || !y2.is_ascii_digit() {
        return Err(InvalidDate::new());
    }
    let two_digits = u64::from(y1 - b'0') * 10 + u64::from(y2 - b'0');
    let year = full_year(two_digits, current_year(now()));
    // Four digits; a year before 1970 (possible only while the clock is before 2020) is
    // left to `move_into_range`.
    if year > 9999 {
        return Err(InvalidDate::new());
    }
    let mut out = *b"Www, DD Mon YYYY HH:MM:SS GMT";
    out[..3].copy_from_slice(*short);
    out[5..7].copy_from_slice(&[d1, d2]);
    out[8..11].copy_from_slice(&[m1, m2, m3]);
    let digits = [
        b'0' + (year / 1000 % 10) as u8,
        b'0' + (year / 100 % 10) as u8,
        b'0' + (year / 10 % 10) as u8,
        b'0' + (year % 10) as u8,
    ];
    out[12..16].copy_from_slice(&digits);
    out[17..29].copy_from_slice(time);
    Ok(Some(out))
}

/// The year ending in `two_digits` that is at most 50 years after `current`, and no more
/// than 50 years before it (RFC 9110 §5.6.7).
fn full_year(two_digits: u64, current: u64) -> u64 {
    let mut year = current / 100 * 100 + two_digits;
    if year > current + 50 {
        year -= 100;
    } else if year + 50 <= current {
        year += 100;
    }
    year
}

/// The proleptic Gregorian year of `t` (1970 for times before the epoch).
fn current_year(t: SystemTime) -> u64 {
    let days = t
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    // Days since 0000-03-01, then 400-year eras (Howard Hinnant's civil_from_days).
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let march_based_month = (5 * day_of_year + 2) / 153;
    let year = year_of_era + era * 400;
    // Months 10 and 11 of a March-based year are January and February of the next.
    if march_based_month >= 10 {
        year + 1
    } else {
        year
    }
}

/// The first second an HTTP date is written for: 1970-01-01 00:00:00 GMT, the earliest that
/// [`parse_http_date`] reads back.
const MIN_SECONDS: i128 = 0;
/// The last second that IMF-fixdate can express: 9999-12-31 23:59:59 GMT.
const MAX_SECONDS: i128 = 253_402_300_799;

/// An IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), formatted on the stack: the form a
/// server sends in `Last-Modified` and `Date`.
///
/// This is the one rule by which etag-core and etag-actix write HTTP dates:
///
/// - **whole seconds, rounded toward the past** (see [`unix_seconds`]): `08:49:37.900` is
///   written `08:49:37`, the second that [`Conditions::evaluate`](crate::Conditions::evaluate)
///   compares a date with;
/// - **clamped to what [`parse_http_date`] reads back**, 1970-01-01 00:00:00 to
///   9999-12-31 23:59:59 GMT: an earlier time is written as the epoch, a later one as
///   the last second of the year 9999. So whatever is written parses again, and nothing
///   panics.
///
/// Formatting never allocates; [`format_http_date`] is the same text as a `String`.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use etag_core::HttpDate;
///
/// let t = UNIX_EPOCH + Duration::from_millis(784_111_777_900);
/// let date = HttpDate::new(t);
/// assert_eq!(date.as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
/// assert_eq!(date.to_string(), "Sun, 06 Nov 1994 08:49:37 GMT");
///
/// // Before 1970: the epoch.
/// let old = UNIX_EPOCH - Duration::from_secs(86_400);
/// assert_eq!(HttpDate::new(old).as_str(), "Thu, 01 Jan 1970 00:00:00 GMT");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct HttpDate {
    text: [u8; IMF_LEN],
}

impl HttpDate {
    /// The IMF-fixdate of `time`, clamped as the [type docs](Self) say.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use etag_core::HttpDate;
    ///
    /// assert_eq!(HttpDate::new(UNIX_EPOCH).as_str(), "Thu, 01 Jan 1970 00:00:00 GMT");
    /// ```
    #[must_use]
    pub fn new(time: SystemTime) -> Self {
        Self::from_seconds(unix_seconds(time).clamp(MIN_SECONDS, MAX_SECONDS))
    }

    /// Formats a whole second in `MIN_SECONDS..=MAX_SECONDS` (Howard Hinnant's
    /// civil_from_days).
    fn from_seconds(seconds: i128) -> Self {
        let days = seconds.div_euclid(86_400);
        let second_of_day = seconds.rem_euclid(86_400);
        // 1970-01-01 was a Thursday.
        let weekday = (days + 4).rem_euclid(7);
        // Days since 0000-03-01, in 400-year eras (non-negative in the clamped range).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z.rem_euclid(146_097);
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let march_month = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * march_month + 2) / 5 + 1;
        // March-based months 10 and 11 are January and February of the next year.
        let (month, year) = if march_month >= 10 {
            (march_month - 9, year_of_era + era * 400 + 1)
        } else {
            (march_month + 3, year_of_era + era * 400)
        };

        const WEEKDAYS: [&[u8; 3]; 7] = [b"Sun", b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat"];
        const MONTHS: [&[u8; 3]; 12] = [
            b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
            b"Dec",
        ];
        let name = |names: &[&'static [u8; 3]], i: i128| {
            usize::try_from(i)
                .ok()
                .and_then(|i| names.get(i))
                .copied()
                .unwrap_or(b"???")
        };
        let digit = |value: i128, place: i128| b'0' + (value / place % 10) as u8;

        let mut text = *b"Www, DD Mon YYYY HH:MM:SS GMT";
        text[..3].copy_from_slice(name(&WEEKDAYS, weekday));
        text[5] = digit(day, 10);
        text[6] = digit(day, 1);
        text[8..11].copy_from_slice(name(&MONTHS, month - 1));
        text[12] = digit(year, 1000);
        text[13] = digit(year, 100);
        text[14] = digit(year, 10);
        text[15] = digit(year, 1);
        let (hour, minute, second) = (
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60,
        );
        text[17] = digit(hour, 10);
        text[18] = digit(hour, 1);
        text[20] = digit(minute, 10);
        text[21] = digit(minute, 1);
        text[23] = digit(second, 10);
        text[24] = digit(second, 1);
        Self { text }
    }

    /// The date as text.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::{Duration, UNIX_EPOCH};
    /// use etag_core::HttpDate;
    ///
    /// let date = HttpDate::new(UNIX_EPOCH + Duration::from_secs(951_782_400));
    /// assert_eq!(date.as_str(), "Tue, 29 Feb 2000 00:00:00 GMT");
    /// ```
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Always ASCII; the fallback is not reached and keeps this panic-free.
        core::str::from_utf8(&self.text).unwrap_or("Thu, 01 Jan 1970 00:00:00 GMT")
    }

    /// The date as bytes, ready for a header value.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::UNIX_EPOCH;
    /// use etag_core::HttpDate;
    ///
    /// assert_eq!(HttpDate::new(UNIX_EPOCH).as_bytes(), b"Thu, 01 Jan 1970 00:00:00 GMT");
    /// ```
    #[must_use]
    pub const fn as_bytes(&self) -> &[u8] {
        &self.text
    }
}

impl From<SystemTime> for HttpDate {
    /// The same as [`HttpDate::new`].
    fn from(time: SystemTime) -> Self {
        Self::new(time)
    }
}

impl fmt::Display for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for HttpDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("HttpDate").field(&self.as_str()).finish()
    }
}

/// Formats a time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form a server
/// sends in `Last-Modified` and `Date`: [`HttpDate`] as a `String`.
///
/// Sub-second precision is dropped (HTTP dates have whole seconds). Times that
/// [`parse_http_date`] cannot read back are clamped, by [`HttpDate`]'s one rule: anything
/// before 1970 is written as the epoch, anything after the year 9999 as its last second.
/// It never panics.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use etag_core::format_http_date;
///
/// let t = UNIX_EPOCH + Duration::from_millis(784_111_777_900);
/// assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
/// ```
pub fn format_http_date(time: SystemTime) -> String {
    HttpDate::new(time).as_str().to_owned()
}

/// Whole seconds since 1970-01-01 00:00:00 UTC, rounded toward the past (also before the
/// epoch: half a second before it is second `-1`): the second a time falls in, which its
/// HTTP date shows. The one rule by which etag-core and etag-actix turn a time into
/// seconds.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use etag_core::unix_seconds;
///
/// assert_eq!(unix_seconds(UNIX_EPOCH + Duration::from_millis(5_999)), 5);
/// assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(500)), -1);
/// assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(2)), -2);
/// ```
#[must_use]
pub fn unix_seconds(time: SystemTime) -> i128 {
    unix_parts(time).0
}

/// `time` as ([`unix_seconds`], the nanoseconds into that second): half a second before the
/// epoch is `(-1, 500_000_000)`. Shared with the tag encoding of instants.
pub(crate) fn unix_parts(time: SystemTime) -> (i128, u32) {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => (i128::from(after.as_secs()), after.subsec_nanos()),
        Err(before) => {
            let before = before.duration();
            let seconds = -i128::from(before.as_secs());
            match before.subsec_nanos() {
                0 => (seconds, 0),
                nanos => (seconds - 1, 1_000_000_000 - nanos),
            }
        }
    }
}

/// The instant a whole second since 1970-01-01 00:00:00 UTC starts at (negative: before
/// the epoch); `None` when the platform's `SystemTime` cannot represent it. The inverse of
/// [`unix_seconds`] on whole seconds.
///
/// # Examples
///
/// ```
/// use std::time::{Duration, UNIX_EPOCH};
/// use etag_core::{from_unix_seconds, unix_seconds};
///
/// assert_eq!(from_unix_seconds(-1), Some(UNIX_EPOCH - Duration::from_secs(1)));
/// let t = UNIX_EPOCH + Duration::from_millis(1_500);
/// assert_eq!(from_unix_seconds(unix_seconds(t)), Some(UNIX_EPOCH + Duration::from_secs(1)));
/// assert_eq!(from_unix_seconds(i128::MAX), None);
/// ```
#[must_use]
pub fn from_unix_seconds(seconds: i128) -> Option<SystemTime> {
    let magnitude = Duration::from_secs(u64::try_from(seconds.unsigned_abs()).ok()?);
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(magnitude)
    } else {
        UNIX_EPOCH.checked_sub(magnitude)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// 2026-11-22
    const NOW: u64 = 1_795_305_600;

    #[test]
    fn three_forms() {
        let t = at(784_111_777);
        for form in [
            &b"Sun, 06 Nov 1994 08:49:37 GMT"[..],
            b"Sunday, 06-Nov-94 08:49:37 GMT",
            b"Sun Nov  6 08:49:37 1994",
            b" \tSun, 06 Nov 1994 08:49:37 GMT ",
        ] {
            assert_eq!(parse_http_date_at(form, || at(NOW)), Ok(t), "{form:?}");
        }
    }

    #[test]
    fn invalid_forms() {
        for bad in [
            &b""[..],
            b" ",
            b"Sun, 06 Nov 1994 08:49:37",
            b"Sun, 06 Nov 1994 08:49:37 UTC",
            b"sun, 06 Nov 1994 08:49:37 GMT",
            b"Sun, 06 nov 1994 08:49:37 GMT",
            b"Mon, 06 Nov 1994 08:49:37 GMT",
            b"Sun, 31 Nov 1994 08:49:37 GMT",
            b"Sun, 06 Nov 1994 24:00:00 GMT",
            b"Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT",
            b"Sun,\r\n06 Nov 1994 08:49:37 GMT",
            b"Sun, 06 Nov 1994 08:49:37 GMT\n",
            b"Sunday, 06-Nov-1994 08:49:37 GMT",
            b"Sunday, 06-Nov-9x 08:49:37 GMT",
            b"Sun, 06-Nov-94 08:49:37 GMT",
            b"Sun Nov 6 08:49:37 1994",
            b"Thu, 01 Jan 1970 00:00:00 GMT\xff",
            b"Wed, 31 Dec 1969 23:59:59 GMT",
        ] {
            assert!(parse_http_date_at(bad, || at(NOW)).is_err(), "{bad:?}");
        }
    }

    /// Dates before 1970: rejected by `parse_http_date`, read exactly for the evaluator.
    #[test]
    fn dates_before_1970() {
        let seconds = |text: &[u8]| http_date_seconds_at(text, || at(NOW));
        assert_eq!(seconds(b"Wed, 31 Dec 1969 23:59:59 GMT"), Some(-1));
        assert_eq!(
            seconds(b"Sat, 01 Jan 1966 00:00:00 GMT"),
            Some(-126_230_400)
        );
        assert_eq!(seconds(b" Sat Jan  1 00:00:00 1966\t"), Some(-126_230_400));
        assert_eq!(
            seconds(b"Fri, 01 Jan 1960 00:00:00 GMT"),
            Some(-315_619_200)
        );
        // 0000-01-01 (proleptic Gregorian): 1970 years of 365 days plus 478 leap days.
        let year_0 = -(1970 * 365 + 478) * 86_400;
        assert_eq!(seconds(b"Sat, 01 Jan 0000 00:00:00 GMT"), Some(year_0));
        assert_eq!(seconds(b"Thu, 29 Feb 1968 12:00:00 GMT"), Some(-58_017_600));
        // Still checked: the weekday, the day of the month, the time.
        for bad in [
            &b"Sun, 01 Jan 1966 00:00:00 GMT"[..],
            b"Wed, 29 Feb 1900 00:00:00 GMT",
            b"Thu, 29 Feb 1900 00:00:00 GMT",
            b"Sat, 01 Jan 1966 24:00:00 GMT",
            b"Sat, 01 Jan 196 00:00:00 GMT",
            b"Sat, 01 Jan -966 00:00:00 GMT",
            b"Sat Jan 1 00:00:00 1966",
        ] {
            assert_eq!(seconds(bad), None, "{bad:?}");
        }
        // The same dates after 1970, and the RFC 850 form (before 1970 only when the
        // clock says so).
        assert_eq!(seconds(b"Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(
            http_date_seconds_at(b"Friday, 01-Jan-60 00:00:00 GMT", || at(0)),
            Some(-315_619_200)
        );
        // The public parser keeps rejecting them (`format_http_date` could not write them
        // back).
        assert!(parse_http_date(b"Sat, 01 Jan 1966 00:00:00 GMT").is_err());
    }

    #[test]
    fn rfc850_two_digit_year_window() {
        // In 2026, 76 is 2076 (50 years ahead) and 77 is 1977.
        assert_eq!(full_year(76, 2026), 2076);
        assert_eq!(full_year(77, 2026), 1977);
        assert_eq!(full_year(26, 2026), 2026);
        assert_eq!(full_year(0, 2099), 2100);
        assert_eq!(full_year(49, 2099), 2149);
        assert_eq!(full_year(50, 2099), 2050);
        // Thursday, 01-Jan-70 is 1970 only until 2020; 2070-01-01 is a Wednesday.
        let date = b"Wednesday, 01-Jan-70 00:00:00 GMT";
        let expected = parse_http_date_at(b"Wed, 01 Jan 2070 00:00:00 GMT", || at(NOW));
        assert_eq!(parse_http_date_at(date, || at(NOW)), expected);
        assert!(parse_http_date_at(b"Thursday, 01-Jan-70 00:00:00 GMT", || at(NOW)).is_err());
        assert_eq!(
            parse_http_date_at(b"Thursday, 01-Jan-70 00:00:00 GMT", || at(0)),
            Ok(at(0))
        );
    }

    #[test]
    fn current_year_of() {
        assert_eq!(current_year(at(0)), 1970);
        assert_eq!(current_year(at(NOW)), 2026);
        assert_eq!(current_year(at(951_782_400)), 2000); // 2000-02-29
        assert_eq!(current_year(at(978_307_199)), 2000); // 2000-12-31 23:59:59
        assert_eq!(current_year(at(978_307_200)), 2001);
        assert_eq!(current_year(UNIX_EPOCH - Duration::from_secs(5)), 1970);
    }

    #[test]
    fn format_clamps_and_truncates() {
        assert_eq!(format_http_date(at(0)), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            format_http_date(UNIX_EPOCH - Duration::from_secs(1)),
            "Thu, 01 Jan 1970 00:00:00 GMT"
        );
        assert_eq!(
            format_http_date(at(MAX_SECONDS as u64) + Duration::from_secs(86_400 * 400)),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        let t = at(784_111_777) + Duration::from_nanos(999_999_999);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_http_date(format_http_date(t).as_bytes()),
            Ok(at(784_111_777))
        );
    }

    /// `HttpDate` against `httpdate`'s formatter (an independent implementation) at the
    /// edges of months, leap days, centuries and the clamped range.
    #[test]
    fn http_date_agrees_with_httpdate() {
        let mut seconds: Vec<u64> = vec![
            0,
            1,
            59,
            86_399,
            86_400,
            784_111_777,
            951_782_400,   // 2000-02-29
            978_307_199,   // 2000-12-31 23:59:59
            4_107_542_400, // 2100-03-01
            253_402_300_799,
        ];
        // Every 12 345 678 s (about 143 days) up to the year 9999.
        seconds.extend((0..20_526).map(|i| i * 12_345_678));
        for s in seconds {
            let t = at(s);
            assert_eq!(HttpDate::new(t).as_str(), httpdate::fmt_http_date(t), "{s}");
        }
    }

    #[test]
    fn http_date_clamps_and_rounds_toward_the_past() {
        let epoch = "Thu, 01 Jan 1970 00:00:00 GMT";
        assert_eq!(
            HttpDate::new(UNIX_EPOCH - Duration::from_nanos(1)).as_str(),
            epoch
        );
        assert_eq!(
            HttpDate::new(UNIX_EPOCH - Duration::from_secs(1 << 40)).as_str(),
            epoch
        );
        let last = "Fri, 31 Dec 9999 23:59:59 GMT";
        assert_eq!(HttpDate::new(at(253_402_300_800)).as_str(), last);
        assert_eq!(HttpDate::new(at(u64::MAX / 4)).as_str(), last);
        let t = at(784_111_777) + Duration::from_nanos(999_999_999);
        assert_eq!(HttpDate::new(t).as_str(), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(HttpDate::from(t).to_string(), format_http_date(t));
        assert_eq!(
            format!("{:?}", HttpDate::new(t)),
            "HttpDate(\"Sun, 06 Nov 1994 08:49:37 GMT\")"
        );
        // Whatever is written parses back to its second.
        for time in [UNIX_EPOCH - Duration::from_secs(5), t, at(u64::MAX / 4)] {
            let text = HttpDate::new(time);
            let back = parse_http_date(text.as_bytes()).map(unix_seconds);
            assert_eq!(back, Ok(unix_seconds(time).clamp(MIN_SECONDS, MAX_SECONDS)));
        }
    }

    #[test]
    fn from_unix_seconds_inverts_unix_seconds() {
        for s in [-126_230_400_i128, -2, -1, 0, 1, 784_111_777, MAX_SECONDS] {
            let time = from_unix_seconds(s);
            assert_eq!(time.map(unix_seconds), Some(s), "{s}");
        }
        assert_eq!(from_unix_seconds(i128::MIN), None);
        assert_eq!(from_unix_seconds(i128::from(u64::MAX) + 1), None);
    }

    #[test]
    fn whole_seconds() {
        assert_eq!(unix_seconds(at(5) + Duration::from_millis(999)), 5);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(1)), -1);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(2)), -2);
    }
}
