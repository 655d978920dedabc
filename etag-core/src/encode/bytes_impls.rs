//! [`EncodeTag`] for `bytes::Bytes` and `bytes::BytesMut` (feature `bytes`): the count as
//! `u64`, then the bytes, exactly as `[u8]` and `Vec<u8>`.

use bytes::{Bytes, BytesMut};

use super::{EncodeTag, TagEncoder};

impl EncodeTag for Bytes {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        self.as_ref().encode_tag(enc);
    }
}

impl EncodeTag for BytesMut {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        self.as_ref().encode_tag(enc);
    }
}
