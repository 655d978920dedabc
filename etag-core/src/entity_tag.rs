//! Entity tags: the owned [`EntityTag`], the borrowed [`EntityTagRef`] and their parser.

use core::fmt;
use core::str::FromStr;

use crate::error::{ParseError, ParseErrorKind};

/// An HTTP entity tag (RFC 9110 §8.8.3), strong or weak.
///
/// # Grammar
///
/// ```text
/// entity-tag = [ weak ] opaque-tag
/// weak       = %s"W/"                      ; case-sensitive
/// opaque-tag = DQUOTE *etagc DQUOTE
/// etagc      = %x21 / %x23-7E / obs-text   ; any visible byte but DQUOTE
/// obs-text   = %x80-FF
/// ```
///
/// The opaque part of an `EntityTag` is kept as a `str`, so it holds ASCII `etagc` characters
/// and any non-ASCII UTF-8 text (every byte of which is `obs-text`). Tags received in a header
/// whose bytes are not UTF-8 can still be compared through [`EntityTagRef`].
///
/// # Comparison (RFC 9110 §8.8.3.2)
///
/// | tag 1   | tag 2   | strong comparison | weak comparison |
/// |---------|---------|-------------------|-----------------|
/// | `W/"1"` | `W/"1"` | no match          | match           |
/// | `W/"1"` | `W/"2"` | no match          | no match        |
/// | `W/"1"` | `"1"`   | no match          | match           |
/// | `"1"`   | `"1"`   | match             | match           |
///
/// `If-Match` and `If-Range` use the strong comparison, `If-None-Match` the weak one.
/// The derived [`PartialEq`] compares weakness and opaque part exactly (it is neither of the
/// two comparisons above; use [`strong_eq`](Self::strong_eq) and [`weak_eq`](Self::weak_eq)).
///
/// # Examples
///
/// ```
/// use etag_core::EntityTag;
///
/// let strong: EntityTag = "\"v1\"".parse()?;
/// let weak = EntityTag::weak("v1")?;
/// assert!(!strong.is_weak());
/// assert_eq!(weak.to_string(), "W/\"v1\"");
/// assert!(strong.weak_eq(&weak));
/// assert!(!strong.strong_eq(&weak));
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntityTag {
    weak: bool,
    opaque: Box<str>,
}

impl EntityTag {
    /// A strong entity tag with the given opaque part (without quotes).
    ///
    /// # Errors
    ///
    /// Returns an error when `opaque` contains a character outside `etagc`: a double quote,
    /// a space, or a control character.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// assert_eq!(EntityTag::strong("abc")?.to_string(), "\"abc\"");
    /// assert!(EntityTag::strong("a b").is_err());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn strong(opaque: &str) -> Result<Self, ParseError> {
        Self::new(false, opaque)
    }

    /// A weak entity tag with the given opaque part (without quotes).
    ///
    /// # Errors
    ///
    /// Returns an error when `opaque` contains a character outside `etagc`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// assert_eq!(EntityTag::weak("abc")?.to_string(), "W/\"abc\"");
    /// assert!(EntityTag::weak("say \"hi\"").is_err());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn weak(opaque: &str) -> Result<Self, ParseError> {
        Self::new(true, opaque)
    }

    /// A tag with the given weakness and opaque part.
    ///
    /// # Errors
    ///
    /// Returns an error when `opaque` contains a character outside `etagc`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let tag = EntityTag::new(true, "x")?;
    /// assert!(tag.is_weak());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn new(weak: bool, opaque: &str) -> Result<Self, ParseError> {
        if let Some(at) = opaque.bytes().position(|b| !is_etagc(b)) {
            let byte = opaque.as_bytes()[at];
            return Err(ParseError::new(ParseErrorKind::InvalidByte(byte)));
        }
        Ok(Self::new_unchecked(weak, opaque))
    }

    /// Builds a tag whose opaque part is known to be valid (only ever called on
    /// base64url text or text that was just validated).
    pub(crate) fn new_unchecked(weak: bool, opaque: &str) -> Self {
        debug_assert!(opaque.bytes().all(is_etagc));
        Self {
            weak,
            opaque: opaque.into(),
        }
    }

    /// Whether this is a weak tag (`W/"..."`).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// assert!(EntityTag::weak("a")?.is_weak());
    /// assert!(!EntityTag::strong("a")?.is_weak());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// The opaque part, without quotes or weak prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let tag: EntityTag = "W/\"a,b\"".parse()?;
    /// assert_eq!(tag.opaque(), "a,b");
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn opaque(&self) -> &str {
        &self.opaque
    }

    /// The same tag, marked weak.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// assert_eq!(EntityTag::strong("a")?.into_weak().to_string(), "W/\"a\"");
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn into_weak(mut self) -> Self {
        self.weak = true;
        self
    }

    /// A borrowed view of this tag.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let tag = EntityTag::strong("a")?;
    /// assert_eq!(tag.as_ref().opaque(), b"a");
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn as_ref(&self) -> EntityTagRef<'_> {
        EntityTagRef {
            weak: self.weak,
            opaque: self.opaque.as_bytes(),
        }
    }

    /// Strong comparison: both tags are strong and their opaque parts are equal.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let a = EntityTag::strong("1")?;
    /// assert!(a.strong_eq(&EntityTag::strong("1")?));
    /// assert!(!a.strong_eq(&EntityTag::weak("1")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn strong_eq(&self, other: &EntityTag) -> bool {
        self.as_ref().strong_eq(other.as_ref())
    }

    /// Weak comparison: the opaque parts are equal, whatever the weakness.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let a = EntityTag::strong("1")?;
    /// assert!(a.weak_eq(&EntityTag::weak("1")?));
    /// assert!(!a.weak_eq(&EntityTag::weak("2")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn weak_eq(&self, other: &EntityTag) -> bool {
        self.as_ref().weak_eq(other.as_ref())
    }

    /// Parses the header form of one tag from raw bytes (`"x"` or `W/"x"`).
    ///
    /// Surrounding optional whitespace (spaces and tabs) is allowed.
    ///
    /// # Errors
    ///
    /// Returns an error saying what is wrong when `bytes` is not exactly one entity-tag, or
    /// when its opaque part is not UTF-8 (use [`EntityTagRef::parse`] to compare such tags).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTag;
    ///
    /// let tag = EntityTag::parse(b"W/\"x\"")?;
    /// assert!(tag.is_weak());
    /// assert!(EntityTag::parse(b"x").is_err());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn parse(bytes: &[u8]) -> Result<Self, ParseError> {
        EntityTagRef::parse(bytes)?.to_owned()
    }
}

impl FromStr for EntityTag {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s.as_bytes())
    }
}

impl fmt::Display for EntityTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weak {
            f.write_str("W/")?;
        }
        write!(f, "\"{}\"", self.opaque)
    }
}

/// A borrowed entity tag, as found in a raw header value.
///
/// Its opaque part is raw bytes, which may include `obs-text` that is not UTF-8. Comparing
/// an `EntityTagRef` with an [`EntityTag`] never allocates.
///
/// # Examples
///
/// ```
/// use etag_core::{EntityTag, EntityTagRef};
///
/// let received = EntityTagRef::parse(b"W/\"caf\xe9\"")?;
/// assert!(received.is_weak());
/// assert_eq!(received.opaque(), b"caf\xe9");
/// assert!(!received.weak_eq(EntityTag::strong("cafe")?.as_ref()));
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EntityTagRef<'a> {
    weak: bool,
    opaque: &'a [u8],
}

impl<'a> EntityTagRef<'a> {
    /// Parses exactly one entity-tag, allowing surrounding spaces and tabs.
    ///
    /// # Errors
    ///
    /// Returns an error saying what is wrong (unquoted, lowercase `w/`, missing closing
    /// quote, a byte outside `etagc`, trailing characters, empty value).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTagRef;
    ///
    /// assert!(EntityTagRef::parse(b" \"a\" ").is_ok());
    /// let err = EntityTagRef::parse(b"w/\"a\"").unwrap_err();
    /// assert!(err.to_string().contains("W/"));
    /// ```
    pub fn parse(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let rest = trim_ows(bytes);
        if rest.is_empty() {
            return Err(ParseError::new(ParseErrorKind::Empty));
        }
        let (tag, rest) = parse_one(rest)?;
        if !trim_ows(rest).is_empty() {
            return Err(ParseError::new(ParseErrorKind::Trailing));
        }
        Ok(tag)
    }

    /// Whether this is a weak tag.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTagRef;
    ///
    /// assert!(EntityTagRef::parse(b"W/\"a\"")?.is_weak());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn is_weak(self) -> bool {
        self.weak
    }

    /// The opaque part as raw bytes, without quotes.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTagRef;
    ///
    /// assert_eq!(EntityTagRef::parse(b"\"a\"")?.opaque(), b"a");
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn opaque(self) -> &'a [u8] {
        self.opaque
    }

    /// Strong comparison (both strong, opaque parts equal).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTagRef;
    ///
    /// let a = EntityTagRef::parse(b"\"1\"")?;
    /// assert!(a.strong_eq(a));
    /// assert!(!a.strong_eq(EntityTagRef::parse(b"W/\"1\"")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn strong_eq(self, other: EntityTagRef<'_>) -> bool {
        !self.weak && !other.weak && self.opaque == other.opaque
    }

    /// Weak comparison (opaque parts equal).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTagRef;
    ///
    /// let a = EntityTagRef::parse(b"\"1\"")?;
    /// assert!(a.weak_eq(EntityTagRef::parse(b"W/\"1\"")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn weak_eq(self, other: EntityTagRef<'_>) -> bool {
        self.opaque == other.opaque
    }

    /// An owned copy of this tag.
    ///
    /// # Errors
    ///
    /// Returns an error when the opaque part is not valid UTF-8 (legal `obs-text` in a header,
    /// but never produced by this crate, so such a tag cannot match any tag it makes).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::EntityTagRef;
    ///
    /// let owned = EntityTagRef::parse(b"\"a\"")?.to_owned()?;
    /// assert_eq!(owned.opaque(), "a");
    /// assert!(EntityTagRef::parse(b"\"\xff\"")?.to_owned().is_err());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn to_owned(self) -> Result<EntityTag, ParseError> {
        match core::str::from_utf8(self.opaque) {
            Ok(opaque) => Ok(EntityTag::new_unchecked(self.weak, opaque)),
            Err(_) => Err(ParseError::new(ParseErrorKind::NotUtf8)),
        }
    }
}

/// `etagc = %x21 / %x23-7E / obs-text`
pub(crate) const fn is_etagc(b: u8) -> bool {
    b == 0x21 || (b >= 0x23 && b != 0x7F)
}

pub(crate) fn trim_ows(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

/// Parses one entity-tag at the start of `bytes` (no leading whitespace) and returns it with
/// the unparsed rest.
pub(crate) fn parse_one(bytes: &[u8]) -> Result<(EntityTagRef<'_>, &[u8]), ParseError> {
    let (weak, rest) = match bytes {
        [b'W', b'/', rest @ ..] => (true, rest),
        [b'w', b'/', ..] => return Err(ParseError::new(ParseErrorKind::LowercaseWeak)),
        _ => (false, bytes),
    };
    let Some((b'"', body)) = rest.split_first() else {
        return Err(ParseError::new(ParseErrorKind::Unquoted));
    };
    let end = first_non_etagc(body).unwrap_or(body.len());
    let Some((opaque, after)) = body.split_at_checked(end) else {
        return Err(ParseError::new(ParseErrorKind::Unterminated));
    };
    match after.split_first() {
        Some((b'"', rest)) => Ok((EntityTagRef { weak, opaque }, rest)),
        // A comma or space before any closing quote usually means the quote is missing.
        Some((&b, rest)) if rest.contains(&b'"') => {
            Err(ParseError::new(ParseErrorKind::InvalidByte(b)))
        }
        _ => Err(ParseError::new(ParseErrorKind::Unterminated)),
    }
}

/// The index of the first byte of `bytes` that is not `etagc` (the closing quote, or an
/// invalid byte), eight bytes at a time.
///
/// A byte is not `etagc` when it is below 0x21, 0x22 (`"`) or 0x7F. Each test below is the
/// classic "has a byte less than n" / "has a zero byte" bit trick on a little-endian word: a
/// borrow only ever runs from a matching byte towards later bytes, so the lowest flagged
/// byte is always a real match.
fn first_non_etagc(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let (words, tail) = bytes.as_chunks::<8>();
    for (n, word) in words.iter().enumerate() {
        let x = u64::from_le_bytes(*word);
        let below = x.wrapping_sub(ONES * 0x21) & !x;
        let quote = x ^ (ONES * 0x22);
        let quote = quote.wrapping_sub(ONES) & !quote;
        let del = x ^ (ONES * 0x7F);
        let del = del.wrapping_sub(ONES) & !del;
        let found = (below | quote | del) & HIGH;
        if found != 0 {
            return Some(n * 8 + (found.trailing_zeros() / 8) as usize);
        }
    }
    let rest = tail.iter().position(|&b| !is_etagc(b))?;
    Some(words.len() * 8 + rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> EntityTag {
        s.parse().unwrap()
    }

    /// RFC 9110 §8.8.3.2, the comparison table, row by row.
    #[test]
    fn rfc_comparison_table() {
        let rows = [
            // tag 1, tag 2, strong, weak
            (r#"W/"1""#, r#"W/"1""#, false, true),
            (r#"W/"1""#, r#"W/"2""#, false, false),
            (r#"W/"1""#, r#""1""#, false, true),
            (r#""1""#, r#""1""#, true, true),
        ];
        for (a, b, strong, weak) in rows {
            let (a, b) = (tag(a), tag(b));
            assert_eq!(a.strong_eq(&b), strong, "{a} strong {b}");
            assert_eq!(b.strong_eq(&a), strong, "{b} strong {a}");
            assert_eq!(a.weak_eq(&b), weak, "{a} weak {b}");
            assert_eq!(b.weak_eq(&a), weak, "{b} weak {a}");
        }
    }

    #[test]
    fn valid_forms() {
        for (input, weak, opaque) in [
            (r#""""#, false, ""),
            (r#""abc""#, false, "abc"),
            (r#"W/"abc""#, true, "abc"),
            (r#""a,b""#, false, "a,b"),
            (r#""!#~""#, false, "!#~"),
            ("\"caf\u{e9}\"", false, "caf\u{e9}"),
            (" \t\"x\"\t ", false, "x"),
        ] {
            let t = tag(input);
            assert_eq!((t.is_weak(), t.opaque()), (weak, opaque), "{input}");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in [r#""""#, r#""abc""#, r#"W/"a,b""#] {
            assert_eq!(tag(s).to_string(), s);
        }
    }

    #[test]
    fn invalid_forms() {
        let bad: &[(&[u8], &str)] = &[
            (b"", "empty"),
            (b"   ", "empty"),
            (b"abc", "quoted"),
            (b"W/abc", "quoted"),
            (b"w/\"abc\"", "W/"),
            (b"\"abc", "closing quote"),
            (b"\"ab\"c\"", "after"),
            (b"\"a b\"", "0x20"),
            (b"\"a\tb\"", "0x09"),
            (b"\"a\x7fb\"", "0x7f"),
            (b"\"a\x00b\"", "0x00"),
            (b"\"a\" \"b\"", "after"),
            (b"W/ \"a\"", "quoted"),
            (b"\"a\",", "after"),
            (b"*", "quoted"),
        ];
        for (input, reason) in bad {
            let err = EntityTagRef::parse(input).unwrap_err();
            assert!(
                err.to_string().contains(reason),
                "{:?}: {err} should mention {reason}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn constructors_reject_non_etagc() {
        for opaque in ["a\"b", "a b", "\t", "\u{7f}"] {
            assert!(EntityTag::strong(opaque).is_err(), "{opaque:?}");
            assert!(EntityTag::weak(opaque).is_err(), "{opaque:?}");
        }
        assert!(EntityTag::strong("").is_ok());
    }

    #[test]
    fn word_scan_agrees_with_byte_scan() {
        // Every byte value at every position of words with and without other stops.
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    for fill in [b'a', 0x80, 0xff, 0x21, 0x23, 0x7e] {
                        let mut bytes = vec![fill; len];
                        bytes[at] = b;
                        let expected = bytes.iter().position(|&b| !is_etagc(b));
                        assert_eq!(first_non_etagc(&bytes), expected, "{bytes:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn non_utf8_tag_compares_but_does_not_convert() {
        let r = EntityTagRef::parse(b"\"\xff\xfe\"").unwrap();
        assert_eq!(r.opaque(), b"\xff\xfe");
        assert!(r.strong_eq(r));
        assert!(r.to_owned().is_err());
        assert!(EntityTag::parse(b"\"\xff\"").is_err());
    }
}
