//! [`Header`] and [`BadHeader`]: the conditional headers, and a malformed one.

use core::fmt;

use crate::error::ParseError;

/// A conditional request header.
///
/// # Examples
///
/// ```
/// use etag_core::Header;
///
/// assert_eq!(Header::IfNoneMatch.as_str(), "If-None-Match");
/// assert_eq!(Header::IfRange.to_string(), "If-Range");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Header {
    /// `If-Match`
    IfMatch,
    /// `If-None-Match`
    IfNoneMatch,
    /// `If-Modified-Since`
    IfModifiedSince,
    /// `If-Unmodified-Since`
    IfUnmodifiedSince,
    /// `If-Range`
    IfRange,
}

impl Header {
    /// The header's name, capitalised as in RFC 9110.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::Header;
    ///
    /// assert_eq!(Header::IfUnmodifiedSince.as_str(), "If-Unmodified-Since");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::IfMatch => "If-Match",
            Self::IfNoneMatch => "If-None-Match",
            Self::IfModifiedSince => "If-Modified-Since",
            Self::IfUnmodifiedSince => "If-Unmodified-Since",
            Self::IfRange => "If-Range",
        }
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A malformed conditional header: which one, and why.
///
/// Its [`Display`](fmt::Display) reads `If-Match: entity-tags must be quoted`, fit for the
/// detail of a `400 Bad Request`.
///
/// # Examples
///
/// ```
/// use etag_core::{Conditions, Header, Method};
///
/// let conditions = Conditions { if_match: &[b"v1"], ..Conditions::default() };
/// let bad = conditions.validate(Method::Put).unwrap_err();
/// assert_eq!(bad.header(), Header::IfMatch);
/// assert_eq!(bad.to_string(), "If-Match: entity-tags must be quoted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadHeader {
    header: Header,
    error: ParseError,
}

impl BadHeader {
    pub(crate) const fn new(header: Header, error: ParseError) -> Self {
        Self { header, error }
    }

    /// The malformed header.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Conditions, Header, Method};
    ///
    /// let conditions = Conditions { if_none_match: &[b"\"a"], ..Conditions::default() };
    /// let bad = conditions.validate(Method::Delete).unwrap_err();
    /// assert_eq!(bad.header(), Header::IfNoneMatch);
    /// ```
    pub const fn header(&self) -> Header {
        self.header
    }

    /// What is wrong with it.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Conditions, Method};
    ///
    /// let conditions = Conditions { if_match: &[b"\"a\" \"b\""], ..Conditions::default() };
    /// let bad = conditions.validate(Method::Put).unwrap_err();
    /// assert_eq!(
    ///     bad.error().reason(),
    ///     "entity-tags in a list must be separated by commas"
    /// );
    /// ```
    pub const fn error(&self) -> ParseError {
        self.error
    }
}

impl fmt::Display for BadHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.header, self.error)
    }
}

impl std::error::Error for BadHeader {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.error)
    }
}
