//! The canonical tag encoding, version 1. (Signatures fixed; bodies are being written.)

use std::time::SystemTime;

use crate::entity_tag::EntityTag;

/// Writes the canonical byte stream S of a value and turns it into a tag.
#[derive(Clone, Debug)]
pub struct TagEncoder {
    _private: (),
}

impl TagEncoder {
    /// A new encoder (SHA-1 over the stream).
    pub fn new() -> Self {
        todo!()
    }
    /// Raw bytes, no length prefix.
    pub fn write_raw(&mut self, bytes: &[u8]) {
        let _ = bytes;
        todo!()
    }
    /// `str(s)`: length in bytes as u64 LE, then the bytes.
    pub fn write_str(&mut self, s: &str) {
        let _ = s;
        todo!()
    }
    /// `enc(value)`.
    pub fn encode<T: EncodeTag + ?Sized>(&mut self, value: &T) {
        value.encode_tag(self);
    }
    /// `str(name)` then `enc(value)`: one named field.
    pub fn field<T: EncodeTag + ?Sized>(&mut self, name: &str, value: &T) {
        self.write_str(name);
        value.encode_tag(self);
    }
    /// The tag: `"base64url(sha1(S))"`, weak when `weak`.
    pub fn finish_tag(self, weak: bool) -> EntityTag {
        let _ = weak;
        todo!()
    }
}

/// A value with a canonical encoding `enc(value)`.
pub trait EncodeTag {
    /// Writes `enc(self)`.
    fn encode_tag(&self, enc: &mut TagEncoder);
}

/// A resource with an entity tag (and perhaps a modification time).
pub trait ETag {
    /// The current entity tag.
    fn etag(&self) -> EntityTag;
    /// The current modification time, for `Last-Modified`.
    fn last_modified(&self) -> Option<SystemTime> {
        None
    }
}

/// A field type that can feed `Last-Modified` (`#[etag(last_modified)]`).
pub trait ModificationTime {
    /// The time, if any.
    fn modification_time(&self) -> Option<SystemTime>;
}
