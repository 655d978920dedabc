//! [`TagEncoder`]: writes a stream S and turns it into a tag.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha1::{Digest as _, Sha1};

use super::EncodeTag;
use super::hash_sink::HashSink;
use crate::entity_tag::EntityTag;

/// Writes the canonical byte stream S of a value and turns it into an entity tag.
///
/// An encoder either hashes S as it is written ([`new`](Self::new), the normal case: no
/// allocation until the tag itself) or keeps it in memory ([`buffered`](Self::buffered), for
/// tests, debugging and sorting hash-ordered contents). Both give the same tag.
///
/// # Examples
///
/// ```
/// use etag_core::TagEncoder;
///
/// let mut enc = TagEncoder::new();
/// enc.field("id", &7u64);
/// enc.field("version", &3u32);
/// let tag = enc.finish();
/// assert!(!tag.is_weak());
/// assert_eq!(tag.opaque().len(), 27);
/// ```
#[derive(Clone)]
pub struct TagEncoder {
    sink: Sink,
    /// A weak value was written: the tag will be weak.
    weak: bool,
}

/// Where the stream goes.
#[derive(Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "the hashing sink is the common case and must not allocate"
)]
enum Sink {
    Hash(HashSink),
    Buffer(Vec<u8>),
}

impl TagEncoder {
    /// An encoder that hashes the stream with SHA-1 as it is written.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// // The empty stream.
    /// assert_eq!(TagEncoder::new().finish().opaque(), "2jmj7l5rSw0yVb_vlWAYkK_YBwk");
    /// ```
    #[must_use]
    pub fn new() -> Self {
        Self {
            sink: Sink::Hash(HashSink::new()),
            weak: false,
        }
    }

    /// An encoder that keeps the stream in memory, so that [`into_bytes`](Self::into_bytes)
    /// can return it: for tests, debugging, and checking another implementation of the
    /// encoding byte by byte. Its tag is the same as that of [`new`](Self::new).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.encode(&Some(1u16));
    /// assert_eq!(enc.into_bytes(), Some(vec![1, 1, 0]));
    /// ```
    #[must_use]
    pub fn buffered() -> Self {
        Self {
            sink: Sink::Buffer(Vec::new()),
            weak: false,
        }
    }

    /// Records that the value being written does not determine every byte of its
    /// representation, so that the tag of this stream is weak.
    ///
    /// `#[derive(ETag)]` calls it when it writes a type marked `#[etag(weak)]`, so whatever
    /// holds such a value (a `Vec` of them, an `Option`, a struct with one as a field) gets a
    /// weak tag too: the whole cannot promise what a member does not. A hand-written
    /// [`EncodeTag`] impl for a weak type calls it too. It writes no bytes, so the stream,
    /// and the opaque part of the tag, stay the same.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::new();
    /// enc.encode("summary");
    /// enc.mark_weak();
    /// assert!(enc.is_marked_weak());
    /// assert_eq!(enc.finish().to_string(), "W/\"fPsogHq-aJjsHWXu_5vTft95pkg\"");
    /// ```
    #[inline]
    pub fn mark_weak(&mut self) {
        self.weak = true;
    }

    /// Whether [`mark_weak`](Self::mark_weak) was called for anything written so far.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.encode(&vec![1u8, 2]);
    /// assert!(!enc.is_marked_weak());
    /// ```
    #[must_use]
    pub fn is_marked_weak(&self) -> bool {
        self.weak
    }

    /// Writes raw bytes, with no length prefix.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.write_raw(b"ab");
    /// assert_eq!(enc.into_bytes(), Some(b"ab".to_vec()));
    /// ```
    #[inline(always)]
    pub fn write_raw(&mut self, bytes: &[u8]) {
        match &mut self.sink {
            Sink::Hash(hasher) => hasher.write(bytes),
            Sink::Buffer(buffer) => extend(buffer, bytes),
        }
    }

    /// Writes one byte.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.write_u8(0xff);
    /// assert_eq!(enc.into_bytes(), Some(vec![0xff]));
    /// ```
    #[inline(always)]
    pub fn write_u8(&mut self, byte: u8) {
        self.write_raw(&[byte]);
    }

    /// Writes a `u64` as 8 bytes, little-endian: the form of every count and length.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.write_u64(258);
    /// assert_eq!(enc.into_bytes(), Some(vec![2, 1, 0, 0, 0, 0, 0, 0]));
    /// ```
    #[inline(always)]
    pub fn write_u64(&mut self, value: u64) {
        self.write_raw(&value.to_le_bytes());
    }

    /// Writes a length or count (as a `u64`).
    #[inline(always)]
    pub(crate) fn write_len(&mut self, len: usize) {
        // usize is at most 64 bits on every target Rust supports.
        self.write_u64(len as u64);
    }

    /// Writes `str(s)`: the length in bytes as a `u64`, then the UTF-8 bytes.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.write_str("é");
    /// assert_eq!(enc.into_bytes(), Some(vec![2, 0, 0, 0, 0, 0, 0, 0, 0xc3, 0xa9]));
    /// ```
    #[inline(always)]
    pub fn write_str(&mut self, s: &str) {
        self.write_len(s.len());
        self.write_raw(s.as_bytes());
    }

    /// Writes `enc(value)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.encode(&(true, 2u8));
    /// enc.encode("x");
    /// assert_eq!(enc.into_bytes(), Some(vec![1, 2, 1, 0, 0, 0, 0, 0, 0, 0, b'x']));
    /// ```
    #[inline(always)]
    pub fn encode<T: EncodeTag + ?Sized>(&mut self, value: &T) {
        value.encode_tag(self);
    }

    /// Writes one named field: `str(name)`, then `enc(value)`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.field("n", &1u8);
    /// assert_eq!(enc.into_bytes(), Some(vec![1, 0, 0, 0, 0, 0, 0, 0, b'n', 1]));
    /// ```
    #[inline(always)]
    pub fn field<T: EncodeTag + ?Sized>(&mut self, name: &str, value: &T) {
        self.write_str(name);
        value.encode_tag(self);
    }

    /// Writes a sequence: its length as a `u64`, then each item.
    ///
    /// This is the encoding of `Vec` and slices, for collections that etag-core does not know.
    /// The count is taken from [`ExactSizeIterator::len`], so the iterator must report it
    /// truthfully.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut a = TagEncoder::new();
    /// a.encode_seq([1u32, 2, 3].iter());
    /// let mut b = TagEncoder::new();
    /// b.encode(&vec![1u32, 2, 3]);
    /// assert_eq!(a.finish(), b.finish());
    /// ```
    pub fn encode_seq<I>(&mut self, items: I)
    where
        I: IntoIterator,
        I::IntoIter: ExactSizeIterator,
        I::Item: EncodeTag,
    {
        let items = items.into_iter();
        self.write_len(items.len());
        for item in items {
            item.encode_tag(self);
        }
    }

    /// Writes a collection whose iteration order means nothing (a hash set or map): the
    /// number of items as a `u64`, then the items' encodings sorted bytewise.
    ///
    /// This is the encoding of `HashSet` and, with `(key, value)` pairs as items, of
    /// `HashMap`. Each item is encoded into a scratch buffer first, so this allocates.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut a = TagEncoder::new();
    /// a.encode_unordered([("b", 2u8), ("a", 1u8)]);
    /// let mut b = TagEncoder::new();
    /// b.encode_unordered([("a", 1u8), ("b", 2u8)]);
    /// assert_eq!(a.finish(), b.finish());
    /// ```
    pub fn encode_unordered<I>(&mut self, items: I)
    where
        I: IntoIterator,
        I::Item: EncodeTag,
    {
        let items = items.into_iter();
        let mut ends = Vec::with_capacity(items.size_hint().0);
        let mut inner = Self::buffered();
        for item in items {
            item.encode_tag(&mut inner);
            ends.push(inner.buffered_len());
        }
        self.weak |= inner.weak;
        let scratch = inner.into_bytes().unwrap_or_default();
        self.write_sorted(&scratch, &ends);
    }

    /// Bytes held by a buffering encoder (0 for a hashing one).
    fn buffered_len(&self) -> usize {
        match &self.sink {
            Sink::Hash(_) => 0,
            Sink::Buffer(buffer) => buffer.len(),
        }
    }

    /// Writes the count, then the pieces `scratch[previous end..end]` in bytewise order.
    fn write_sorted(&mut self, scratch: &[u8], ends: &[usize]) {
        let mut pieces: Vec<&[u8]> = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in ends {
            pieces.push(scratch.get(start..end).unwrap_or_default());
            start = end;
        }
        // Equal pieces are identical bytes, so an unstable sort is deterministic.
        pieces.sort_unstable();
        self.write_len(pieces.len());
        for piece in pieces {
            self.write_raw(piece);
        }
    }

    /// The stream written so far, if this encoder is [`buffered`](Self::buffered); `None` for
    /// a hashing encoder, which does not keep it. Meant for tests and debugging.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::buffered();
    /// enc.encode(&-1i16);
    /// assert_eq!(enc.into_bytes(), Some(vec![0xff, 0xff]));
    /// assert_eq!(TagEncoder::new().into_bytes(), None);
    /// ```
    #[must_use]
    pub fn into_bytes(self) -> Option<Vec<u8>> {
        match self.sink {
            Sink::Hash(_) => None,
            Sink::Buffer(buffer) => Some(buffer),
        }
    }

    /// The tag of the stream: `"base64url(SHA-1(S))"`, weak when `weak` is true or a weak
    /// value was written ([`mark_weak`](Self::mark_weak)).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let tag = TagEncoder::new().finish_tag(true);
    /// assert_eq!(tag.to_string(), "W/\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\"");
    /// ```
    #[must_use]
    pub fn finish_tag(mut self, weak: bool) -> EntityTag {
        let digest = match &mut self.sink {
            Sink::Hash(hasher) => hasher.finalize(),
            Sink::Buffer(buffer) => Sha1::digest(buffer),
        };
        tag_from_digest(weak || self.weak, &digest)
    }

    /// The tag of the stream: `"base64url(SHA-1(S))"`, strong unless a weak value was written
    /// ([`mark_weak`](Self::mark_weak)).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::new();
    /// enc.encode("hello");
    /// let tag = enc.finish();
    /// assert_eq!(tag.to_string(), "\"d9jUWcX6t4OGLuy3StSlOv0ExF0\"");
    /// ```
    #[must_use]
    pub fn finish(self) -> EntityTag {
        self.finish_tag(false)
    }

    /// The weak tag of the stream: `W/"base64url(SHA-1(S))"`.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_core::TagEncoder;
    ///
    /// let mut enc = TagEncoder::new();
    /// enc.encode("hello");
    /// assert_eq!(enc.finish_weak().to_string(), "W/\"d9jUWcX6t4OGLuy3StSlOv0ExF0\"");
    /// ```
    #[must_use]
    pub fn finish_weak(self) -> EntityTag {
        self.finish_tag(true)
    }
}

impl Default for TagEncoder {
    /// The same as [`TagEncoder::new`].
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for TagEncoder {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut debug = f.debug_struct("TagEncoder");
        match &self.sink {
            Sink::Hash(_) => debug.field("sink", &"sha1"),
            Sink::Buffer(buffer) => debug.field("buffered", &buffer.len()),
        };
        if self.weak {
            debug.field("weak", &true);
        }
        debug.finish()
    }
}

/// Appends to a buffering encoder's stream (kept out of line: the hashing path is the hot one).
#[inline(never)]
fn extend(buffer: &mut Vec<u8>, bytes: &[u8]) {
    buffer.extend_from_slice(bytes);
}

/// Builds the tag from a SHA-1 digest: 20 bytes give 27 base64url characters.
fn tag_from_digest(weak: bool, digest: &[u8]) -> EntityTag {
    let mut text = [0u8; 27];
    if let Ok(len) = URL_SAFE_NO_PAD.encode_slice(digest, &mut text)
        && let Some(Ok(opaque)) = text.get(..len).map(core::str::from_utf8)
    {
        return EntityTag::new_unchecked(weak, opaque);
    }
    // Not reached: a 20-byte digest always fits. Kept so that nothing here can panic.
    EntityTag::new_unchecked(weak, &URL_SAFE_NO_PAD.encode(digest))
}
