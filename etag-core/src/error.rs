//! Why an entity-tag or a condition list could not be parsed.

use core::fmt;

/// Why an entity-tag, or a list of them, is malformed.
///
/// The kinds are private so that new ones can be added; [`Display`](fmt::Display) (and
/// [`reason`](Self::reason)) say what is wrong in words a client developer understands.
///
/// # Examples
///
/// ```
/// use etag_core::EntityTag;
///
/// let err = "abc".parse::<EntityTag>().unwrap_err();
/// assert_eq!(err.to_string(), "entity-tags must be quoted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParseError {
    kind: ParseErrorKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ParseErrorKind {
    Empty,
    Unquoted,
    LowercaseWeak,
    Unterminated,
    InvalidByte(u8),
    Trailing,
    MissingComma,
    StarMixed,
    StarRepeated,
    NotUtf8,
}

impl ParseError {
    pub(crate) const fn new(kind: ParseErrorKind) -> Self {
        Self { kind }
    }

    /// A short, fixed description of the problem, without the offending byte.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let err = "\"a b\"".parse::<EntityTag>().unwrap_err();
    /// assert_eq!(err.reason(), "character not allowed inside an entity-tag");
    /// ```
    pub fn reason(&self) -> &'static str {
        match self.kind {
            ParseErrorKind::Empty => "empty value",
            ParseErrorKind::Unquoted => "entity-tags must be quoted",
            ParseErrorKind::LowercaseWeak => "the weak prefix is case-sensitive: use `W/`",
            ParseErrorKind::Unterminated => "missing closing quote",
            ParseErrorKind::InvalidByte(_) => "character not allowed inside an entity-tag",
            ParseErrorKind::Trailing => "unexpected characters after an entity-tag",
            ParseErrorKind::MissingComma => "entity-tags in a list must be separated by commas",
            ParseErrorKind::StarMixed => "`*` cannot be combined with entity-tags",
            ParseErrorKind::StarRepeated => "`*` may appear only once",
            ParseErrorKind::NotUtf8 => "entity-tag is not valid UTF-8",
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason())?;
        if let ParseErrorKind::InvalidByte(b) = self.kind {
            write!(f, " (byte 0x{b:02x})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseError {}
