//! Header fields as the tag store sees them: [`HeaderSource`], a read-only view of any HTTP
//! client's header map, and [`StoredHeaders`], the owned fields the store keeps.

use actix_web::http::header::HeaderMap;

/// A read-only view of a request's or a response's header fields, the only thing the tag
/// store needs from an HTTP client.
///
/// Implemented for actix-web's (and awc's) [`HeaderMap`], for [`StoredHeaders`] and for
/// slices of `(name, value)` pairs; an adapter for another client (reqwest, hyper) implements
/// it for that client's header map in a few lines. Names are compared case-insensitively.
///
/// # Examples
///
/// ```
/// use etag_actix::client::HeaderSource;
///
/// let fields = [("ETag", "\"v1\""), ("Vary", "Accept"), ("vary", "Accept-Language")];
/// let mut vary = Vec::new();
/// fields[..].each_value("vary", &mut |value| vary.push(value.to_vec()));
/// assert_eq!(vary, [b"Accept".to_vec(), b"Accept-Language".to_vec()]);
/// ```
pub trait HeaderSource {
    /// Calls `f` with every field line: its name (in any case) and its raw value.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::HeaderSource;
    ///
    /// let mut count = 0;
    /// [("ETag", "\"v1\""), ("Vary", "Accept")][..].each(&mut |_, _| count += 1);
    /// assert_eq!(count, 2);
    /// ```
    fn each(&self, f: &mut dyn FnMut(&str, &[u8]));

    /// Calls `f` with every value of the field `name`, in order (one call per field line).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
    /// use etag_actix::client::HeaderSource;
    ///
    /// let mut map = HeaderMap::new();
    /// map.insert(HeaderName::from_static("etag"), HeaderValue::from_static("\"v1\""));
    /// let mut seen = Vec::new();
    /// map.each_value("ETag", &mut |value| seen.push(value.to_vec()));
    /// assert_eq!(seen, [b"\"v1\"".to_vec()]);
    /// ```
    fn each_value(&self, name: &str, f: &mut dyn FnMut(&[u8])) {
        self.each(&mut |field, value| {
            if field.eq_ignore_ascii_case(name) {
                f(value);
            }
        });
    }
}

impl HeaderSource for HeaderMap {
    fn each(&self, f: &mut dyn FnMut(&str, &[u8])) {
        for (name, value) in self.iter() {
            f(name.as_str(), value.as_bytes());
        }
    }

    fn each_value(&self, name: &str, f: &mut dyn FnMut(&[u8])) {
        // `get_all` with a name that is not a valid header name finds nothing.
        for value in self.get_all(name) {
            f(value.as_bytes());
        }
    }
}

impl<N: AsRef<str>, V: AsRef<[u8]>> HeaderSource for [(N, V)] {
    fn each(&self, f: &mut dyn FnMut(&str, &[u8])) {
        for (name, value) in self {
            f(name.as_ref(), value.as_ref());
        }
    }
}

impl HeaderSource for StoredHeaders {
    fn each(&self, f: &mut dyn FnMut(&str, &[u8])) {
        for (name, value) in &self.fields {
            f(name, value);
        }
    }
}

/// The header fields kept with a stored response: every field of the response except
/// those a cache must not store or that describe the transfer rather than the
/// representation (RFC 9111 §3.1): `Connection` and the fields it lists, `Keep-Alive`,
/// `Proxy-Connection`, `TE`, `Transfer-Encoding`, `Upgrade`, and `Content-Length` and
/// `Content-Encoding` (the body is kept as received, after any content decoding). Names
/// are kept in lower case.
///
/// # Examples
///
/// ```
/// use etag_actix::client::StoredHeaders;
///
/// let headers = StoredHeaders::from_response(&[
///     ("ETag", "\"v1\""),
///     ("Content-Length", "2"),
///     ("Connection", "close, X-Trace"),
///     ("X-Trace", "abc"),
/// ][..]);
/// assert_eq!(headers.get("etag"), Some(&b"\"v1\""[..]));
/// assert_eq!(headers.len(), 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct StoredHeaders {
    fields: Vec<(String, Vec<u8>)>,
}

impl StoredHeaders {
    /// The fields of `response` that a cache keeps (see the type's docs).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoredHeaders;
    ///
    /// let headers = StoredHeaders::from_response(&[("Transfer-Encoding", "chunked")][..]);
    /// assert!(headers.is_empty());
    /// ```
    pub fn from_response(response: &(impl HeaderSource + ?Sized)) -> Self {
        let skip = connection_fields(response);
        let mut fields = Vec::new();
        response.each(&mut |name, value| {
            let name = name.to_ascii_lowercase();
            if !is_excluded(&name, &skip) {
                fields.push((name, value.to_vec()));
            }
        });
        StoredHeaders { fields }
    }

    /// The first value of `name` (case-insensitive).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoredHeaders;
    ///
    /// let headers = StoredHeaders::from_response(&[("Cache-Control", "no-cache")][..]);
    /// assert_eq!(headers.get("cache-control"), Some(&b"no-cache"[..]));
    /// assert_eq!(headers.get("etag"), None);
    /// ```
    pub fn get(&self, name: &str) -> Option<&[u8]> {
        self.fields
            .iter()
            .find(|(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
    }

    /// Every field line as `(lower-case name, value)`, in the order received.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoredHeaders;
    ///
    /// let headers = StoredHeaders::from_response(&[("Vary", "Accept")][..]);
    /// let fields: Vec<_> = headers.iter().collect();
    /// assert_eq!(fields, [("vary", &b"Accept"[..])]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> + '_ {
        self.fields
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_slice()))
    }

    /// How many field lines are kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoredHeaders;
    ///
    /// assert_eq!(StoredHeaders::default().len(), 0);
    /// ```
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether no field is kept.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoredHeaders;
    ///
    /// assert!(StoredHeaders::default().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The bytes of every name and value: what the fields count towards the store's
    /// byte limit.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_actix::client::StoredHeaders;
    ///
    /// let headers = StoredHeaders::from_response(&[("etag", "\"v1\"")][..]);
    /// assert_eq!(headers.byte_size(), 4 + 4);
    /// ```
    pub fn byte_size(&self) -> usize {
        self.fields
            .iter()
            .map(|(name, value)| name.len() + value.len())
            .sum()
    }

    /// These fields updated by a `304 Not Modified` (RFC 9111 §3.2, §4.3.4): every field the
    /// 304 carries replaces all stored lines of that name (where the first of them was);
    /// the fields excluded from storage (see the type's docs) are not taken from it.
    pub(crate) fn updated_by(&self, not_modified: &(impl HeaderSource + ?Sized)) -> Self {
        let update = StoredHeaders::from_response(not_modified);
        let mut fields = Vec::with_capacity(self.fields.len() + update.fields.len());
        let mut placed: Vec<&str> = Vec::new();
        for (name, value) in &self.fields {
            if update.get(name).is_none() {
                fields.push((name.clone(), value.clone()));
            } else if !placed.contains(&name.as_str()) {
                placed.push(name);
                fields.extend(update.fields.iter().filter(|(n, _)| n == name).cloned());
            }
        }
        let new = update.fields.iter().filter(|(n, _)| self.get(n).is_none());
        fields.extend(new.cloned());
        StoredHeaders { fields }
    }
}

impl StoredHeaders {
    /// Whether a `304` carrying `not_modified` would leave these fields as they are: every
    /// field it carries (of those stored) has the same lines here, in the same order.
    pub(crate) fn unchanged_by(&self, not_modified: &(impl HeaderSource + ?Sized)) -> bool {
        let skip = connection_fields(not_modified);
        let mut unchanged = true;
        not_modified.each(&mut |name, _| {
            if !unchanged || is_excluded_any_case(name, &skip) {
                return;
            }
            let mut lines = 0;
            not_modified.each_value(name, &mut |value| {
                unchanged &= self.values(name).nth(lines) == Some(value);
                lines += 1;
            });
            unchanged &= self.values(name).count() == lines;
        });
        unchanged
    }

    fn values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.fields
            .iter()
            .filter(move |(field, _)| field.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_slice())
    }
}

/// The fields of a response that are hop-by-hop or transfer details, never stored.
const NEVER_STORED: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "content-encoding",
];

fn is_excluded(lower_name: &str, connection_listed: &[String]) -> bool {
    NEVER_STORED.contains(&lower_name) || connection_listed.iter().any(|n| n == lower_name)
}

fn is_excluded_any_case(name: &str, connection_listed: &[String]) -> bool {
    NEVER_STORED.iter().any(|n| n.eq_ignore_ascii_case(name))
        || connection_listed
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
}

/// The field names listed in `Connection` (lower case): hop-by-hop, never stored.
fn connection_fields(response: &(impl HeaderSource + ?Sized)) -> Vec<String> {
    let mut names = Vec::new();
    response.each_value("connection", &mut |value| {
        for name in value.split(|&b| b == b',') {
            let name = trim(name);
            if !name.is_empty() {
                names.push(String::from_utf8_lossy(name).to_ascii_lowercase());
            }
        }
    });
    names
}

/// `bytes` without leading and trailing spaces and tabs (OWS).
pub(crate) fn trim(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_304_replaces_every_line_of_the_fields_it_carries_and_keeps_the_rest() {
        let stored = StoredHeaders::from_response(
            &[
                ("ETag", "\"v1\""),
                ("Cache-Control", "no-cache"),
                ("X-Tag", "a"),
                ("X-Tag", "b"),
                ("Content-Type", "application/json"),
            ][..],
        );
        let updated = stored.updated_by(
            &[
                ("x-tag", "c"),
                ("Cache-Control", "max-age=5"),
                ("Content-Length", "0"),
                ("Connection", "keep-alive"),
                ("X-New", "n"),
            ][..],
        );
        let fields: Vec<_> = updated.iter().collect();
        assert_eq!(
            fields,
            [
                ("etag", &b"\"v1\""[..]),
                ("cache-control", b"max-age=5"),
                ("x-tag", b"c"),
                ("content-type", b"application/json"),
                ("x-new", b"n"),
            ]
        );
    }

    #[test]
    fn a_304_repeating_the_stored_fields_changes_nothing() {
        let stored = StoredHeaders::from_response(
            &[
                ("ETag", "\"v1\""),
                ("Vary", "a"),
                ("Vary", "b"),
                ("Content-Type", "application/json"),
            ][..],
        );
        for same in [
            &[("etag", "\"v1\""), ("vary", "a"), ("VARY", "b")][..],
            &[
                ("ETag", "\"v1\""),
                ("Content-Length", "0"),
                ("Connection", "x-hop"),
                ("X-Hop", "1"),
            ],
            &[],
        ] {
            assert!(stored.unchanged_by(same), "{same:?}");
            assert_eq!(stored.updated_by(same), stored, "{same:?}");
        }
        for other in [
            &[("ETag", "\"v2\"")][..],
            &[("Vary", "a")],
            &[("Vary", "b"), ("Vary", "a")],
            &[("Vary", "a"), ("Vary", "b"), ("Vary", "c")],
            &[("Date", "Sun, 06 Nov 1994 08:49:37 GMT")],
        ] {
            assert!(!stored.unchanged_by(other), "{other:?}");
            assert_ne!(stored.updated_by(other), stored, "{other:?}");
        }
    }

    #[test]
    fn fields_named_by_connection_are_not_stored() {
        let stored = StoredHeaders::from_response(
            &[
                ("Connection", " X-A , ,x-b"),
                ("X-A", "1"),
                ("X-B", "2"),
                ("X-C", "3"),
            ][..],
        );
        assert_eq!(stored.iter().collect::<Vec<_>>(), [("x-c", &b"3"[..])]);
    }

    #[test]
    fn trim_removes_only_ows() {
        assert_eq!(trim(b" \t a b\t "), b"a b");
        assert_eq!(trim(b"   "), b"");
    }
}
