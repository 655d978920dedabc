//! [`EncodeTag`] for `uuid::Uuid` (feature `uuid`): its 16 bytes in the order of
//! `Uuid::as_bytes`, with no count.

use uuid::Uuid;

use super::{EncodeTag, TagEncoder};

impl EncodeTag for Uuid {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_raw(self.as_bytes());
    }
}
