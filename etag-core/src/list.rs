//! `If-Match` / `If-None-Match` field values: `*` or a comma-separated list of entity-tags.

use crate::entity_tag::{EntityTag, EntityTagRef, parse_one, trim_ows};
use crate::error::{ParseError, ParseErrorKind};

/// A validated `If-Match` or `If-None-Match` field value, borrowing the raw header lines.
///
/// ```text
/// If-Match      = "*" / #entity-tag
/// If-None-Match = "*" / #entity-tag
/// ```
///
/// Several header lines of one name form one list, in order. Lists are split only on commas
/// outside quotes (a comma is legal inside a tag), empty elements (`"a", , "b"`) are
/// skipped, and `*` must stand alone. A field whose elements are all empty is a valid, empty
/// list that matches nothing (RFC 9110 §5.6.1).
///
/// Parsing and matching never allocate.
///
/// # Examples
///
/// ```
/// use etag_core::{EntityTag, TagList};
///
/// let lines: &[&[u8]] = &[b"\"a,b\", W/\"c\"", b"\"d\""];
/// let list = TagList::parse(lines)?;
/// assert_eq!(list.iter().count(), 3);
/// assert!(list.weak_match(&EntityTag::strong("c")?));
/// assert!(!list.strong_match(&EntityTag::strong("c")?));
/// assert!(list.strong_match(&EntityTag::strong("a,b")?));
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct TagList<'a> {
    lines: &'a [&'a [u8]],
    any: bool,
}

impl<'a> TagList<'a> {
    /// Validates the raw lines of one header.
    ///
    /// # Errors
    ///
    /// Returns an error saying what is wrong with the first malformed element: an unquoted
    /// tag, a missing closing quote, a lowercase `w/`, a byte outside `etagc` (such as a
    /// space inside a tag), two tags without a comma between them, `*` mixed with tags, or
    /// `*` more than once.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagList;
    ///
    /// assert!(TagList::parse(&[b"*"])?.is_any());
    /// let err = TagList::parse(&[b"\"a\", b"]).unwrap_err();
    /// assert_eq!(err.to_string(), "entity-tags must be quoted");
    /// assert!(TagList::parse(&[b"*, \"a\""]).is_err());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    #[inline]
    pub fn parse(lines: &'a [&'a [u8]]) -> Result<Self, ParseError> {
        let Scan { any, .. } = scan(lines, None, false, false)?;
        Ok(Self { lines, any })
    }

    /// Whether the list is `*`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagList;
    ///
    /// assert!(!TagList::parse(&[b"\"x\""])?.is_any());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    #[inline]
    pub fn is_any(self) -> bool {
        self.any
    }

    /// Whether the list has no element at all (neither `*` nor a tag).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagList;
    ///
    /// assert!(TagList::parse(&[b" , ,"])?.is_empty());
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn is_empty(self) -> bool {
        !self.any && self.iter().next().is_none()
    }

    /// The tags of the list, in order (none for `*`).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagList;
    ///
    /// let list = TagList::parse(&[b"\"a\", , W/\"b\""])?;
    /// let opaque: Vec<&[u8]> = list.iter().map(|t| t.opaque()).collect();
    /// assert_eq!(opaque, [b"a".as_slice(), b"b".as_slice()]);
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn iter(self) -> TagListIter<'a> {
        TagListIter {
            elements: Elements::new(self.lines),
        }
    }

    /// `If-Match` semantics: `*`, or a member that strongly matches `current`.
    ///
    /// Note that `*` means "a current representation exists": callers decide that, this
    /// method only sees a tag.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{EntityTag, TagList};
    ///
    /// let list = TagList::parse(&[b"W/\"1\", \"2\""])?;
    /// assert!(!list.strong_match(&EntityTag::strong("1")?));
    /// assert!(list.strong_match(&EntityTag::strong("2")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    #[inline]
    pub fn strong_match(self, current: &EntityTag) -> bool {
        self.any || self.find(current.as_ref(), true)
    }

    /// `If-None-Match` semantics: `*`, or a member that weakly matches `current`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{EntityTag, TagList};
    ///
    /// let list = TagList::parse(&[b"W/\"1\""])?;
    /// assert!(list.weak_match(&EntityTag::strong("1")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    #[inline]
    pub fn weak_match(self, current: &EntityTag) -> bool {
        self.any || self.find(current.as_ref(), false)
    }

    /// Whether a member matches; the list was validated, so the first match ends the walk.
    fn find(self, current: EntityTagRef<'_>, strong: bool) -> bool {
        scan(self.lines, Some(current), strong, true).is_ok_and(|found| found.matched)
    }

    /// An owned copy, e.g. to hand the tags a client expects to a store.
    ///
    /// Tags whose opaque part is not UTF-8 are left out: no tag this crate makes can equal
    /// them, so they could never match.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Condition, TagList};
    ///
    /// let owned = TagList::parse(&[b"\"a\""])?.to_condition();
    /// assert!(matches!(owned, Condition::Tags(ref t) if t.len() == 1));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn to_condition(self) -> Condition {
        if self.any {
            Condition::Any
        } else {
            Condition::Tags(self.iter().filter_map(|t| t.to_owned().ok()).collect())
        }
    }
}

/// How a list compares with the current tag, found in one pass over the raw lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Scan {
    /// The list is `*`.
    pub(crate) any: bool,
    /// A member matches the current tag (never true for `*`).
    pub(crate) matched: bool,
}

/// Validates `lines` as [`TagList::parse`] does and, in the same pass, compares each member
/// with `current` (strongly or weakly). Used by the evaluator, so that a list is read once.
/// With `stop_at_match`, the walk ends at the first match (for lists already validated).
///
/// Its errors are those of [`Elements`], the one grammar, which [`TagList::iter`] walks too.
#[inline]
pub(crate) fn scan(
    lines: &[&[u8]],
    current: Option<EntityTagRef<'_>>,
    strong: bool,
    stop_at_match: bool,
) -> Result<Scan, ParseError> {
    // The most common list of all, alone on its line, without the walk below.
    if let [line] = lines
        && (*line == b"*" || trim_ows(line) == b"*")
    {
        return Ok(Scan {
            any: true,
            matched: false,
        });
    }
    walk(lines, current, strong, stop_at_match)
}

/// The general case of [`scan`]: the walk of [`Elements`], which holds the grammar, with
/// each tag compared as it is found.
pub(crate) fn walk(
    lines: &[&[u8]],
    current: Option<EntityTagRef<'_>>,
    strong: bool,
    stop_at_match: bool,
) -> Result<Scan, ParseError> {
    let mut any = false;
    let mut matched = false;
    for element in Elements::new(lines) {
        match element? {
            Element::Any => any = true,
            Element::Tag(tag) => {
                if !matched && let Some(current) = current {
                    matched = if strong {
                        tag.strong_eq(current)
                    } else {
                        tag.weak_eq(current)
                    };
                    if matched && stop_at_match {
                        return Ok(Scan { any, matched });
                    }
                }
            }
        }
    }
    Ok(Scan { any, matched })
}

/// An owned `If-Match` / `If-None-Match` condition.
///
/// # Examples
///
/// ```
/// use etag_core::{Condition, EntityTag};
///
/// let cond = Condition::Tags(vec![EntityTag::strong("v1")?]);
/// assert!(cond.strong_match(&EntityTag::strong("v1")?));
/// assert!(Condition::Any.weak_match(&EntityTag::weak("x")?));
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Condition {
    /// `*`: any current representation.
    Any,
    /// A list of tags (possibly empty).
    Tags(Vec<EntityTag>),
}

impl Condition {
    /// `*`, or a member that strongly matches `current`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Condition, EntityTag};
    ///
    /// let cond = Condition::Tags(vec![EntityTag::weak("v1")?]);
    /// assert!(!cond.strong_match(&EntityTag::strong("v1")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn strong_match(&self, current: &EntityTag) -> bool {
        match self {
            Condition::Any => true,
            Condition::Tags(tags) => tags.iter().any(|t| t.strong_eq(current)),
        }
    }

    /// `*`, or a member that weakly matches `current`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{Condition, EntityTag};
    ///
    /// let cond = Condition::Tags(vec![EntityTag::weak("v1")?]);
    /// assert!(cond.weak_match(&EntityTag::strong("v1")?));
    /// # Ok::<(), etag_core::ParseError>(())
    /// ```
    pub fn weak_match(&self, current: &EntityTag) -> bool {
        match self {
            Condition::Any => true,
            Condition::Tags(tags) => tags.iter().any(|t| t.weak_eq(current)),
        }
    }
}

/// Iterator over the tags of a [`TagList`].
///
/// # Examples
///
/// ```
/// use etag_core::TagList;
///
/// let mut it = TagList::parse(&[b"\"a\""])?.iter();
/// assert_eq!(it.next().map(|t| t.opaque()), Some(b"a".as_slice()));
/// assert!(it.next().is_none());
/// # Ok::<(), etag_core::ParseError>(())
/// ```
#[derive(Clone, Debug)]
pub struct TagListIter<'a> {
    elements: Elements<'a>,
}

impl<'a> Iterator for TagListIter<'a> {
    type Item = EntityTagRef<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.elements.next()? {
                Ok(Element::Tag(tag)) => return Some(tag),
                // The list was validated; `*` carries no tag.
                Ok(Element::Any) | Err(_) => {}
            }
        }
    }
}

#[derive(Clone, Copy, Debug)]
enum Element<'a> {
    Any,
    Tag(EntityTagRef<'a>),
}

/// The list grammar, once: walks the elements of all lines and stops after the first
/// error.
///
/// Between elements it skips whitespace and commas (empty elements). An element is `*` or an
/// entity-tag, followed by optional whitespace and then a comma or the end of its line.
/// Errors, in the order checked: a malformed element, what follows it, then `*` next to a
/// tag or a second `*` (the list may be one `*` and nothing else).
#[derive(Clone, Debug)]
struct Elements<'a> {
    lines: &'a [&'a [u8]],
    rest: &'a [u8],
    /// A `*` was read.
    any: bool,
    /// A tag was read.
    tags: bool,
    failed: bool,
}

impl<'a> Elements<'a> {
    #[inline]
    fn new(lines: &'a [&'a [u8]]) -> Self {
        Self {
            lines,
            rest: &[],
            any: false,
            tags: false,
            failed: false,
        }
    }

    /// Reads the element at the start of `self.rest` (not empty, not a separator).
    #[inline]
    fn element(&mut self) -> Result<Element<'a>, ParseError> {
        let element = if let [b'*', rest @ ..] = self.rest {
            self.rest = rest;
            Element::Any
        } else {
            let (tag, rest) = parse_one(self.rest)?;
            self.rest = rest;
            Element::Tag(tag)
        };
        // After an element: optional whitespace, then a comma or the end of the line.
        while let [b' ' | b'\t', rest @ ..] = self.rest {
            self.rest = rest;
        }
        match self.rest {
            [] | [b',', ..] => {}
            [b'"' | b'W' | b'*', ..] => return Err(ParseError::new(ParseErrorKind::MissingComma)),
            _ => return Err(ParseError::new(ParseErrorKind::Trailing)),
        }
        match element {
            Element::Any if self.any => Err(ParseError::new(ParseErrorKind::StarRepeated)),
            Element::Any if self.tags => Err(ParseError::new(ParseErrorKind::StarMixed)),
            Element::Tag(_) if self.any => Err(ParseError::new(ParseErrorKind::StarMixed)),
            Element::Any => {
                self.any = true;
                Ok(element)
            }
            Element::Tag(_) => {
                self.tags = true;
                Ok(element)
            }
        }
    }
}

impl<'a> Iterator for Elements<'a> {
    type Item = Result<Element<'a>, ParseError>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        loop {
            // Skip whitespace and empty elements.
            while let [b' ' | b'\t' | b',', rest @ ..] = self.rest {
                self.rest = rest;
            }
            if !self.rest.is_empty() {
                break;
            }
            let (line, lines) = self.lines.split_first()?;
            self.rest = line;
            self.lines = lines;
        }
        let result = self.element();
        if result.is_err() {
            self.failed = true;
        }
        Some(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(lines: &[&[u8]]) -> Result<Vec<(bool, Vec<u8>)>, String> {
        let list = TagList::parse(lines).map_err(|e| e.to_string())?;
        Ok(list
            .iter()
            .map(|t| (t.is_weak(), t.opaque().to_vec()))
            .collect())
    }

    #[test]
    fn splits_only_outside_quotes() {
        assert_eq!(
            parse(&[b"\"a,b\",W/\"c, d\"".as_slice()]).unwrap_err(),
            "character not allowed inside an entity-tag (byte 0x20)"
        );
        assert_eq!(
            parse(&[b"\"a,b\",W/\"c,d\""]).unwrap(),
            [(false, b"a,b".to_vec()), (true, b"c,d".to_vec())]
        );
    }

    #[test]
    fn empty_elements_and_lines() {
        assert_eq!(parse(&[b"\"a\", , \"b\",,"]).unwrap().len(), 2);
        assert_eq!(parse(&[b"", b"\"a\"", b" ,"]).unwrap().len(), 1);
        assert!(TagList::parse(&[b""]).unwrap().is_empty());
        assert!(TagList::parse(&[]).unwrap().is_empty());
    }

    #[test]
    fn several_lines_join() {
        let list = TagList::parse(&[b"\"a\"", b"W/\"b\", \"c\""]).unwrap();
        assert_eq!(list.iter().count(), 3);
        assert!(list.strong_match(&EntityTag::strong("c").unwrap()));
    }

    #[test]
    fn star() {
        assert!(TagList::parse(&[b" * "]).unwrap().is_any());
        assert!(TagList::parse(&[b"*", b""]).unwrap().is_any());
        for bad in [
            &[b"*, \"a\"".as_slice()][..],
            &[b"\"a\", *"],
            &[b"*", b"\"a\""],
        ] {
            assert_eq!(
                TagList::parse(bad).unwrap_err().to_string(),
                "`*` cannot be combined with entity-tags"
            );
        }
        assert!(TagList::parse(&[b"**"]).is_err());
        // The grammar allows one `*`, alone.
        for bad in [
            &[b"*, *".as_slice()][..],
            &[b"*,*"],
            &[b"*", b"*"],
            &[b" *,", b", * "],
        ] {
            assert_eq!(
                TagList::parse(bad).unwrap_err().to_string(),
                "`*` may appear only once",
                "{bad:?}"
            );
        }
        assert!(TagList::parse(&[b", *,", b""]).unwrap().is_any());
    }

    #[test]
    fn malformed_lists() {
        let bad: &[(&[u8], &str)] = &[
            (b"a", "quoted"),
            (b"\"a\", b", "quoted"),
            (b"\"a\" \"b\"", "commas"),
            (b"\"a\"\"b\"", "commas"),
            (b"\"a\" W/\"b\"", "commas"),
            (b"\"a", "closing quote"),
            (b"\"a, \"b\"", "0x20"),
            (b"w/\"a\"", "W/"),
            (b"\"a\"x", "after"),
            (b"\"a b\"", "0x20"),
        ];
        for (input, reason) in bad {
            let err = TagList::parse(&[input]).unwrap_err().to_string();
            assert!(
                err.contains(reason),
                "{:?}: {err} should mention {reason}",
                String::from_utf8_lossy(input)
            );
        }
    }

    /// `scan` (used by `parse`, with its shortcut for a lone `*`) reports the first error of
    /// `Elements` (used by `iter`).
    #[test]
    fn scan_agrees_with_elements() {
        let inputs: &[&[u8]] = &[
            b"*\"a\"",
            b"\"a\", *x",
            b"*, \"a\" x",
            b"\"a\" *",
            b"* *",
            b"*, *",
            b"*,\"a\"",
            b"\"a\",,\"b\" ,",
            b"\"a\"W/\"b\"",
            b"W/",
            b"\"",
            b", ,",
        ];
        for input in inputs {
            let lines = [*input];
            let mut any = false;
            let mut tags = false;
            let mut first_error = None;
            for element in Elements::new(&lines) {
                match element {
                    Ok(Element::Any) => any = true,
                    Ok(Element::Tag(_)) => tags = true,
                    Err(e) => {
                        first_error = Some(e);
                        break;
                    }
                }
                if any && tags {
                    first_error = Some(ParseError::new(ParseErrorKind::StarMixed));
                    break;
                }
            }
            let scanned = scan(&lines, None, false, false);
            assert_eq!(
                scanned.err(),
                first_error,
                "{:?}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn obs_text_bytes() {
        let list = TagList::parse(&[b"\"\xe9t\xe9\", \"\xff\""]).unwrap();
        let opaque: Vec<&[u8]> = list.iter().map(|t| t.opaque()).collect();
        assert_eq!(opaque, [b"\xe9t\xe9".as_slice(), b"\xff"]);
        assert_eq!(list.to_condition(), Condition::Tags(vec![]));
        let utf8 = TagList::parse(&[b"\"\xc3\xa9\""]).unwrap();
        assert!(utf8.strong_match(&EntityTag::strong("\u{e9}").unwrap()));
    }
}
