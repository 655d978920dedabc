//! The decisions of the tag store as plain functions: may this response be stored
//! ([`storability`]), which request may reuse it ([`VaryKey`]), and does a `304` stand for
//! what is held (`selects`).

use std::fmt;

use etag_core::EntityTag;

use super::headers::{HeaderSource, trim};

/// Why a response was not stored.
///
/// # Examples
///
/// ```
/// use etag_actix::client::{NotStored, storability};
///
/// let no_store = [("ETag", "\"v1\""), ("Cache-Control", "private, no-store")];
/// assert_eq!(storability(200, &no_store[..]), Err(NotStored::NoStore));
/// assert_eq!(NotStored::NoStore.to_string(), "the response says Cache-Control: no-store");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotStored {
    /// Only `200 OK` responses are stored (they are what a later `304` can stand for).
    Status(u16),
    /// The response carries `Cache-Control: no-store` (RFC 9111 §5.2.2.5).
    NoStore,
    /// The response carries no `ETag`: nothing to revalidate with.
    NoEntityTag,
    /// The `ETag` is not exactly one valid entity-tag.
    InvalidEntityTag,
    /// The response carries `Vary: *`: no later request can be known to match it
    /// (RFC 9111 §4.1).
    VaryAny,
    /// The entry (URL, body and header fields) is larger than the store's byte limit.
    TooLarge {
        /// The entry's size in bytes.
        size: usize,
        /// The store's byte limit.
        limit: usize,
    },
    /// The store keeps no entries at all (its entry limit is 0).
    Disabled,
}

impl fmt::Display for NotStored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotStored::Status(status) => write!(f, "only 200 responses are stored, not {status}"),
            NotStored::NoStore => f.write_str("the response says Cache-Control: no-store"),
            NotStored::NoEntityTag => f.write_str("the response has no ETag"),
            NotStored::InvalidEntityTag => f.write_str("the response's ETag is malformed"),
            NotStored::VaryAny => f.write_str("the response says Vary: *"),
            NotStored::TooLarge { size, limit } => write!(
                f,
                "the entry takes {size} bytes, more than the store's limit of {limit}"
            ),
            NotStored::Disabled => f.write_str("the store keeps no entries"),
        }
    }
}

impl std::error::Error for NotStored {}

/// Whether a response to a `GET` may be kept for revalidation, and with which tag.
///
/// A response is stored when it is a `200`, does not say `Cache-Control: no-store`, does not
/// say `Vary: *`, and carries exactly one valid `ETag` (strong or weak: `If-None-Match`
/// compares weakly). `no-cache` and `private` do not prevent storing: this store is private
/// and revalidates on every use anyway. The store's size limits are checked separately.
///
/// # Errors
///
/// [`NotStored`] says why the response may not be stored.
///
/// # Examples
///
/// ```
/// use etag_actix::EntityTag;
/// use etag_actix::client::{NotStored, storability};
///
/// let ok = [("ETag", "W/\"v1\""), ("Cache-Control", "no-cache")];
/// assert_eq!(storability(200, &ok[..]), Ok(EntityTag::weak("v1")?));
/// assert_eq!(storability(201, &ok[..]), Err(NotStored::Status(201)));
/// assert_eq!(storability(200, &[("Content-Type", "text/plain")][..]), Err(NotStored::NoEntityTag));
/// assert_eq!(storability(200, &[("ETag", "v1")][..]), Err(NotStored::InvalidEntityTag));
/// # Ok::<(), etag_actix::ParseError>(())
/// ```
pub fn storability(
    status: u16,
    response: &(impl HeaderSource + ?Sized),
) -> Result<EntityTag, NotStored> {
    if status != 200 {
        return Err(NotStored::Status(status));
    }
    if has_no_store(response) {
        return Err(NotStored::NoStore);
    }
    if VaryFields::of(response).any {
        return Err(NotStored::VaryAny);
    }
    entity_tag(response)
}

/// The response's one `ETag`.
pub(crate) fn entity_tag(response: &(impl HeaderSource + ?Sized)) -> Result<EntityTag, NotStored> {
    let mut found = None;
    let mut lines = 0;
    response.each_value("etag", &mut |value| {
        lines += 1;
        found = Some(EntityTag::parse(value));
    });
    match (lines, found) {
        (0, _) => Err(NotStored::NoEntityTag),
        (1, Some(Ok(tag))) => Ok(tag),
        _ => Err(NotStored::InvalidEntityTag),
    }
}

/// Whether `Cache-Control` holds the `no-store` directive (any case, with or without an
/// argument, on any of its lines).
pub(crate) fn has_no_store(response: &(impl HeaderSource + ?Sized)) -> bool {
    let mut found = false;
    response.each_value("cache-control", &mut |value| {
        found |= directives(value).any(|name| name.eq_ignore_ascii_case(b"no-store"));
    });
    found
}

/// The directive names of one `Cache-Control` line: split on commas outside quoted strings,
/// each name without its `=argument`.
fn directives(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut rest = value;
    std::iter::from_fn(move || {
        while !rest.is_empty() {
            let mut quoted = false;
            let mut escaped = false;
            let mut end = rest.len();
            for (i, &b) in rest.iter().enumerate() {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' if quoted => escaped = true,
                    b'"' => quoted = !quoted,
                    b',' if !quoted => {
                        end = i;
                        break;
                    }
                    _ => {}
                }
            }
            let element = &rest[..end];
            rest = rest.get(end + 1..).unwrap_or_default();
            let name = trim(element.split(|&b| b == b'=').next().unwrap_or_default());
            if !name.is_empty() {
                return Some(name);
            }
        }
        None
    })
}

/// The field names a response's `Vary` lists (lower case), and whether it lists `*`.
struct VaryFields {
    names: Vec<String>,
    any: bool,
}

impl VaryFields {
    fn of(response: &(impl HeaderSource + ?Sized)) -> Self {
        let mut fields = VaryFields {
            names: Vec::new(),
            any: false,
        };
        response.each_value("vary", &mut |value| {
            for name in value.split(|&b| b == b',') {
                let name = trim(name);
                if name == b"*" {
                    fields.any = true;
                } else if !name.is_empty() {
                    let name = String::from_utf8_lossy(name).to_ascii_lowercase();
                    if !fields.names.contains(&name) {
                        fields.names.push(name);
                    }
                }
            }
        });
        fields
    }
}

/// The request header values a stored response was selected by (RFC 9111 §4.1): for each
/// field its `Vary` names, the request's value (all lines combined with `", "`, each
/// trimmed), or none when the request did not carry the field.
///
/// A later request may reuse the response only when it has the same values: absent where
/// it was absent, byte for byte equal otherwise. `Vary: *` never matches.
///
/// # Examples
///
/// ```
/// use etag_actix::client::VaryKey;
///
/// let response = [("Vary", "Accept-Language, Accept-Encoding")];
/// let key = VaryKey::new(&[("Accept-Language", "fr")][..], &response[..]);
/// assert!(key.matches(&[("accept-language", "fr"), ("Accept", "text/html")][..]));
/// assert!(!key.matches(&[("Accept-Language", "de")][..]));
/// assert!(!key.matches(&[("Accept-Language", "fr"), ("Accept-Encoding", "gzip")][..]));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VaryKey {
    fields: Vec<(String, Option<Vec<u8>>)>,
    any: bool,
}

impl VaryKey {
    /// The values of `request` for the fields `response`'s `Vary` names.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::VaryKey;
    ///
    /// let key = VaryKey::new(&[("Accept", "application/json")][..], &[("Vary", "*")][..]);
    /// assert!(!key.matches(&[("Accept", "application/json")][..]));
    /// ```
    pub fn new(
        request: &(impl HeaderSource + ?Sized),
        response: &(impl HeaderSource + ?Sized),
    ) -> Self {
        let VaryFields { names, any } = VaryFields::of(response);
        let fields = names
            .into_iter()
            .map(|name| {
                let value = combined(request, &name);
                (name, value)
            })
            .collect();
        VaryKey { fields, any }
    }

    /// Whether `request` has the same values of the varied fields as the request this key
    /// was made from.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::VaryKey;
    ///
    /// // No Vary: every request matches.
    /// let key = VaryKey::new(&[("Accept", "text/html")][..], &[("ETag", "\"a\"")][..]);
    /// assert!(key.matches(&[("Accept", "application/json")][..]));
    /// ```
    pub fn matches(&self, request: &(impl HeaderSource + ?Sized)) -> bool {
        !self.any
            && self
                .fields
                .iter()
                .all(|(name, value)| combined(request, name) == *value)
    }

    /// The bytes of the names and values held: what the key counts towards the store's
    /// byte limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::VaryKey;
    ///
    /// let key = VaryKey::new(&[("Accept", "a/b")][..], &[("Vary", "accept")][..]);
    /// assert_eq!(key.byte_size(), "accept".len() + "a/b".len());
    /// ```
    pub fn byte_size(&self) -> usize {
        self.fields
            .iter()
            .map(|(name, value)| name.len() + value.as_ref().map_or(0, Vec::len))
            .sum()
    }
}

/// All values of `name` in `request`, trimmed and joined with `", "`; `None` when absent.
fn combined(request: &(impl HeaderSource + ?Sized), name: &str) -> Option<Vec<u8>> {
    let mut value: Option<Vec<u8>> = None;
    request.each_value(name, &mut |line| {
        let line = trim(line);
        match &mut value {
            None => value = Some(line.to_vec()),
            Some(value) => {
                value.extend_from_slice(b", ");
                value.extend_from_slice(line);
            }
        }
    });
    value
}

/// Whether a `304` stands for the stored response tagged `held` (RFC 9111 §4.3.4): with an
/// `ETag`, it must match `held` (strongly when it is strong, weakly when it is weak);
/// without one, the single stored response is the one it updates.
pub(crate) fn selects(not_modified: &(impl HeaderSource + ?Sized), held: &EntityTag) -> bool {
    match entity_tag(not_modified) {
        Ok(tag) if tag.is_weak() => tag.weak_eq(held),
        Ok(tag) => tag.strong_eq(held),
        Err(NotStored::NoEntityTag) => true,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(s: &str) -> EntityTag {
        s.parse()
            .unwrap_or_else(|_| unreachable!("test tags are valid"))
    }

    #[test]
    fn no_store_is_found_in_any_case_on_any_line_with_or_without_argument() {
        for lines in [
            &[("Cache-Control", "no-store")][..],
            &[("Cache-Control", "NO-STORE")],
            &[
                ("Cache-Control", "max-age=5"),
                ("cache-control", " no-store "),
            ],
            &[("Cache-Control", "private, no-store=\"x\"")],
            &[("Cache-Control", "no-cache=\"a, b\",no-store")],
        ] {
            assert!(has_no_store(lines), "{lines:?}");
        }
        for lines in [
            &[("Cache-Control", "no-cache")][..],
            &[("Cache-Control", "private=\"no-store, x\"")],
            &[("Cache-Control", "no-storex")],
            &[("Pragma", "no-store")],
            &[],
        ] {
            assert!(!has_no_store(lines), "{lines:?}");
        }
    }

    #[test]
    fn storability_checks_status_no_store_vary_star_and_one_valid_etag() {
        let ok = [("ETag", "\"a\"")];
        assert_eq!(storability(200, &ok[..]), Ok(tag("\"a\"")));
        for status in [201, 203, 204, 206, 304, 404] {
            assert_eq!(storability(status, &ok[..]), Err(NotStored::Status(status)));
        }
        let cases: [(&[(&str, &str)], NotStored); 6] = [
            (
                &[("ETag", "\"a\""), ("Cache-Control", "no-store")],
                NotStored::NoStore,
            ),
            (
                &[("ETag", "\"a\""), ("Vary", "Accept, *")],
                NotStored::VaryAny,
            ),
            (
                &[("ETag", "\"a\""), ("Vary", "accept"), ("Vary", "*")],
                NotStored::VaryAny,
            ),
            (&[], NotStored::NoEntityTag),
            (&[("ETag", "\"a\", \"b\"")], NotStored::InvalidEntityTag),
            (
                &[("ETag", "\"a\""), ("ETag", "\"b\"")],
                NotStored::InvalidEntityTag,
            ),
        ];
        for (headers, expected) in cases {
            assert_eq!(storability(200, headers), Err(expected), "{headers:?}");
        }
        // A weak tag is stored: If-None-Match compares weakly.
        assert_eq!(
            storability(200, &[("ETag", "W/\"a\"")][..]),
            Ok(tag("W/\"a\""))
        );
    }

    #[test]
    fn vary_compares_combined_trimmed_values_and_tells_absent_from_empty() {
        let response = [
            ("Vary", "Accept-Language"),
            ("vary", "X-Flavour, ACCEPT-language"),
        ];
        let key = VaryKey::new(
            &[("Accept-Language", " fr "), ("accept-language", "de")][..],
            &response[..],
        );
        assert!(key.matches(&[("accept-language", "fr, de")][..]));
        assert!(key.matches(&[("Accept-Language", "fr"), ("Accept-Language", "de ")][..]));
        assert!(!key.matches(&[("Accept-Language", "de, fr")][..]));
        assert!(!key.matches(&[("Accept-Language", "fr, de"), ("X-Flavour", "")][..]));

        let empty = VaryKey::new(&[("X-Flavour", "")][..], &[("Vary", "x-flavour")][..]);
        assert!(empty.matches(&[("X-Flavour", "")][..]));
        assert!(!empty.matches(&[][..] as &[(&str, &str)]));
    }

    #[test]
    fn vary_star_never_matches_not_even_the_same_request() {
        let request = [("Accept", "application/json")];
        let key = VaryKey::new(&request[..], &[("Vary", "Accept"), ("Vary", "*")][..]);
        assert!(!key.matches(&request[..]));
    }

    #[test]
    fn a_304_selects_by_its_etag_or_stands_for_the_one_held() {
        let strong = tag("\"a\"");
        let weak = tag("W/\"a\"");
        assert!(selects(&[("ETag", "\"a\"")][..], &strong));
        assert!(!selects(&[("ETag", "\"a\"")][..], &weak));
        assert!(!selects(&[("ETag", "\"b\"")][..], &strong));
        assert!(selects(&[("ETag", "W/\"a\"")][..], &strong));
        assert!(selects(&[("ETag", "W/\"a\"")][..], &weak));
        assert!(selects(&[][..] as &[(&str, &str)], &strong));
        assert!(!selects(&[("ETag", "a")][..], &strong));
    }
}
