//! Tag encoding, version 1: how a value becomes a byte stream, and the stream a tag.
//!
//! A derived entity tag is a documented function of the values it covers. Every instance of
//! a service, on any platform, built with any Rust version, computes the same tag for the
//! same data, and so can a program in another language that follows this page. Nothing here
//! goes through [`std::hash::Hash`], whose output may change between releases.
//!
//! # From stream to tag
//!
//! A value is written as a byte stream *S*. The tag's opaque part is
//!
//! ```text
//! opaque = base64url-without-padding( SHA-1( S ) )
//! ```
//!
//! with the URL-safe alphabet of RFC 4648 §5 (`A`–`Z`, `a`–`z`, `0`–`9`, `-`, `_`) and no `=`
//! padding, so it is always 27 characters, all of them `etagc`. The header value is
//! `"opaque"` for a strong tag and `W/"opaque"` for a weak one. [`TagEncoder`] writes S and
//! computes the tag; SHA-1 serves as a fingerprint here, not as a security measure.
//!
//! A tag is weak when its type is marked `#[etag(weak)]`, and also when S contains a value
//! of such a type (an element of a list, an `Option`'s value, a field): a strong tag states
//! that the hashed values determine every byte of the representation, and a weak member's
//! do not. An empty list or a `None` of a weak type contains no such value; its
//! representation is determined, and its tag stays strong. Weakness never changes S, only
//! the `W/` prefix.
//!
//! # The stream of a derived type
//!
//! For a type with `#[derive(ETag)]`, S is:
//!
//! 1. `str(salt)` if the type has `#[etag(salt = "...")]`;
//! 2. for an enum, `str(variant name)`;
//! 3. then, for every selected field in declaration order, `str(field name)` followed by
//!    `enc(value)` for a named field, or `enc(value)` alone for a tuple field.
//!
//! A unit struct or unit variant adds nothing after steps 1 and 2. Names are written as
//! declared, without a raw-identifier `r#` prefix. When a type has fields with a bare
//! `#[etag]`, exactly those are selected; otherwise every field but those marked
//! `#[etag(skip)]` is. A field marked `#[etag(last_modified)]` feeds `Last-Modified` and
//! follows the same rule: in the all-fields mode it is hashed like any other field, in
//! declaration order (the representation shows it, so a strong tag must change with it);
//! with a selection, only if it is selected too. A field whose type derives `ETag`
//! contributes its own S, salt included.
//!
//! # `enc` by type
//!
//! Integers are little-endian; `str(x)` below means the UTF-8 length of `x` in bytes as a
//! `u64`, then its UTF-8 bytes; "count" is the number of elements as a `u64`.
//!
//! | Type | `enc(value)` |
//! |------|--------------|
//! | `bool` | one byte: `00` or `01` |
//! | `u8`, `i8` | 1 byte |
//! | `u16`, `i16` | 2 bytes |
//! | `u32`, `i32` | 4 bytes |
//! | `u64`, `i64` | 8 bytes |
//! | `u128`, `i128` | 16 bytes |
//! | `usize`, `isize` | 8 bytes, as `u64` / `i64` |
//! | `f32`, `f64` | the value as an `f64`, its 8 IEEE 754 bytes; `-0.0` is written as `0.0` and every NaN as `0x7FF8000000000000` |
//! | `str`, `String` | `str(value)` |
//! | `char` | `str` of the one-character string |
//! | `Option<T>` | `00` for `None`; `01` then `enc(v)` for `Some(v)` |
//! | `[T]`, `[T; N]`, `Vec<T>`, `VecDeque<T>` | count, then each element in order |
//! | `BTreeSet<T>` | count, then each element in ascending order |
//! | `BTreeMap<K, V>` | count, then `enc(k) enc(v)` for each entry in ascending key order |
//! | `HashMap<K, V, S>` | count, then the byte strings `enc(k) enc(v)` of all entries, sorted bytewise |
//! | `HashSet<T, S>` | count, then the byte strings `enc(t)` of all elements, sorted bytewise |
//! | `(A, B, ...)` (up to 12) | each element in order; `()` writes nothing |
//! | `&T`, `&mut T`, `Box<T>`, `Rc<T>`, `Arc<T>`, `Cow<'_, T>` | `enc` of the `T` |
//! | `SystemTime` | an *instant*: seconds since 1970-01-01T00:00:00Z as `i64`, rounded down, then the nanoseconds into that second as `u32` |
//! | `Duration` | whole seconds as `u64`, then the nanoseconds as `u32` |
//! | a type deriving `ETag` | its stream S, as above |
//!
//! "Sorted bytewise" compares whole encodings lexicographically as unsigned bytes, a proper
//! prefix first. For a `HashMap<String, _>` that puts shorter keys first (the length prefix is
//! compared before the text); that is intended, and it keeps the iteration order of a hash
//! table, which varies from run to run, out of the tag. `BTreeMap` and `BTreeSet` follow the
//! element type's `Ord`: bytewise for strings, numeric for integers.
//!
//! The encoding is not self-describing: `5u32` and `5i32` give the same four bytes, and
//! `Some(x)` the same bytes as the tuple `(true, x)`. The field names and the declaration
//! order of a derived type supply the structure, and every sequence carries its count, so
//! `[[1], [2, 3]]` and `[[1, 2], [3]]` differ.
//!
//! # Types from other crates
//!
//! Each behind the etag-core feature of the crate's name.
//!
//! | Type | `enc(value)` |
//! |------|--------------|
//! | `uuid::Uuid` | its 16 bytes in the order of `Uuid::as_bytes` (no count) |
//! | `chrono::DateTime<Tz>` | the instant, as for `SystemTime` (the offset is not written) |
//! | `time::OffsetDateTime`, `time::UtcDateTime` | the instant, as for `SystemTime` (the offset is not written) |
//! | `chrono::NaiveDate`, `time::Date` | the year as `i32`, the month (1–12) as `u8`, the day (1–31) as `u8` |
//! | `chrono::NaiveTime`, `time::Time` | hour, minute and second as one `u8` each, then the nanoseconds as `u32` |
//! | `chrono::NaiveDateTime`, `time::PrimitiveDateTime` | the date, then the time, as in the two rows above |
//! | `serde_json::Value` | one type byte, then the payload (below) |
//! | `serde_json::Map<String, Value>` | count, then `str(key) enc(value)` for each entry in ascending bytewise key order, whatever the map's own order |
//! | `serde_json::Number` | `02` then a `u64` if it is a non-negative integer that fits; `03` then an `i64` if it is a negative one that fits; `04` then the `f64` encoding if it is a float; otherwise (`arbitrary_precision` only) `05` then `str` of its text |
//! | `rust_decimal::Decimal` | the normalized value (trailing zeros stripped, `-0` as `0`): its mantissa as `i128`, then its scale as `u32` |
//! | `bytes::Bytes`, `bytes::BytesMut` | count, then the bytes: the same as `Vec<u8>` |
//!
//! A `serde_json::Value` is `00` for `null`; `01` then the `bool` for a boolean; the
//! `Number` encoding above for a number; `06` then `str(s)` for a string; `07`, count, then
//! each element for an array; `08` then the `Map` encoding for an object. So `1` and `1.0`
//! differ (as their JSON text does), `1.50` and `1.5` as `Decimal`s do not (as `Decimal`'s
//! `Eq` says), and two objects with the same members in a different order are equal.
//!
//! Instants are compared across crates on purpose: a `SystemTime`, a `chrono::DateTime<Utc>`
//! and a `time::OffsetDateTime` for the same instant give the same 12 bytes. chrono's
//! leap-second values carry 1 000 000 000 or more nanoseconds and are written as they are.
//! A tag that must change with the offset of a date-time needs the offset as a field of its
//! own.
//!
//! # Reference vectors
//!
//! - the empty stream: `2jmj7l5rSw0yVb_vlWAYkK_YBwk`;
//! - a struct `Product { id: u64, name: String, price_cents: u32, tags: Vec<String>,
//!   discontinued: bool, rating: Option<f64> }` holding `42, "Widget", 1299, ["a", "b"],
//!   false, Some(4.5)`, with no attributes: `TDKG_J_zAnfB_QxdsNxfk6sLgBc`. Its 149-byte
//!   stream, in hex:
//!
//! ```text
//! 0200000000000000 6964                      str("id")
//! 2a00000000000000                           42u64
//! 0400000000000000 6e616d65                  str("name")
//! 0600000000000000 576964676574              str("Widget")
//! 0b00000000000000 70726963655f63656e7473    str("price_cents")
//! 13050000                                   1299u32
//! 0400000000000000 74616773                  str("tags")
//! 0200000000000000                           count 2
//! 0100000000000000 61 0100000000000000 62    str("a") str("b")
//! 0c00000000000000 646973636f6e74696e756564  str("discontinued")
//! 00                                         false
//! 0600000000000000 726174696e67              str("rating")
//! 01 0000000000001240                        Some, 4.5f64
//! ```
//!
//! ```
//! use etag_core::TagEncoder;
//!
//! let mut enc = TagEncoder::new();
//! enc.field("id", &42u64);
//! enc.field("name", "Widget");
//! enc.field("price_cents", &1299u32);
//! enc.field("tags", &vec!["a".to_string(), "b".to_string()]);
//! enc.field("discontinued", &false);
//! enc.field("rating", &Some(4.5f64));
//! assert_eq!(enc.finish().to_string(), "\"TDKG_J_zAnfB_QxdsNxfk6sLgBc\"");
//! ```
//!
//! # Your own types
//!
//! Derive `ETag` where you can. A hand-written [`EncodeTag`] impl should write its parts with
//! the methods of [`TagEncoder`] in a fixed order, a count before any variable-length run
//! ([`TagEncoder::encode_seq`]), and hash-ordered contents sorted
//! ([`TagEncoder::encode_unordered`]), so that its bytes depend on the value alone.

#[cfg(feature = "bytes")]
mod bytes_impls;
#[cfg(any(feature = "chrono", feature = "time"))]
mod calendar;
#[cfg(feature = "chrono")]
mod chrono_impls;
#[cfg(feature = "rust_decimal")]
mod decimal_impls;
mod etag_trait;
mod hash_sink;
#[cfg(feature = "serde_json")]
mod json_impls;
mod std_impls;
mod system_time;
mod tag_encoder;
#[cfg(feature = "time")]
mod time_impls;
#[cfg(feature = "uuid")]
mod uuid_impls;

pub use etag_trait::{ETag, ModificationTime};
pub use tag_encoder::TagEncoder;

/// A value with a canonical encoding `enc(value)` (tag encoding version 1, see the
/// [module docs](self)).
///
/// `#[derive(ETag)]` implements it for your models: a derived type's `enc` is its stream S.
/// Implement it by hand only for types that cannot derive it, writing a fixed sequence of
/// parts through the [`TagEncoder`]. A type whose encoding leaves out something its
/// representation shows calls [`TagEncoder::mark_weak`] as well, so that every tag that
/// covers one of its values is weak.
///
/// # Examples
///
/// ```
/// use etag_core::{EncodeTag, TagEncoder};
///
/// /// A version stamp shown as "major.minor".
/// struct Version {
///     major: u32,
///     minor: u32,
/// }
///
/// impl EncodeTag for Version {
///     fn encode_tag(&self, enc: &mut TagEncoder) {
///         enc.encode(&self.major);
///         enc.encode(&self.minor);
///     }
/// }
///
/// let mut enc = TagEncoder::buffered();
/// enc.encode(&Version { major: 1, minor: 2 });
/// assert_eq!(enc.into_bytes(), Some(vec![1, 0, 0, 0, 2, 0, 0, 0]));
/// ```
pub trait EncodeTag {
    /// Writes `enc(self)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{EncodeTag, TagEncoder};
    ///
    /// let mut enc = TagEncoder::buffered();
    /// 'a'.encode_tag(&mut enc);
    /// assert_eq!(enc.into_bytes(), Some(vec![1, 0, 0, 0, 0, 0, 0, 0, b'a']));
    /// ```
    fn encode_tag(&self, enc: &mut TagEncoder);

    /// Writes `enc` of each item in order, with no count.
    ///
    /// Sequences call this for their elements. The default calls
    /// [`encode_tag`](Self::encode_tag) per item; the integer, float and `bool` impls
    /// override it to write the same bytes in larger pieces. An override must not change the
    /// bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::{EncodeTag, TagEncoder};
    ///
    /// let mut enc = TagEncoder::buffered();
    /// u16::encode_tag_slice(&[1, 2], &mut enc);
    /// assert_eq!(enc.into_bytes(), Some(vec![1, 0, 2, 0]));
    /// ```
    fn encode_tag_slice(items: &[Self], enc: &mut TagEncoder)
    where
        Self: Sized,
    {
        for item in items {
            item.encode_tag(enc);
        }
    }
}
