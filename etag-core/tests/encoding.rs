//! Tag encoding, version 1, through the public API: the reference vectors of the design,
//! then one vector per type, each pinned as raw stream bytes and as the final tag.
//!
//! The expected bytes were written out independently of this crate (field by field, in the
//! order the encoding specifies) and the expected tags computed from those bytes with a
//! separate SHA-1 and base64url implementation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::borrow::Cow;
use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::hash::BuildHasherDefault;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use etag_core::{ETag, EncodeTag, ModificationTime, TagEncoder};

/// The raw stream of `value`, in lowercase hex.
fn stream<T: EncodeTag + ?Sized>(value: &T) -> String {
    let mut enc = TagEncoder::buffered();
    enc.encode(value);
    let bytes = enc
        .into_bytes()
        .expect("a buffered encoder keeps its bytes");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The opaque part of the strong tag of `value`; checks that buffering does not change it.
fn opaque<T: EncodeTag + ?Sized>(value: &T) -> String {
    let mut hashing = TagEncoder::new();
    hashing.encode(value);
    let tag = hashing.finish();
    let mut buffered = TagEncoder::buffered();
    buffered.encode(value);
    assert_eq!(buffered.finish(), tag, "buffered and hashing tags differ");
    assert!(!tag.is_weak());
    assert_eq!(tag.opaque().len(), 27);
    tag.opaque().to_owned()
}

/// Asserts both the stream and the tag of `value`.
#[track_caller]
fn check<T: EncodeTag + ?Sized>(value: &T, hex: &str, tag: &str) {
    assert_eq!(stream(value), hex, "stream");
    assert_eq!(opaque(value), tag, "tag");
}

/// Asserts that two values have the same stream.
#[track_caller]
fn same<A: EncodeTag + ?Sized, B: EncodeTag + ?Sized>(a: &A, b: &B) {
    assert_eq!(stream(a), stream(b));
}

// ---------------------------------------------------------------- reference vectors

#[test]
fn reference_vector_empty_stream() {
    let tag = TagEncoder::new().finish();
    assert_eq!(tag.opaque(), "2jmj7l5rSw0yVb_vlWAYkK_YBwk");
    assert_eq!(tag.to_string(), "\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\"");
    assert_eq!(
        TagEncoder::new().finish_weak().to_string(),
        "W/\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\""
    );
    assert_eq!(TagEncoder::default().finish_tag(false), tag);
    assert_eq!(TagEncoder::buffered().into_bytes(), Some(Vec::new()));
    assert_eq!(opaque(&()), "2jmj7l5rSw0yVb_vlWAYkK_YBwk");
}

/// The fields of the design's `Product`, in declaration order, with no attributes.
fn product_fields(enc: &mut TagEncoder) {
    enc.field("id", &42u64);
    enc.field("name", "Widget");
    enc.field("price_cents", &1299u32);
    enc.field("tags", &vec!["a".to_string(), "b".to_string()]);
    enc.field("discontinued", &false);
    enc.field("rating", &Some(4.5f64));
}

#[test]
fn reference_vector_product() {
    let mut enc = TagEncoder::new();
    product_fields(&mut enc);
    assert_eq!(enc.finish().to_string(), "\"TDKG_J_zAnfB_QxdsNxfk6sLgBc\"");

    let mut enc = TagEncoder::new();
    product_fields(&mut enc);
    assert_eq!(
        enc.finish_weak().to_string(),
        "W/\"TDKG_J_zAnfB_QxdsNxfk6sLgBc\""
    );

    let mut buffered = TagEncoder::buffered();
    product_fields(&mut buffered);
    let bytes = buffered.into_bytes().unwrap();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(bytes.len(), 149);
    assert_eq!(
        hex,
        concat!(
            "0200000000000000",
            "6964",
            "2a00000000000000",
            "0400000000000000",
            "6e616d65",
            "0600000000000000",
            "576964676574",
            "0b00000000000000",
            "70726963655f63656e7473",
            "13050000",
            "0400000000000000",
            "74616773",
            "0200000000000000",
            "0100000000000000",
            "61",
            "0100000000000000",
            "62",
            "0c00000000000000",
            "646973636f6e74696e756564",
            "00",
            "0600000000000000",
            "726174696e67",
            "01",
            "0000000000001240",
        )
    );
}

// ---------------------------------------------------------------- numbers

#[test]
fn bool_is_one_byte() {
    check(&(true, false), "0100", "DjVrpQVjH79xV1i-0n1QP4smDjo");
}

#[test]
fn integers_are_little_endian_at_their_width() {
    let ints = (
        200u8,
        -2i8,
        0x1234u16,
        -2i16,
        1299u32,
        -1299i32,
        42u64,
        -42i64,
        (1u128 << 100) + 5,
        -1i128,
    );
    check(
        &ints,
        concat!(
            "c8",
            "fe",
            "3412",
            "feff",
            "13050000",
            "edfaffff",
            "2a00000000000000",
            "d6ffffffffffffff",
            "05000000000000000000000010000000",
            "ffffffffffffffffffffffffffffffff",
        ),
        "4C6Qur9dVVTpDU1Lg65CGM3tams",
    );
}

#[test]
fn usize_and_isize_are_u64_and_i64() {
    check(
        &(42usize, -42isize),
        "2a00000000000000d6ffffffffffffff",
        "bYd5Ust48vAuj3Y0AfhPgnoVsGI",
    );
    same(&42usize, &42u64);
    same(&-42isize, &-42i64);
    same(&vec![1usize, usize::MAX], &vec![1u64, u64::MAX]);
}

#[test]
fn floats_are_f64_bits() {
    check(&4.5f64, "0000000000001240", "CJpg8Cf5UiuliYBeBf-lsCXmm-U");
    check(
        &f64::INFINITY,
        "000000000000f07f",
        "i17VWSf_PR5bVbHq72NNyD_hBZU",
    );
}

#[test]
fn negative_zero_is_zero() {
    check(&0.0f64, "0000000000000000", "Bf5AV1MWbxJVWefJrFWGVPEHx-k");
    check(&-0.0f64, "0000000000000000", "Bf5AV1MWbxJVWefJrFWGVPEHx-k");
    check(&-0.0f32, "0000000000000000", "Bf5AV1MWbxJVWefJrFWGVPEHx-k");
}

#[test]
fn every_nan_is_the_canonical_nan() {
    let nans = [
        f64::NAN,
        -f64::NAN,
        f64::from_bits(0x7FF0_0000_0000_0001),
        f64::from_bits(0xFFFF_FFFF_FFFF_FFFF),
    ];
    assert_ne!(nans[0].to_bits(), nans[2].to_bits());
    for nan in nans {
        check(&nan, "000000000000f87f", "wc7gMuSOwyOL0W7-Sp5y2nLjXgg");
    }
    check(&f32::NAN, "000000000000f87f", "wc7gMuSOwyOL0W7-Sp5y2nLjXgg");
    check(
        &f32::from_bits(0xFFC0_0001),
        "000000000000f87f",
        "wc7gMuSOwyOL0W7-Sp5y2nLjXgg",
    );
}

#[test]
fn f32_is_widened_to_f64() {
    same(&1.5f32, &1.5f64);
    // 0.1f32 widens exactly to 0.100000001490116119384765625, not to 0.1f64.
    check(&0.1f32, "000000a09999b93f", "BwT9h-VjakPVVoxhqZ0T1r3Ut-g");
    same(&0.1f32, &f64::from(0.1f32));
    same(
        &vec![0.1f32, -0.0, f32::NAN],
        &vec![f64::from(0.1f32), 0.0, f64::NAN],
    );
}

/// Long slices of numbers take a faster path; it must write the same bytes as one
/// element at a time.
#[test]
fn number_slices_match_element_by_element() {
    fn compare<T: EncodeTag + Copy>(make: impl Fn(u32) -> T) {
        let items: Vec<T> = (0..150).map(make).collect();
        let mut one_by_one = TagEncoder::buffered();
        one_by_one.write_u64(items.len() as u64);
        for item in &items {
            item.encode_tag(&mut one_by_one);
        }
        let expected = one_by_one.into_bytes().unwrap();
        for encoded in [stream(&items), stream(items.as_slice())] {
            let expected: String = expected.iter().map(|b| format!("{b:02x}")).collect();
            assert_eq!(encoded, expected);
        }
    }
    compare(|i| i % 3 == 0);
    compare(|i| i as u8);
    compare(|i| i as i8);
    compare(|i| i as u16);
    compare(|i| -(i as i16));
    compare(|i| i * 70_000);
    compare(|i| -(i as i32) * 70_000);
    compare(|i| u64::from(i) << 40);
    compare(|i| -(i64::from(i) << 40));
    compare(|i| u128::from(i) << 100);
    compare(|i| -(i128::from(i) << 100));
    compare(|i| i as usize);
    compare(|i| -(i as isize));
    compare(|i| {
        if i % 7 == 0 {
            f32::NAN
        } else {
            i as f32 / -3.0
        }
    });
    compare(|i| if i % 5 == 0 { -0.0 } else { f64::from(i) / 3.0 });
}

// ---------------------------------------------------------------- text

#[test]
fn strings_are_length_then_utf8() {
    check(
        "Widget",
        "0600000000000000576964676574",
        "pspRXTtCx3rVqphDp_foU3Khgms",
    );
    check(
        &"Widget".to_string(),
        "0600000000000000576964676574",
        "pspRXTtCx3rVqphDp_foU3Khgms",
    );
}

#[test]
fn char_is_its_string() {
    check(&'é', "0200000000000000c3a9", "vYEhieniiazl5_zdhlj1tc6q_Qk");
    check(
        &('€', '🦀'),
        "0300000000000000e282ac0400000000000000f09fa680",
        "S-aDcqSGUNkwJnl65kh2IaFDj9g",
    );
    same(&'x', "x");
}

// ---------------------------------------------------------------- option, sequences

#[test]
fn option_is_a_presence_byte() {
    check(
        &(None::<u8>, Some(7u8), Some(None::<u8>)),
        "0001070100",
        "0gGyqzSZsUka7q1I6_d8lzEmvuk",
    );
}

#[test]
fn sequences_are_count_then_elements() {
    let hex = "0300000000000000010000000200000003000000";
    let tag = "Yp19J2mAL-RsEf7yJ35B-kZL1pc";
    check(&vec![1u32, 2, 3], hex, tag);
    check(&[1u32, 2, 3], hex, tag);
    check(&[1u32, 2, 3][..], hex, tag);
    check(&VecDeque::from([1u32, 2, 3]), hex, tag);
    check(
        &vec!["a".to_string(), "b".to_string()],
        "0200000000000000010000000000000061010000000000000062",
        "cLPxlgj_L9gp1VJRoHMYVQ5DeYE",
    );
    check(
        &Vec::<u8>::new(),
        "0000000000000000",
        "Bf5AV1MWbxJVWefJrFWGVPEHx-k",
    );
}

#[test]
fn vecdeque_that_wraps_around_is_in_order() {
    // Pushing to the front of a deque that starts at slot 0 wraps its storage around.
    let mut deque = VecDeque::new();
    deque.push_back(7u16);
    deque.push_back(8);
    deque.push_front(6);
    deque.push_front(5);
    let (front, back) = deque.as_slices();
    assert!(!front.is_empty() && !back.is_empty(), "{front:?} {back:?}");
    check(
        &deque,
        "04000000000000000500060007000800",
        "iDIASH--0Lah-mHTD-ajH_fMTMo",
    );
}

#[test]
fn nested_sequences_keep_their_boundaries() {
    check(
        &vec![vec![1u8], vec![2, 3]],
        "020000000000000001000000000000000102000000000000000203",
        "tcvX7cJOBoAt0as22WDAfD5GbBM",
    );
    check(
        &vec![vec![1u8, 2], vec![3]],
        "020000000000000002000000000000000102010000000000000003",
        "zab1eZmgfjgzNxmiXf7yK5HpRko",
    );
}

#[test]
fn btree_set_is_in_ascending_order() {
    let set: BTreeSet<u16> = [3, 1, 2].into();
    check(
        &set,
        "0300000000000000010002000300",
        "FHAafLbXppM0qsNL5DXYfQc2g48",
    );
}

#[test]
fn btree_map_is_in_key_order() {
    let mut map = BTreeMap::new();
    map.insert("b".to_string(), 2u8);
    map.insert("ab".to_string(), 3);
    map.insert("a".to_string(), 1);
    check(
        &map,
        "030000000000000001000000000000006101020000000000000061620301000000000000006202",
        "M3r0LhLbR9pSinJdoB4QI4J9HD0",
    );
    // Integer keys follow numeric order (not the order of their little-endian bytes).
    let numeric: BTreeMap<i32, bool> = [(5, true), (-1, true), (0, false)].into();
    check(
        &numeric,
        "0300000000000000ffffffff0100000000000500000001",
        "pg7lqhrLycFhKgMXfWdgYZezl2c",
    );
}

#[test]
fn hash_map_does_not_depend_on_insertion_order_or_capacity() {
    let hex = "030000000000000001000000000000006101010000000000000063030200000000000000626202";
    let tag = "D8nBKF8kc6IPSCyFkGStuqpGIC0";
    let entries = [("bb", 2u8), ("a", 1), ("c", 3)];
    let orders = [[0, 1, 2], [2, 1, 0], [1, 0, 2], [2, 0, 1]];
    for capacity in [0, 3, 1000] {
        for order in orders {
            let mut map = HashMap::with_capacity(capacity);
            for i in order {
                let (key, value) = entries[i];
                map.insert(key.to_string(), value);
            }
            check(&map, hex, tag);
            let mut other: HashMap<&str, u8, BuildHasherDefault<DefaultHasher>> =
                HashMap::with_capacity_and_hasher(capacity, BuildHasherDefault::default());
            for i in order {
                let (key, value) = entries[i];
                other.insert(key, value);
            }
            check(&other, hex, tag);
        }
    }
}

#[test]
fn hash_set_does_not_depend_on_insertion_order_or_capacity() {
    // 256 sorts before 1: the encodings (00 01 00 00 and 01 00 00 00) are compared bytewise.
    for capacity in [0, 2, 500] {
        for items in [[1u32, 256], [256, 1]] {
            let mut set = HashSet::with_capacity(capacity);
            set.extend(items);
            check(
                &set,
                "02000000000000000001000001000000",
                "kpPTKcJqqGoMHLWuvxdaWwNt8w0",
            );
        }
    }
    let many_a: HashSet<u64> = (0..1000).collect();
    let many_b: HashSet<u64> = (0..1000).rev().collect();
    same(&many_a, &many_b);
}

#[test]
fn encode_unordered_and_encode_seq_match_the_collections() {
    let mut enc = TagEncoder::buffered();
    enc.encode_unordered([256u32, 1]);
    let set: HashSet<u32> = [1, 256].into();
    assert_eq!(enc.into_bytes(), {
        let mut enc = TagEncoder::buffered();
        enc.encode(&set);
        enc.into_bytes()
    });

    let mut enc = TagEncoder::new();
    enc.encode_seq(VecDeque::from([1u32, 2, 3]).iter());
    assert_eq!(enc.finish().opaque(), "Yp19J2mAL-RsEf7yJ35B-kZL1pc");
}

// ---------------------------------------------------------------- tuples, pointers

#[test]
fn tuples_are_their_elements_in_order() {
    check(
        &(1u8, "x", true),
        "0101000000000000007801",
        "PkdTvAEbq9r5Ye-Ogdnvrs6AnFc",
    );
    let twelve = (0u8, 1u8, 2u8, 3u8, 4u8, 5u8, 6u8, 7u8, 8u8, 9u8, 10u8, 11u8);
    check(
        &twelve,
        "000102030405060708090a0b",
        "z_lhHLmqQioW2b7uOnUxnOU5WRI",
    );
    check(&(), "", "2jmj7l5rSw0yVb_vlWAYkK_YBwk");
}

#[test]
fn references_and_pointers_are_transparent() {
    let hex = "0600000000000000576964676574";
    let tag = "pspRXTtCx3rVqphDp_foU3Khgms";
    let text = String::from("Widget");
    check(&&text, hex, tag);
    check(&&&*text, hex, tag);
    check(&Box::new(text.clone()), hex, tag);
    check(&Box::<str>::from("Widget"), hex, tag);
    check(&Rc::<str>::from("Widget"), hex, tag);
    check(&Arc::<str>::from("Widget"), hex, tag);
    check(&Arc::new(text.clone()), hex, tag);
    check(&Cow::Borrowed("Widget"), hex, tag);
    check(&Cow::<str>::Owned(text.clone()), hex, tag);
    let mut owned = text.clone();
    check(&&mut owned, hex, tag);

    same(&Box::new(7u32), &7u32);
    same(&Rc::<[u8]>::from(&[1u8, 2][..]), &vec![1u8, 2]);
    same(&Cow::<[u8]>::Borrowed(&[1, 2]), &vec![1u8, 2]);
    same(&vec![Box::new(1u16), Box::new(2)], &[1u16, 2]);
}

// ---------------------------------------------------------------- time

#[test]
fn system_time_is_an_instant() {
    let time = UNIX_EPOCH + Duration::new(1_700_000_000, 5);
    check(
        &time,
        "00f153650000000005000000",
        "4Zm3-Y5WRHirQwphAj28r9wSTIo",
    );
    let before = UNIX_EPOCH - Duration::from_millis(500);
    check(
        &before,
        "ffffffffffffffff0065cd1d",
        "qRkHiffI6kJ_ESE3PjQLBU2Wm2g",
    );
}

#[test]
fn duration_is_seconds_then_nanos() {
    check(
        &Duration::new(3, 7),
        "030000000000000007000000",
        "HH_d4MTHqzIk6yFfm7Lbq3-cMQQ",
    );
}

// ---------------------------------------------------------------- ETag, ModificationTime

#[test]
fn collections_are_tagged_as_a_whole() {
    let versions = vec![4u64, 5, 6];
    let tag = versions.etag();
    assert_eq!(tag.to_string(), "\"q3Jt5OTpAq5Ef_65XUvC7U_dZpg\"");
    assert_eq!(
        stream(&versions),
        "0300000000000000040000000000000005000000000000000600000000000000"
    );
    assert_eq!(versions.as_slice().etag(), tag);
    assert_eq!(ETag::etag(&&versions), tag);
    assert_eq!(Box::new(versions.clone()).etag(), tag);
    assert_eq!(Rc::new(versions.clone()).etag(), tag);
    assert_eq!(Arc::new(versions.clone()).etag(), tag);
    assert_eq!(Arc::<[u64]>::from(versions.clone()).etag(), tag);
    assert_ne!(vec![4u64, 6, 5].etag(), tag);
    assert_eq!(versions.last_modified(), None);
}

#[test]
fn etag_forwarding_keeps_last_modified() {
    struct Row(SystemTime);
    impl ETag for Row {
        fn etag(&self) -> etag_core::EntityTag {
            let mut enc = TagEncoder::new();
            enc.encode(&self.0);
            enc.finish_weak()
        }
        fn last_modified(&self) -> Option<SystemTime> {
            Some(self.0)
        }
    }
    let time = UNIX_EPOCH + Duration::from_secs(9);
    let row = Row(time);
    assert!(row.etag().is_weak());
    assert_eq!(ETag::last_modified(&&row), Some(time));
    assert_eq!(Box::new(Row(time)).last_modified(), Some(time));
    assert_eq!(Rc::new(Row(time)).etag(), row.etag());
    let shared: Arc<dyn ETag> = Arc::new(Row(time));
    assert_eq!(shared.last_modified(), Some(time));
}

#[test]
fn modification_time_impls() {
    let time = UNIX_EPOCH - Duration::from_secs(86_400);
    assert_eq!(time.modification_time(), Some(time));
    assert_eq!(Some(time).modification_time(), Some(time));
    assert_eq!(Some(Some(time)).modification_time(), Some(time));
    assert_eq!(Some(None::<SystemTime>).modification_time(), None);
    assert_eq!(None::<SystemTime>.modification_time(), None);
    assert_eq!(ModificationTime::modification_time(&&time), Some(time));
    assert_eq!(Box::new(time).modification_time(), Some(time));
    assert_eq!(Arc::new(Some(time)).modification_time(), Some(time));
}

#[test]
fn encoder_debug_names_its_sink() {
    assert_eq!(
        format!("{:?}", TagEncoder::new()),
        "TagEncoder { sink: \"sha1\" }"
    );
    let mut buffered = TagEncoder::buffered();
    buffered.write_raw(b"abc");
    assert_eq!(format!("{buffered:?}"), "TagEncoder { buffered: 3 }");
    let copy = buffered.clone();
    assert_eq!(copy.into_bytes(), Some(b"abc".to_vec()));
    buffered.mark_weak();
    assert_eq!(
        format!("{buffered:?}"),
        "TagEncoder { buffered: 3, weak: true }"
    );
}

/// A hand-written weak type: marking the encoder makes every tag that covers one of its
/// values weak, hash-ordered collections included; the bytes do not change.
#[test]
fn weakness_is_carried_by_the_encoder() {
    struct Preview(u8);
    impl EncodeTag for Preview {
        fn encode_tag(&self, enc: &mut TagEncoder) {
            enc.mark_weak();
            enc.encode(&self.0);
        }
    }
    impl PartialEq for Preview {
        fn eq(&self, other: &Self) -> bool {
            self.0 == other.0
        }
    }
    impl Eq for Preview {}
    impl std::hash::Hash for Preview {
        fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
            self.0.hash(state);
        }
    }

    let list = vec![Preview(1), Preview(2)];
    assert!(list.etag().is_weak());
    assert_eq!(list.etag().opaque(), vec![1u8, 2].etag().opaque());
    assert!(!Vec::<Preview>::new().etag().is_weak());
    assert!(!vec![1u8].etag().is_weak());

    let mut enc = TagEncoder::new();
    enc.encode(&HashSet::from([Preview(3)]));
    assert!(enc.is_marked_weak());
    let mut enc = TagEncoder::new();
    enc.encode(&(1u8, Some(Preview(4))));
    assert!(enc.finish().is_weak());
    let mut enc = TagEncoder::new();
    enc.encode(&(1u8, None::<Preview>));
    assert!(!enc.finish().is_weak());
    // `finish_weak` is weak anyway; `finish_tag(false)` cannot undo a mark.
    let mut enc = TagEncoder::new();
    enc.encode(&Preview(5));
    assert!(enc.finish_tag(false).is_weak());
}

// ---------------------------------------------------------------- feature types

#[cfg(feature = "uuid")]
#[test]
fn uuid_is_its_16_bytes() {
    let id = uuid::Uuid::from_bytes([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    check(
        &id,
        "000102030405060708090a0b0c0d0e0f",
        "VheLhqV_rCKJmplkGFwsyW59pYk",
    );
    let parsed: uuid::Uuid = "00010203-0405-0607-0809-0a0b0c0d0e0f".parse().unwrap();
    same(&parsed, &id);
}

#[cfg(feature = "chrono")]
mod chrono_types {
    use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

    use super::*;

    #[test]
    fn date_time_is_the_instant() {
        let utc = DateTime::from_timestamp(1_700_000_000, 5).unwrap();
        check(
            &utc,
            "00f153650000000005000000",
            "4Zm3-Y5WRHirQwphAj28r9wSTIo",
        );
        let east = utc.with_timezone(&FixedOffset::east_opt(2 * 3600).unwrap());
        check(
            &east,
            "00f153650000000005000000",
            "4Zm3-Y5WRHirQwphAj28r9wSTIo",
        );
        same(&utc, &(UNIX_EPOCH + Duration::new(1_700_000_000, 5)));

        let before = Utc.timestamp_opt(-1, 500_000_000).single().unwrap();
        check(
            &before,
            "ffffffffffffffff0065cd1d",
            "qRkHiffI6kJ_ESE3PjQLBU2Wm2g",
        );
    }

    #[test]
    fn naive_types_are_calendar_fields() {
        let date = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
        check(&date, "ea0700000b16", "4cW3cPRXfRp_kF5AIjAFV4xc_QY");
        let time = NaiveTime::from_hms_nano_opt(12, 34, 56, 789).unwrap();
        check(&time, "0c223815030000", "Q0bTqH1ENmqx9Hk5i2zIj7HDdj8");
        same(&NaiveDateTime::new(date, time), &(date, time));
        // A leap second keeps its nanoseconds of 1e9 and more.
        let leap = NaiveTime::from_hms_nano_opt(23, 59, 59, 1_500_000_000).unwrap();
        same(&leap, &(23u8, 59u8, 59u8, 1_500_000_000u32));
    }

    #[test]
    fn date_time_is_a_modification_time() {
        let utc = DateTime::from_timestamp(1_700_000_000, 5).unwrap();
        let expected = UNIX_EPOCH + Duration::new(1_700_000_000, 5);
        assert_eq!(utc.modification_time(), Some(expected));
        let east = utc.with_timezone(&FixedOffset::west_opt(5 * 3600).unwrap());
        assert_eq!(east.modification_time(), Some(expected));
        let before = Utc.timestamp_opt(-1, 500_000_000).single().unwrap();
        assert_eq!(
            before.modification_time(),
            Some(UNIX_EPOCH - Duration::from_millis(500))
        );
        // The extremes convert or give None; they never panic.
        let _ = DateTime::<Utc>::MAX_UTC.modification_time();
        let _ = DateTime::<Utc>::MIN_UTC.modification_time();
        assert_eq!(Some(utc).modification_time(), Some(expected));
    }
}

#[cfg(feature = "time")]
mod time_types {
    use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcDateTime, UtcOffset};

    use super::*;

    #[test]
    fn offset_date_time_is_the_instant() {
        let nanos = 1_700_000_000_000_000_005;
        let utc = OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
        check(
            &utc,
            "00f153650000000005000000",
            "4Zm3-Y5WRHirQwphAj28r9wSTIo",
        );
        let east = utc.to_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
        check(
            &east,
            "00f153650000000005000000",
            "4Zm3-Y5WRHirQwphAj28r9wSTIo",
        );
        let plain = UtcDateTime::from_unix_timestamp_nanos(nanos).unwrap();
        check(
            &plain,
            "00f153650000000005000000",
            "4Zm3-Y5WRHirQwphAj28r9wSTIo",
        );

        let before = OffsetDateTime::from_unix_timestamp_nanos(-500_000_000).unwrap();
        check(
            &before,
            "ffffffffffffffff0065cd1d",
            "qRkHiffI6kJ_ESE3PjQLBU2Wm2g",
        );
    }

    #[test]
    fn calendar_types_are_calendar_fields() {
        let date = Date::from_calendar_date(2026, Month::November, 22).unwrap();
        check(&date, "ea0700000b16", "4cW3cPRXfRp_kF5AIjAFV4xc_QY");
        let time = Time::from_hms_nano(12, 34, 56, 789).unwrap();
        check(&time, "0c223815030000", "Q0bTqH1ENmqx9Hk5i2zIj7HDdj8");
        same(&PrimitiveDateTime::new(date, time), &(date, time));
    }

    #[test]
    fn offset_date_time_is_a_modification_time() {
        let utc = OffsetDateTime::from_unix_timestamp_nanos(1_700_000_000_000_000_005).unwrap();
        let expected = UNIX_EPOCH + Duration::new(1_700_000_000, 5);
        assert_eq!(utc.modification_time(), Some(expected));
        let before = OffsetDateTime::from_unix_timestamp_nanos(-500_000_000).unwrap();
        assert_eq!(
            before.modification_time(),
            Some(UNIX_EPOCH - Duration::from_millis(500))
        );
        let plain = UtcDateTime::from_unix_timestamp_nanos(1_700_000_000_000_000_005).unwrap();
        assert_eq!(plain.modification_time(), Some(expected));
        let _ = OffsetDateTime::new_utc(Date::MAX, Time::MIDNIGHT).modification_time();
        let _ = OffsetDateTime::new_utc(Date::MIN, Time::MIDNIGHT).modification_time();
    }
}

#[cfg(all(feature = "chrono", feature = "time"))]
#[test]
fn chrono_and_time_agree_on_instants_and_calendar_values() {
    for nanos in [0i128, 1, -1, 1_700_000_000_123_456_789, -86_400_000_000_001] {
        let from_time = time::OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
        let secs = i64::try_from(nanos.div_euclid(1_000_000_000)).unwrap();
        let sub = u32::try_from(nanos.rem_euclid(1_000_000_000)).unwrap();
        let from_chrono = chrono::DateTime::from_timestamp(secs, sub).unwrap();
        same(&from_time, &from_chrono);
        assert_eq!(
            from_time.modification_time(),
            from_chrono.modification_time()
        );
    }
}

#[cfg(feature = "serde_json")]
mod json_values {
    use serde_json::{Map, Value, json};

    use super::*;

    #[test]
    fn scalars_have_a_type_byte() {
        let values = vec![
            json!(null),
            json!(true),
            json!(1),
            json!(-1),
            json!(1.0),
            json!("s"),
        ];
        check(
            &values,
            concat!(
                "0600000000000000",
                "00",
                "0101",
                "020100000000000000",
                "03ffffffffffffffff",
                "04000000000000f03f",
                "06010000000000000073",
            ),
            "88ZscrFUfv-EGmTfcl6T4Xw_Za0",
        );
        // 1 and 1.0 are different JSON texts and different values.
        assert_ne!(stream(&json!(1)), stream(&json!(1.0)));
        same(&json!(-0.0), &json!(0.0));
        same(&json!(u64::MAX), &(2u8, u64::MAX));
        same(&json!(i64::MIN), &(3u8, i64::MIN));
    }

    #[test]
    fn objects_are_sorted_by_key() {
        let value = json!({"b": null, "a": [1, "x"]});
        check(
            &value,
            concat!(
                "08",
                "0200000000000000",
                "0100000000000000",
                "61",
                "07",
                "0200000000000000",
                "020100000000000000",
                "06010000000000000078",
                "0100000000000000",
                "62",
                "00",
            ),
            "JeHsWLWX2BHvz5VX1h-FbKHt5FI",
        );
        let mut forward = Map::new();
        forward.insert("a".into(), json!([1, "x"]));
        forward.insert("b".into(), Value::Null);
        let mut backward = Map::new();
        backward.insert("b".into(), Value::Null);
        backward.insert("a".into(), json!([1, "x"]));
        same(&Value::Object(forward.clone()), &value);
        same(&Value::Object(backward.clone()), &value);
        same(&forward, &backward);
    }
}

#[cfg(feature = "rust_decimal")]
mod decimals {
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn decimals_are_normalized() {
        let hex = "0f00000000000000000000000000000001000000";
        let tag = "ecjBbOdQ4-zvzoSdtcV1vqFgpjE";
        check(&Decimal::new(15, 1), hex, tag);
        check(&Decimal::new(150, 2), hex, tag);
        check(&"1.5000".parse::<Decimal>().unwrap(), hex, tag);

        let zero = "0000000000000000000000000000000000000000";
        let zero_tag = "Z2gDPiFkaCR70DGgotmHbXmBj48";
        check(&Decimal::ZERO, zero, zero_tag);
        check(&Decimal::new(0, 3), zero, zero_tag);
        check(&-Decimal::new(0, 3), zero, zero_tag);

        let hundred = "6400000000000000000000000000000000000000";
        check(
            &Decimal::new(100, 0),
            hundred,
            "_w8Jhxs1D_2HXFldMD7tdLMBZmo",
        );
        check(
            &Decimal::new(10_000, 2),
            hundred,
            "_w8Jhxs1D_2HXFldMD7tdLMBZmo",
        );

        check(
            &Decimal::new(-1250, 3),
            "83ffffffffffffffffffffffffffffff02000000",
            "CK-o6pnTfXCndM8SXnH_h7d_YPk",
        );
    }
}

#[cfg(feature = "bytes")]
#[test]
fn bytes_are_a_byte_sequence() {
    let hex = "0300000000000000616263";
    let tag = "XvURzn9g_nUXM2Goe7kdNuMOkZM";
    check(&bytes::Bytes::from_static(b"abc"), hex, tag);
    check(&bytes::BytesMut::from(&b"abc"[..]), hex, tag);
    check(&b"abc".to_vec(), hex, tag);
    check(&b"abc"[..], hex, tag);
}

#[test]
fn phantom_data_writes_nothing() {
    use std::marker::PhantomData;
    check(&PhantomData::<String>, "", "2jmj7l5rSw0yVb_vlWAYkK_YBwk");
    same(&(1u8, PhantomData::<[u8]>), &1u8);
}
