//! [`EncodeTag`] for `rust_decimal::Decimal` (feature `rust_decimal`).
//!
//! The value is normalized first (trailing zeros stripped, `-0` made `0`), then written as its
//! mantissa (`i128`, 16 bytes) and its scale (`u32`, 4 bytes). So `1.50` and `1.5` give the
//! same bytes, as `Decimal`'s own `Eq` says they are equal: `1.5` is mantissa 15, scale 1.

use rust_decimal::Decimal;

use super::{EncodeTag, TagEncoder};

impl EncodeTag for Decimal {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        let normal = self.normalize();
        enc.write_raw(&normal.mantissa().to_le_bytes());
        enc.write_raw(&normal.scale().to_le_bytes());
    }
}
