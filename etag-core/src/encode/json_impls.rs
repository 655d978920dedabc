//! [`EncodeTag`] for `serde_json::Value`, `Map` and `Number` (feature `serde_json`).
//!
//! A `Value` is one type byte, then its payload:
//!
//! | Value | bytes |
//! |-------|-------|
//! | `null` | `00` |
//! | boolean | `01`, then `00` or `01` |
//! | number | the `Number` encoding (type byte `02` to `05`) |
//! | string | `06`, then `str(s)` |
//! | array | `07`, count as `u64`, then each element |
//! | object | `08`, then the `Map` encoding |
//!
//! A `Number` is `02` then a `u64` when it is a non-negative integer that fits one, `03` then
//! an `i64` for a negative integer that fits, `04` then the float encoding (as `f64`) for a
//! float, and otherwise (only with serde_json's `arbitrary_precision`) `05` then `str` of its
//! text. A `Map` is its count as `u64`, then `str(key) enc(value)` for each member in
//! ascending bytewise order of the keys, whatever order the map keeps (with serde_json's
//! `preserve_order` it keeps insertion order; the members are sorted here).

use core::fmt::{self, Display, Write as _};

use serde_json::{Map, Number, Value};

use super::{EncodeTag, TagEncoder};

impl EncodeTag for Value {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        match self {
            Value::Null => enc.write_u8(0),
            Value::Bool(value) => {
                enc.write_u8(1);
                value.encode_tag(enc);
            }
            Value::Number(number) => number.encode_tag(enc),
            Value::String(text) => {
                enc.write_u8(6);
                enc.write_str(text);
            }
            Value::Array(items) => {
                enc.write_u8(7);
                items.encode_tag(enc);
            }
            Value::Object(members) => {
                enc.write_u8(8);
                members.encode_tag(enc);
            }
        }
    }
}

impl EncodeTag for Number {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        if let Some(value) = self.as_u64() {
            enc.write_u8(2);
            value.encode_tag(enc);
        } else if let Some(value) = self.as_i64() {
            enc.write_u8(3);
            value.encode_tag(enc);
        } else if let (true, Some(value)) = (self.is_f64(), self.as_f64()) {
            enc.write_u8(4);
            value.encode_tag(enc);
        } else {
            enc.write_u8(5);
            write_display(enc, self);
        }
    }
}

impl EncodeTag for Map<String, Value> {
    fn encode_tag(&self, enc: &mut TagEncoder) {
        write_members(enc, self.len(), self.iter());
    }
}

/// Writes the count, then `str(key) enc(value)` for each member in ascending key order.
fn write_members<'a, I>(enc: &mut TagEncoder, len: usize, members: I)
where
    I: Iterator<Item = (&'a String, &'a Value)> + Clone,
{
    enc.write_len(len);
    let mut previous: Option<&String> = None;
    let sorted = members.clone().all(|(key, _)| {
        let in_order = previous.is_none_or(|previous| previous < key);
        previous = Some(key);
        in_order
    });
    if sorted {
        // The default (BTreeMap-backed) map is already in key order: no allocation.
        for (key, value) in members {
            enc.write_str(key);
            value.encode_tag(enc);
        }
    } else {
        let mut members: Vec<(&String, &Value)> = members.collect();
        members.sort_unstable_by(|a, b| a.0.cmp(b.0));
        for (key, value) in members {
            enc.write_str(key);
            value.encode_tag(enc);
        }
    }
}

/// Writes `str` of a value's `Display` text without allocating: once to measure, once to
/// write.
fn write_display(enc: &mut TagEncoder, value: &dyn Display) {
    let mut counter = Counter(0);
    // Neither writer ever fails, so the results carry no information.
    let _ = write!(counter, "{value}");
    enc.write_len(counter.0);
    let _ = write!(Writer(enc), "{value}");
}

/// Counts the bytes of formatted text.
struct Counter(usize);

impl fmt::Write for Counter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

/// Writes formatted text to the encoder as raw bytes.
struct Writer<'a>(&'a mut TagEncoder);

impl fmt::Write for Writer<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.write_raw(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With serde_json's `preserve_order` a map iterates in insertion order; the members
    /// must still be written in key order.
    #[test]
    fn members_out_of_order_are_sorted() {
        let (a, b, c) = ("a".to_string(), "b".to_string(), "ab".to_string());
        let (one, two, three) = (Value::from(1), Value::from(2), Value::from(3));
        let shuffled = [(&b, &two), (&a, &one), (&c, &three)];
        let ordered = [(&a, &one), (&c, &three), (&b, &two)];

        let mut from_shuffled = TagEncoder::buffered();
        write_members(&mut from_shuffled, 3, shuffled.iter().copied());
        let mut from_ordered = TagEncoder::buffered();
        write_members(&mut from_ordered, 3, ordered.iter().copied());
        let expected = from_ordered.into_bytes();
        assert_eq!(from_shuffled.into_bytes(), expected);

        let map: Map<String, Value> = shuffled
            .iter()
            .map(|(key, value)| ((*key).clone(), (*value).clone()))
            .collect();
        let mut from_map = TagEncoder::buffered();
        map.encode_tag(&mut from_map);
        assert_eq!(from_map.into_bytes(), expected);
    }

    #[test]
    fn display_is_written_as_a_string() {
        let mut via_display = TagEncoder::buffered();
        write_display(&mut via_display, &Number::from(-12));
        let mut via_str = TagEncoder::buffered();
        via_str.write_str("-12");
        assert_eq!(via_display.into_bytes(), via_str.into_bytes());
    }
}
