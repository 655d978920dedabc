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

/// The last second that IMF-fixdate can express: 9999-12-31 23:59:59 GMT.
const MAX_SECONDS: u64 = 253_402_300_799;

/// Formats a time as an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form a server
/// sends in `Last-Modified` and `Date`.
///
/// Sub-second precision is dropped (HTTP dates have whole seconds). Times that the format
/// cannot express are clamped: anything before 1970 is written as the epoch, anything after
/// the year 9999 as its last second. It never panics.
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
    let seconds = time
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs().min(MAX_SECONDS));
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// Whole seconds since the epoch, rounded down (also before the epoch).
pub(crate) fn unix_seconds(time: SystemTime) -> i128 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i128::from(after.as_secs()),
        Err(before) => {
            let before = before.duration();
            let up = i128::from(before.subsec_nanos() > 0);
            -(i128::from(before.as_secs()) + up)
        }
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
            format_http_date(at(MAX_SECONDS) + Duration::from_secs(86_400 * 400)),
            "Fri, 31 Dec 9999 23:59:59 GMT"
        );
        let t = at(784_111_777) + Duration::from_nanos(999_999_999);
        assert_eq!(format_http_date(t), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(
            parse_http_date(format_http_date(t).as_bytes()),
            Ok(at(784_111_777))
        );
    }

    #[test]
    fn whole_seconds() {
        assert_eq!(unix_seconds(at(5) + Duration::from_millis(999)), 5);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_millis(1)), -1);
        assert_eq!(unix_seconds(UNIX_EPOCH - Duration::from_secs(2)), -2);
    }
}
