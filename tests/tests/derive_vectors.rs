//! Golden vectors of `#[derive(ETag)]`: each derived stream is checked against the same
//! stream written by hand with `TagEncoder`, and each tag against a literal computed
//! independently (from the bytes of DESIGN §4, with Python's `hashlib` and `base64`).

use std::collections::{BTreeMap, HashMap, HashSet};

use etag_core::{ETag, EncodeTag, TagEncoder};

/// The stream S of `value`, as the derive writes it.
fn stream_of<T: EncodeTag + ?Sized>(value: &T) -> Vec<u8> {
    let mut enc = TagEncoder::buffered();
    value.encode_tag(&mut enc);
    enc.into_bytes().unwrap_or_default()
}

/// A stream written by hand.
fn by_hand(write: impl FnOnce(&mut TagEncoder)) -> Vec<u8> {
    let mut enc = TagEncoder::buffered();
    write(&mut enc);
    enc.into_bytes().unwrap_or_default()
}

/// Asserts the derived stream, and the derived tag's header form.
fn check<T: ETag + EncodeTag>(value: &T, expected: Vec<u8>, header: &str) {
    assert_eq!(stream_of(value), expected, "stream");
    let mut enc = TagEncoder::new();
    enc.write_raw(&expected);
    let weak = value.etag().is_weak();
    assert_eq!(value.etag(), enc.finish_tag(weak), "tag of the stream");
    assert_eq!(value.etag().to_string(), header, "pinned tag");
}

#[derive(ETag)]
struct Empty;

#[derive(ETag)]
struct Product {
    id: u64,
    name: String,
    price_cents: u32,
    tags: Vec<String>,
    discontinued: bool,
    rating: Option<f64>,
}

#[test]
fn reference_vector_empty_stream() {
    check(&Empty, Vec::new(), "\"2jmj7l5rSw0yVb_vlWAYkK_YBwk\"");
}

#[test]
fn reference_vector_product() {
    let product = Product {
        id: 42,
        name: "Widget".to_owned(),
        price_cents: 1299,
        tags: vec!["a".to_owned(), "b".to_owned()],
        discontinued: false,
        rating: Some(4.5),
    };
    let expected = by_hand(|enc| {
        enc.field("id", &42u64);
        enc.field("name", "Widget");
        enc.field("price_cents", &1299u32);
        enc.field("tags", &["a", "b"][..]);
        enc.field("discontinued", &false);
        enc.field("rating", &Some(4.5f64));
    });
    assert_eq!(expected.len(), 149);
    check(&product, expected, "\"TDKG_J_zAnfB_QxdsNxfk6sLgBc\"");
}

#[derive(ETag)]
enum Shape {
    Empty,
    Circle(f64),
    Rect { w: u32, h: u32 },
    Labeled(u8, String),
}

#[test]
fn enum_unit_variant() {
    check(
        &Shape::Empty,
        by_hand(|enc| enc.write_str("Empty")),
        "\"mxL2aui4BcqfetI_K9TDa7N7sdU\"",
    );
}

#[test]
fn enum_tuple_variant() {
    check(
        &Shape::Circle(1.5),
        by_hand(|enc| {
            enc.write_str("Circle");
            enc.encode(&1.5f64);
        }),
        "\"WARkhKZWUVvC8K5QybhL5nXPwP0\"",
    );
    check(
        &Shape::Labeled(7, "seven".to_owned()),
        by_hand(|enc| {
            enc.write_str("Labeled");
            enc.write_u8(7);
            enc.write_str("seven");
        }),
        "\"ooIdRPgoa_rJx0PlHpCtRtP-rdk\"",
    );
}

#[test]
fn enum_struct_variant() {
    check(
        &Shape::Rect { w: 3, h: 4 },
        by_hand(|enc| {
            enc.write_str("Rect");
            enc.field("w", &3u32);
            enc.field("h", &4u32);
        }),
        "\"xtHP4MhQklgcGZMsDiAu5u_T2qU\"",
    );
}

#[derive(ETag)]
struct Pair(u64, String);

#[test]
fn tuple_struct() {
    check(
        &Pair(9, "nine".to_owned()),
        by_hand(|enc| {
            enc.write_raw(&9u64.to_le_bytes());
            enc.write_str("nine");
        }),
        "\"BMMBQrJ4fW4PpLYIhQYwDPBLyIg\"",
    );
}

#[derive(ETag)]
#[etag(salt = "inner-v1")]
struct Inner {
    a: u8,
}

#[derive(ETag)]
struct Outer {
    inner: Inner,
    list: Vec<Inner>,
    shape: Shape,
}

#[test]
fn nested_derived_types_include_their_salt() {
    let outer = Outer {
        inner: Inner { a: 1 },
        list: vec![Inner { a: 2 }, Inner { a: 3 }],
        shape: Shape::Empty,
    };
    let inner = |enc: &mut TagEncoder, a: u8| {
        enc.write_str("inner-v1");
        enc.write_str("a");
        enc.write_u8(a);
    };
    check(
        &outer,
        by_hand(|enc| {
            enc.write_str("inner");
            inner(enc, 1);
            enc.write_str("list");
            enc.write_u64(2);
            inner(enc, 2);
            inner(enc, 3);
            enc.write_str("shape");
            enc.write_str("Empty");
        }),
        "\"m-GpOyGwyHFod9m5Fm_griPHM7Y\"",
    );
}

#[derive(ETag)]
struct Collections {
    some: Option<u32>,
    none: Option<String>,
    list: Vec<u16>,
    sorted: BTreeMap<String, u32>,
    hashed: HashMap<String, i64>,
    set: HashSet<u8>,
}

#[test]
fn option_vec_and_map_fields() {
    let value = Collections {
        some: Some(5),
        none: None,
        list: vec![1, 2],
        sorted: [("b".to_owned(), 2), ("a".to_owned(), 1)].into(),
        hashed: [
            ("aa".to_owned(), 1),
            ("b".to_owned(), 2),
            ("c".to_owned(), -1),
        ]
        .into(),
        set: [3, 1, 2].into(),
    };
    check(
        &value,
        by_hand(|enc| {
            enc.write_str("some");
            enc.write_u8(1);
            enc.write_raw(&5u32.to_le_bytes());
            enc.write_str("none");
            enc.write_u8(0);
            enc.write_str("list");
            enc.write_u64(2);
            enc.write_raw(&[1, 0, 2, 0]);
            enc.write_str("sorted");
            enc.write_u64(2);
            enc.write_str("a");
            enc.write_raw(&1u32.to_le_bytes());
            enc.write_str("b");
            enc.write_raw(&2u32.to_le_bytes());
            // Entries sorted by their whole encoding: the length prefix first, so "b" and
            // "c" (length 1) come before "aa" (length 2).
            enc.write_str("hashed");
            enc.write_u64(3);
            enc.write_str("b");
            enc.write_raw(&2i64.to_le_bytes());
            enc.write_str("c");
            enc.write_raw(&(-1i64).to_le_bytes());
            enc.write_str("aa");
            enc.write_raw(&1i64.to_le_bytes());
            enc.write_str("set");
            enc.write_u64(3);
            enc.write_raw(&[1, 2, 3]);
        }),
        "\"CuCxE91SrNoEOBg1YoDur0z_GX8\"",
    );
}

#[derive(ETag)]
struct Floats {
    zero: f64,
    nan: f64,
    small: f32,
    small_nan: f32,
}

#[test]
fn floats_negative_zero_and_nan() {
    let canonical = Floats {
        zero: 0.0,
        nan: f64::NAN,
        small: 0.5,
        small_nan: f32::NAN,
    };
    let other = Floats {
        zero: -0.0,
        nan: -f64::NAN,
        small: 0.5,
        small_nan: f32::from_bits(0x7fc0_0001),
    };
    let expected = by_hand(|enc| {
        enc.write_str("zero");
        enc.write_raw(&[0; 8]);
        enc.write_str("nan");
        enc.write_raw(&0x7FF8_0000_0000_0000u64.to_le_bytes());
        enc.write_str("small");
        enc.write_raw(&0.5f64.to_le_bytes());
        enc.write_str("small_nan");
        enc.write_raw(&0x7FF8_0000_0000_0000u64.to_le_bytes());
    });
    check(
        &canonical,
        expected.clone(),
        "\"q3cIhnGd5b6dO3fRlnCqwJge8cY\"",
    );
    check(&other, expected, "\"q3cIhnGd5b6dO3fRlnCqwJge8cY\"");
}

#[derive(ETag)]
#[etag(salt = "v2")]
struct Salted {
    id: u64,
}

#[derive(ETag)]
#[etag(salt = "v2")]
enum SaltedEnum {
    On,
}

#[test]
fn salt_comes_first() {
    check(
        &Salted { id: 1 },
        by_hand(|enc| {
            enc.write_str("v2");
            enc.field("id", &1u64);
        }),
        "\"uMWOrPyHYTfrxKZE52XyFyQeiHw\"",
    );
    check(
        &SaltedEnum::On,
        by_hand(|enc| {
            enc.write_str("v2");
            enc.write_str("On");
        }),
        "\"b7EsbT4esvxBZGXpNGzdzYQwtZs\"",
    );
}

#[derive(ETag)]
#[etag(weak)]
struct Summary {
    id: u64,
}

#[test]
fn weak_types_have_weak_tags() {
    let summary = Summary { id: 1 };
    check(
        &summary,
        by_hand(|enc| enc.field("id", &1u64)),
        "W/\"rSvCiPGAkcNTeMYxou7zc18-7t4\"",
    );
    assert!(summary.etag().is_weak());
}

#[allow(dead_code)] // the unhashed field is there to be left out
#[derive(ETag)]
struct Selected {
    #[etag]
    id: u64,
    name: String,
    #[etag]
    version: u32,
}

#[test]
fn bare_etag_selects_exactly_those_fields() {
    check(
        &Selected {
            id: 5,
            name: "ignored".to_owned(),
            version: 3,
        },
        by_hand(|enc| {
            enc.field("id", &5u64);
            enc.field("version", &3u32);
        }),
        "\"fSwDRVsKPNhx1dBP4MM89K9Yuv0\"",
    );
}

#[allow(dead_code)] // the unhashed field is there to be left out
#[derive(ETag)]
struct Skipping {
    id: u64,
    #[etag(skip)]
    cache: String,
    note: char,
}

#[test]
fn skip_leaves_a_field_out() {
    check(
        &Skipping {
            id: 5,
            cache: "ignored".to_owned(),
            note: 'é',
        },
        by_hand(|enc| {
            enc.field("id", &5u64);
            enc.field("note", "é");
        }),
        "\"4vT194LfAZ71VeQ693GMk1iCgVs\"",
    );
}

/// Hashes an e-mail address case-insensitively.
fn lowercase(email: &str, enc: &mut TagEncoder) {
    enc.encode(&email.to_lowercase());
}

/// A field type with no `EncodeTag` impl.
struct Cents(i64);

fn cents(value: &Cents, enc: &mut TagEncoder) {
    enc.encode(&value.0);
}

#[derive(ETag)]
struct WithFunctions {
    #[etag(with = lowercase)]
    email: String,
    #[etag(with = cents)]
    total: Cents,
}

#[derive(ETag)]
struct WithTuple(#[etag(with = cents)] Cents, u8);

#[allow(dead_code)] // the unhashed field is there to be left out
#[derive(ETag)]
struct WithWhileSelecting {
    #[etag]
    id: u64,
    #[etag]
    #[etag(with = lowercase)]
    email: String,
    name: String,
}

#[test]
fn with_feeds_a_function() {
    check(
        &WithFunctions {
            email: "Ann@Example.org".to_owned(),
            total: Cents(-250),
        },
        by_hand(|enc| {
            enc.field("email", "ann@example.org");
            enc.field("total", &-250i64);
        }),
        "\"Rv9lOYF0nAc8um-WzRmDA4MoxVo\"",
    );
    check(
        &WithTuple(Cents(7), 1),
        by_hand(|enc| {
            enc.encode(&7i64);
            enc.write_u8(1);
        }),
        "\"1MyI35LNEw3UKhF1AgZW_78t_Bw\"",
    );
    // Once fields are selected, a `with` field is hashed when it is selected too (a `with`
    // alone is a compile error, see `ui/with_unselected.rs`). The stream is that of the
    // two selected fields: str("id") 1u64 str("email") str("a@b").
    assert_eq!(
        stream_of(&WithWhileSelecting {
            id: 1,
            email: "A@B".to_owned(),
            name: "x".to_owned(),
        }),
        [
            &2u64.to_le_bytes()[..],
            b"id",
            &1u64.to_le_bytes(),
            &5u64.to_le_bytes(),
            b"email",
            &3u64.to_le_bytes(),
            b"a@b",
        ]
        .concat()
    );
    check(
        &WithWhileSelecting {
            id: 1,
            email: "A@B".to_owned(),
            name: "not hashed".to_owned(),
        },
        by_hand(|enc| {
            enc.field("id", &1u64);
            enc.field("email", "a@b");
        }),
        "\"ckfnP-Nzt1ZTgYyjLeujYhot93w\"",
    );
}

#[derive(ETag)]
struct r#Raw {
    r#type: String,
    r#fn: u8,
}

#[derive(ETag)]
enum Keyword {
    r#Match,
    r#Loop { r#in: u8 },
}

#[test]
fn raw_identifiers_are_written_without_prefix() {
    check(
        &Raw {
            r#type: "t".to_owned(),
            r#fn: 1,
        },
        by_hand(|enc| {
            enc.field("type", "t");
            enc.field("fn", &1u8);
        }),
        "\"iHA8-srY8ZzKuIXbRbMSMBap91M\"",
    );
    check(
        &Keyword::Match,
        by_hand(|enc| enc.write_str("Match")),
        "\"q9b1vukjmPCm3ONsUOwsW2vVUiQ\"",
    );
    check(
        &Keyword::Loop { r#in: 2 },
        by_hand(|enc| {
            enc.write_str("Loop");
            enc.field("in", &2u8);
        }),
        "\"HFUL4bWkWOnO3oTBjShkz7gjtJA\"",
    );
}

#[derive(ETag)]
struct Page<'a, T> {
    title: &'a str,
    items: Vec<T>,
    total: u64,
}

#[test]
fn generics_and_lifetimes() {
    check(
        &Page {
            title: "p",
            items: vec![Pair(1, "a".to_owned())],
            total: 1,
        },
        by_hand(|enc| {
            enc.field("title", "p");
            enc.write_str("items");
            enc.write_u64(1);
            enc.write_raw(&1u64.to_le_bytes());
            enc.write_str("a");
            enc.field("total", &1u64);
        }),
        "\"EjMSK1P5I5xoGn-4nO09O-WtNZU\"",
    );
}

#[derive(ETag)]
struct SummaryPage {
    items: Vec<Summary>,
}

/// A weak member (`Summary` above) makes the container's tag weak; the stream, and so the
/// opaque part, is the one DESIGN §4 gives either way (checked with Python's `hashlib` and
/// `base64`).
#[test]
fn weak_members_change_only_the_prefix() {
    let page = SummaryPage {
        items: vec![Summary { id: 1 }],
    };
    check(
        &page,
        by_hand(|enc| {
            enc.write_str("items");
            enc.write_u64(1);
            enc.field("id", &1u64);
        }),
        "W/\"b5NwRGs0EzA88Sb0mLyMcYhdU3k\"",
    );
    // No weak value in the stream: strong.
    check(
        &SummaryPage { items: Vec::new() },
        by_hand(|enc| {
            enc.write_str("items");
            enc.write_u64(0);
        }),
        "\"ZvGeCqMjXz-0WG4vMswtnObYyDs\"",
    );
}

/// Decodes a hex literal (spaces allowed) into bytes.
fn hex(text: &str) -> Vec<u8> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    digits
        .chunks(2)
        .map(|pair| {
            let pair = std::str::from_utf8(pair).unwrap_or_default();
            u8::from_str_radix(pair, 16).unwrap_or_default()
        })
        .collect()
}

/// `Sat Nov 14 22:13:20.25 UTC 2023`: 1 700 000 000 s and 250 000 000 ns after the epoch.
fn updated() -> std::time::SystemTime {
    std::time::SystemTime::UNIX_EPOCH + std::time::Duration::new(1_700_000_000, 250_000_000)
}

/// DESIGN §4: in the all-fields mode a `#[etag(last_modified)]` field is hashed like any
/// other field, in declaration order (the representation shows it, so a strong tag must
/// change with it).
#[derive(ETag)]
struct Post {
    id: u64,
    title: String,
    #[etag(last_modified)]
    updated: std::time::SystemTime,
    draft: bool,
}

/// The stream below was written by hand from DESIGN §4 and hashed with Python's `hashlib`
/// (`base64.urlsafe_b64encode(hashlib.sha1(S).digest()).rstrip(b"=")`), not with this
/// crate:
///
/// ```text
/// 0200000000000000 6964                      str("id")
/// 0700000000000000                           7u64
/// 0500000000000000 7469746c65                str("title")
/// 0200000000000000 4869                      str("Hi")
/// 0700000000000000 75706461746564            str("updated")
/// 00f1536500000000 80b2e60e                  1_700_000_000i64, 250_000_000u32
/// 0500000000000000 6472616674                str("draft")
/// 01                                         true
/// ```
#[test]
fn reference_vector_last_modified_is_hashed_in_the_all_fields_mode() {
    let post = Post {
        id: 7,
        title: "Hi".to_owned(),
        updated: updated(),
        draft: true,
    };
    let expected = hex("
        0200000000000000 6964 0700000000000000
        0500000000000000 7469746c65 0200000000000000 4869
        0700000000000000 75706461746564 00f1536500000000 80b2e60e
        0500000000000000 6472616674 01
    ");
    assert_eq!(expected.len(), 82);
    assert_eq!(
        expected,
        by_hand(|enc| {
            enc.field("id", &7u64);
            enc.field("title", "Hi");
            enc.field("updated", &updated());
            enc.field("draft", &true);
        })
    );
    check(&post, expected, "\"UPoEWrgutFVy3FJ2aMIcN7mBeSE\"");
    assert_eq!(post.last_modified(), Some(updated()));
    // Touching the time alone changes the tag.
    let touched = Post {
        updated: updated() + std::time::Duration::from_nanos(1),
        ..post
    };
    assert_ne!(
        touched.etag().to_string(),
        "\"UPoEWrgutFVy3FJ2aMIcN7mBeSE\""
    );
}

/// With a selection, a `last_modified` field counts only if it is selected too.
#[allow(dead_code)] // `title` is there to be left out of the tag.
#[derive(ETag)]
struct SelectedPost {
    #[etag]
    id: u64,
    #[etag]
    #[etag(last_modified)]
    updated: std::time::SystemTime,
    title: String,
}

#[allow(dead_code)] // `title` is there to be left out of the tag.
#[derive(ETag)]
struct UnselectedPost {
    #[etag]
    id: u64,
    #[etag(last_modified)]
    updated: std::time::SystemTime,
    title: String,
}

/// `str("id") 7u64 str("updated") instant`, hashed with Python's `hashlib` as above.
#[test]
fn reference_vector_selected_last_modified() {
    let selected = SelectedPost {
        id: 7,
        updated: updated(),
        title: "not hashed".to_owned(),
    };
    let expected = hex("
        0200000000000000 6964 0700000000000000
        0700000000000000 75706461746564 00f1536500000000 80b2e60e
    ");
    check(&selected, expected, "\"ocZxHaCUk8XwJitcexz4No5OKVU\"");
    assert_eq!(selected.last_modified(), Some(updated()));

    // Not selected: not hashed, still the modification time.
    let unselected = UnselectedPost {
        id: 7,
        updated: updated(),
        title: "not hashed".to_owned(),
    };
    check(
        &unselected,
        hex("0200000000000000 6964 0700000000000000"),
        &{
            let mut enc = TagEncoder::new();
            enc.field("id", &7u64);
            enc.finish().to_string()
        },
    );
    assert_eq!(unselected.last_modified(), Some(updated()));
}

/// chrono and time date-times as `last_modified` fields: hashed as instants (DESIGN §4,
/// etag-core's `encode` docs), the same 12 bytes as a `SystemTime`, rounded toward the
/// past before the epoch: half a second before it is `(-1, 500_000_000)`.
#[derive(ETag)]
struct ChronoStamp {
    #[etag(last_modified)]
    at: chrono::DateTime<chrono::Utc>,
    n: u8,
}

#[derive(ETag)]
struct TimeStamp {
    #[etag(last_modified)]
    at: time::OffsetDateTime,
    n: u8,
}

#[derive(ETag)]
struct SystemStamp {
    #[etag(last_modified)]
    at: std::time::SystemTime,
    n: u8,
}

/// `str("at") -1i64 500_000_000u32 str("n") 2u8`, hashed with Python's `hashlib`.
#[test]
fn reference_vector_instants_before_the_epoch() {
    let expected = hex("
        0200000000000000 6174 ffffffffffffffff 0065cd1d
        0100000000000000 6e 02
    ");
    let tag = "\"Jed5aJH1xG1gHrfhXyt9QuFTH7I\"";
    let half_before = std::time::SystemTime::UNIX_EPOCH - std::time::Duration::from_millis(500);
    let chrono_at = chrono::DateTime::from_timestamp(-1, 500_000_000).unwrap_or_default();
    let time_at = time::OffsetDateTime::from_unix_timestamp_nanos(-500_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    check(
        &ChronoStamp {
            at: chrono_at,
            n: 2,
        },
        expected.clone(),
        tag,
    );
    check(&TimeStamp { at: time_at, n: 2 }, expected.clone(), tag);
    check(
        &SystemStamp {
            at: half_before,
            n: 2,
        },
        expected,
        tag,
    );
    assert_eq!(
        ChronoStamp {
            at: chrono_at,
            n: 2
        }
        .last_modified(),
        Some(half_before)
    );
    assert_eq!(
        TimeStamp { at: time_at, n: 2 }.last_modified(),
        Some(half_before)
    );
}

/// An enum variant's `last_modified` tuple field, in the all-fields mode.
#[derive(ETag)]
enum Event {
    Created(u64, #[etag(last_modified)] std::time::SystemTime),
    Deleted,
}

/// `str("Created") 1u64 (10i64, 0u32)`, hashed with Python's `hashlib`.
#[test]
fn reference_vector_enum_last_modified() {
    let at = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(10);
    let expected = hex("
        0700000000000000 43726561746564 0100000000000000
        0a00000000000000 00000000
    ");
    check(
        &Event::Created(1, at),
        expected,
        "\"N5-ydCOunV2r55fBdhnpIc7KVTU\"",
    );
    assert_eq!(Event::Created(1, at).last_modified(), Some(at));
    assert_eq!(Event::Deleted.last_modified(), None);
}
