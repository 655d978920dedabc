//! [`EncodeTag`] for the primitives, strings, collections and smart pointers of `std`.
//!
//! The encodings are listed in the table of the [module docs](super).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::Arc;

use super::{EncodeTag, TagEncoder};

/// Size of the stack buffer through which slices of numbers are written.
const CHUNK: usize = 64;

/// Writes the encodings of `items` through a stack buffer, `W` bytes per item, so that a
/// long slice of numbers costs one hasher call per 64 bytes instead of one per item.
#[inline]
fn write_chunked<T, const W: usize>(
    items: &[T],
    enc: &mut TagEncoder,
    to_bytes: impl Fn(&T) -> [u8; W],
) {
    let mut buffer = [0u8; CHUNK];
    for chunk in items.chunks(CHUNK / W) {
        let mut len = 0;
        for (item, out) in chunk.iter().zip(buffer.chunks_exact_mut(W)) {
            out.copy_from_slice(&to_bytes(item));
            len += W;
        }
        enc.write_raw(buffer.get(..len).unwrap_or_default());
    }
}

/// The 8 bytes of a float: as an `f64`, `-0.0` folded into `0.0`, every NaN made canonical.
#[inline]
fn canonical_f64(value: f64) -> [u8; 8] {
    let bits = if value.is_nan() {
        0x7FF8_0000_0000_0000
    } else if value == 0.0 {
        0
    } else {
        value.to_bits()
    };
    bits.to_le_bytes()
}

macro_rules! encode_number {
    ($($ty:ty => $width:literal, |$v:ident| $bytes:expr;)*) => {$(
        impl EncodeTag for $ty {
            #[inline]
            fn encode_tag(&self, enc: &mut TagEncoder) {
                let $v = *self;
                enc.write_raw(&$bytes);
            }

            fn encode_tag_slice(items: &[Self], enc: &mut TagEncoder) {
                write_chunked::<Self, $width>(items, enc, |item| {
                    let $v = *item;
                    $bytes
                });
            }
        }
    )*};
}

encode_number! {
    bool => 1, |v| [u8::from(v)];
    i8 => 1, |v| v.to_le_bytes();
    u16 => 2, |v| v.to_le_bytes();
    i16 => 2, |v| v.to_le_bytes();
    u32 => 4, |v| v.to_le_bytes();
    i32 => 4, |v| v.to_le_bytes();
    u64 => 8, |v| v.to_le_bytes();
    i64 => 8, |v| v.to_le_bytes();
    u128 => 16, |v| v.to_le_bytes();
    i128 => 16, |v| v.to_le_bytes();
    // usize and isize are at most 64 bits on every target Rust supports.
    usize => 8, |v| (v as u64).to_le_bytes();
    isize => 8, |v| (v as i64).to_le_bytes();
    f32 => 8, |v| canonical_f64(f64::from(v));
    f64 => 8, |v| canonical_f64(v);
}

impl EncodeTag for u8 {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_u8(*self);
    }

    fn encode_tag_slice(items: &[Self], enc: &mut TagEncoder) {
        enc.write_raw(items);
    }
}

impl EncodeTag for str {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_str(self);
    }
}

impl EncodeTag for String {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_str(self);
    }
}

impl EncodeTag for char {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_str(self.encode_utf8(&mut [0; 4]));
    }
}

impl<T: EncodeTag> EncodeTag for Option<T> {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        match self {
            None => enc.write_u8(0),
            Some(value) => {
                enc.write_u8(1);
                value.encode_tag(enc);
            }
        }
    }
}

impl<T: EncodeTag> EncodeTag for [T] {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_len(self.len());
        T::encode_tag_slice(self, enc);
    }
}

impl<T: EncodeTag, const N: usize> EncodeTag for [T; N] {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        self.as_slice().encode_tag(enc);
    }
}

impl<T: EncodeTag> EncodeTag for Vec<T> {
    #[inline]
    fn encode_tag(&self, enc: &mut TagEncoder) {
        self.as_slice().encode_tag(enc);
    }
}

impl<T: EncodeTag> EncodeTag for VecDeque<T> {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.write_len(self.len());
        let (front, back) = self.as_slices();
        T::encode_tag_slice(front, enc);
        T::encode_tag_slice(back, enc);
    }
}

impl<T: EncodeTag> EncodeTag for BTreeSet<T> {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.encode_seq(self);
    }
}

impl<K: EncodeTag, V: EncodeTag> EncodeTag for BTreeMap<K, V> {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.encode_seq(self);
    }
}

impl<T: EncodeTag, S> EncodeTag for HashSet<T, S> {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.encode_unordered(self);
    }
}

impl<K: EncodeTag, V: EncodeTag, S> EncodeTag for HashMap<K, V, S> {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        enc.encode_unordered(self);
    }
}

macro_rules! encode_transparent {
    ($($(#[$meta:meta])* [$($generics:tt)*] $ty:ty;)*) => {$(
        $(#[$meta])*
        impl<$($generics)*> EncodeTag for $ty {
            #[inline]
            fn encode_tag(&self, enc: &mut TagEncoder) {
                (**self).encode_tag(enc);
            }
        }
    )*};
}

encode_transparent! {
    [T: EncodeTag + ?Sized] &T;
    [T: EncodeTag + ?Sized] &mut T;
    [T: EncodeTag + ?Sized] Box<T>;
    [T: EncodeTag + ?Sized] Rc<T>;
    [T: EncodeTag + ?Sized] Arc<T>;
    [T: EncodeTag + ToOwned + ?Sized] Cow<'_, T>;
}

impl EncodeTag for () {
    #[inline]
    fn encode_tag(&self, _enc: &mut TagEncoder) {}
}

/// A type marker carries no value: like `()`, it writes nothing.
impl<T: ?Sized> EncodeTag for core::marker::PhantomData<T> {
    #[inline]
    fn encode_tag(&self, _enc: &mut TagEncoder) {}
}

macro_rules! encode_tuple {
    ($(($($name:ident)+))*) => {$(
        impl<$($name: EncodeTag),+> EncodeTag for ($($name,)+) {
            #[inline]
            #[allow(non_snake_case)]
            fn encode_tag(&self, enc: &mut TagEncoder) {
                let ($($name,)+) = self;
                $($name.encode_tag(enc);)+
            }
        }
    )*};
}

encode_tuple! {
    (A)
    (A B)
    (A B C)
    (A B C D)
    (A B C D E)
    (A B C D E F)
    (A B C D E F G)
    (A B C D E F G H)
    (A B C D E F G H I)
    (A B C D E F G H I J)
    (A B C D E F G H I J K)
    (A B C D E F G H I J K L)
}
