//! The suffix scheme: how a handler's tag is sent for each content-coding, and how the tags
//! a client sends back are read (see `CompressTags` for the rules).

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};
use actix_web::web::Bytes;
use etag_core::{EntityTagRef, TagList};

use crate::conditions::Lines;

/// A content-coding whose suffix the layer writes and recognises.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Coding {
    Br,
    Gzip,
    Deflate,
    Zstd,
}

/// The coding a tag stands for: `None` is identity.
pub(super) type Variant = Option<Coding>;

/// The suffix of an identity body's tag that would otherwise end in a coding's suffix.
const IDENTITY: &[u8] = b"identity";

impl Coding {
    /// Every coding, in the order `Compress` lists them.
    pub(super) const ALL: [Coding; 4] = [Coding::Br, Coding::Gzip, Coding::Deflate, Coding::Zstd];

    /// The coding's name, as in `Content-Encoding` and in the suffix.
    pub(super) fn name(self) -> &'static str {
        match self {
            Coding::Br => "br",
            Coding::Gzip => "gzip",
            Coding::Deflate => "deflate",
            Coding::Zstd => "zstd",
        }
    }

    /// The coding a `Content-Encoding` value names (case-insensitive, trimmed).
    pub(super) fn from_name(value: &[u8]) -> Option<Coding> {
        let value = value.trim_ascii();
        Coding::ALL
            .into_iter()
            .find(|c| c.name().as_bytes().eq_ignore_ascii_case(value))
    }
}

/// A suffix found at the end of an opaque part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Suffix {
    Coding(Coding),
    Identity,
}

/// The known suffix of `opaque` and the part before it.
fn split_suffix(opaque: &[u8]) -> Option<(&[u8], Suffix)> {
    let dot = opaque.iter().rposition(|&b| b == b'.')?;
    let (stem, last) = (opaque.get(..dot)?, opaque.get(dot + 1..)?);
    let suffix = if last == IDENTITY {
        Suffix::Identity
    } else {
        Suffix::Coding(
            Coding::ALL
                .into_iter()
                .find(|c| c.name().as_bytes() == last)?,
        )
    };
    Some((stem, suffix))
}

/// The handler's opaque part of a tag the layer sent, and the coding it was sent for: the
/// inverse of [`sent_as`]. A tag the layer cannot have sent (`"x.identity"` where `x` has no
/// known suffix) is taken as it is, for identity.
pub(super) fn decode(opaque: &[u8]) -> (&[u8], Variant) {
    match split_suffix(opaque) {
        Some((stem, Suffix::Identity)) if split_suffix(stem).is_some() => (stem, None),
        Some((stem, Suffix::Coding(coding))) => (stem, Some(coding)),
        _ => (opaque, None),
    }
}

/// The suffix a handler's tag is sent with for `variant`, if any: a strong tag of an encoded
/// body gets `.coding`; any other tag (identity body, or weak: a weak tag does not promise
/// byte equality) that already ends in a known suffix gets `.identity`, so that it cannot be
/// read as another coding's tag.
fn suffix_for(opaque: &[u8], weak: bool, variant: Variant) -> Option<&'static [u8]> {
    match variant {
        Some(coding) if !weak => Some(coding.name().as_bytes()),
        _ if split_suffix(opaque).is_some() => Some(IDENTITY),
        _ => None,
    }
}

/// The header value a handler's tag is sent as for `variant`, when it differs from the tag.
pub(super) fn sent_as(opaque: &[u8], weak: bool, variant: Variant) -> Option<Vec<u8>> {
    let suffix = suffix_for(opaque, weak, variant)?;
    let mut out = Vec::with_capacity(opaque.len() + suffix.len() + 5);
    if weak {
        out.extend_from_slice(b"W/");
    }
    out.push(b'"');
    out.extend_from_slice(opaque);
    out.push(b'.');
    out.extend_from_slice(suffix);
    out.push(b'"');
    Some(out)
}

/// Rewrites the response's `ETag` to the tag of `variant` (see [`sent_as`]).
pub(super) fn tag_for(headers: &mut HeaderMap, variant: Variant) {
    let Some(value) = headers.get(header::ETAG) else {
        return;
    };
    let Ok(tag) = EntityTagRef::parse(value.as_bytes()) else {
        return;
    };
    if let Some(Ok(value)) = sent_as(tag.opaque(), tag.is_weak(), variant)
        .map(|out| HeaderValue::from_maybe_shared(Bytes::from(out)))
    {
        headers.insert(header::ETAG, value);
    }
}

/// How the members of an incoming condition are read.
#[derive(Clone, Copy, Debug)]
pub(super) enum Strip {
    /// The condition is about the resource, whatever variant the client holds (`If-Match`,
    /// `If-None-Match` on a write): every known suffix is stripped, from weak members too
    /// when `weak`.
    AnyCoding {
        /// Whether weak members are rewritten too.
        weak: bool,
    },
    /// `If-None-Match` on `GET`/`HEAD` asks whether the client holds the representation this
    /// request would get: members of identity and of the negotiated coding lose their
    /// suffix, strong and weak alike (a proxy that alters the body weakens the tag); members
    /// of other codings are dropped, they match nothing this request can be sent.
    Negotiated(Variant),
}

/// A member of an incoming condition as `strip` reads it: the handler's opaque part and
/// the variant the client holds.
fn read(strip: Strip, tag: EntityTagRef<'_>) -> (&[u8], Variant) {
    match strip {
        Strip::AnyCoding { weak: false } if tag.is_weak() => (tag.opaque(), None),
        _ => decode(tag.opaque()),
    }
}

/// The variants of the members kept by [`strip`] with [`Strip::Negotiated`], in the order of
/// the rewritten list; empty when the list was not rewritten (then every member is a tag
/// for identity, as it is).
#[derive(Debug, Default)]
pub(super) struct Members(Vec<Variant>);

impl Members {
    /// The variant of the `i`-th member of the rewritten list.
    pub(super) fn variant(&self, i: usize) -> Variant {
        self.0.get(i).copied().flatten()
    }
}

/// Rewrites the lines of `name` as `strip` says, into one line (members in order; a
/// malformed list or `*` is left alone). The rewritten value is written in one buffer
/// sized beforehand, and the members' variants in one more: no allocation per member.
pub(super) fn strip(headers: &mut HeaderMap, name: &HeaderName, strip: Strip) -> Members {
    let rewritten = {
        let lines = Lines::collect(headers.get_all(name));
        let lines = lines.as_slice();
        let Ok(list) = TagList::parse(lines) else {
            return Members::default();
        };
        if lines.is_empty() || list.is_any() {
            return Members::default();
        }
        let read = |tag| read(strip, tag);
        let dropped = |variant: Variant| match strip {
            Strip::Negotiated(negotiated) => variant.is_some() && variant != negotiated,
            Strip::AnyCoding { .. } => false,
        };
        // First pass: is anything rewritten, and how large is the result?
        let (mut changed, mut members, mut bytes) = (false, 0, 0);
        for tag in list.iter() {
            let (opaque, variant) = read(tag);
            if dropped(variant) {
                changed = true;
                continue;
            }
            changed |= opaque.len() != tag.opaque().len();
            members += 1;
            bytes += opaque.len() + 6; // `W/""` and `, `
        }
        if !changed {
            return Members::default();
        }
        // Second pass: write it.
        let mut out = Vec::with_capacity(bytes);
        let mut variants = Vec::with_capacity(members);
        for tag in list.iter() {
            let (opaque, variant) = read(tag);
            if dropped(variant) {
                continue;
            }
            if !out.is_empty() {
                out.extend_from_slice(b", ");
            }
            if tag.is_weak() {
                out.extend_from_slice(b"W/");
            }
            out.push(b'"');
            out.extend_from_slice(opaque);
            out.push(b'"');
            variants.push(variant);
        }
        // An emptied list stays present (an empty line is a valid, empty list), so that
        // `If-Modified-Since` stays ignored as RFC 9110 §13.1.3 wants.
        (out, variants)
    };
    let (out, variants) = rewritten;
    match HeaderValue::from_maybe_shared(Bytes::from(out)) {
        Ok(value) => {
            headers.insert(name.clone(), value);
            match strip {
                Strip::Negotiated(_) => Members(variants),
                Strip::AnyCoding { .. } => Members::default(),
            }
        }
        Err(_) => Members::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_suffix_knows_codings() {
        assert_eq!(
            split_suffix(b"abc.gzip"),
            Some((&b"abc"[..], Suffix::Coding(Coding::Gzip)))
        );
        assert_eq!(
            split_suffix(b"abc.br"),
            Some((&b"abc"[..], Suffix::Coding(Coding::Br)))
        );
        assert_eq!(split_suffix(b"abcgzip"), None);
        assert_eq!(split_suffix(b"abc.lz"), None);
        assert_eq!(
            split_suffix(b"abc.GZIP"),
            None,
            "suffixes are written in lower case"
        );
    }

    /// The opaque part a handler's tag is sent with, for a variant.
    fn sent(opaque: &str, variant: Variant) -> Vec<u8> {
        sent_as(opaque.as_bytes(), false, variant)
            .map(|quoted| quoted[1..quoted.len() - 1].to_vec())
            .unwrap_or_else(|| opaque.as_bytes().to_vec())
    }

    #[test]
    fn every_sent_tag_decodes_to_its_tag_and_coding() {
        let variants = [
            None,
            Some(Coding::Gzip),
            Some(Coding::Br),
            Some(Coding::Zstd),
            Some(Coding::Deflate),
        ];
        let tags = [
            "v1",
            "v1.gzip",
            "v1.identity",
            "v1.gzip.identity",
            "a.b",
            "gzip",
            ".br",
        ];
        let mut seen = std::collections::HashSet::new();
        for tag in tags {
            for variant in variants {
                let sent = sent(tag, variant);
                assert_eq!(
                    decode(&sent),
                    (tag.as_bytes(), variant),
                    "{tag} {variant:?}"
                );
                assert!(seen.insert(sent), "{tag} {variant:?} shares a sent tag");
            }
        }
    }

    #[test]
    fn tags_the_layer_never_sends_are_taken_as_they_are() {
        assert_eq!(decode(b"v1.identity"), (&b"v1.identity"[..], None));
        assert_eq!(decode(b"v1"), (&b"v1"[..], None));
    }

    #[test]
    fn weak_tags_get_no_coding_suffix() {
        assert_eq!(sent_as(b"w1", true, Some(Coding::Gzip)), None);
        assert_eq!(
            sent_as(b"w1.br", true, Some(Coding::Gzip)).as_deref(),
            Some(&b"W/\"w1.br.identity\""[..])
        );
    }

    #[test]
    fn stripping_rewrites_one_line_and_keeps_variants_in_order() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"a.gzip\", \"b.br\""),
        );
        headers.append(header::IF_NONE_MATCH, HeaderValue::from_static("W/\"c\""));
        let members = strip(
            &mut headers,
            &header::IF_NONE_MATCH,
            Strip::Negotiated(Some(Coding::Gzip)),
        );
        let lines: Vec<_> = headers.get_all(header::IF_NONE_MATCH).collect();
        assert_eq!(lines, ["\"a\", W/\"c\""]);
        assert_eq!(
            (members.variant(0), members.variant(1)),
            (Some(Coding::Gzip), None)
        );
    }

    #[test]
    fn nothing_to_strip_leaves_the_lines_alone() {
        let mut headers = HeaderMap::new();
        headers.append(header::IF_MATCH, HeaderValue::from_static("\"a\""));
        headers.append(header::IF_MATCH, HeaderValue::from_static("\"b\""));
        strip(
            &mut headers,
            &header::IF_MATCH,
            Strip::AnyCoding { weak: false },
        );
        assert_eq!(headers.get_all(header::IF_MATCH).count(), 2);
    }
}
