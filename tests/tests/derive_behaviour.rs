//! What `#[derive(ETag)]` promises beyond the bytes: which changes move a tag, map order,
//! `last_modified`, generic bounds, the `crate` path, and weakness carried over from members.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use etag_core::{ETag, EncodeTag, TagEncoder};

#[allow(dead_code)] // `views` is there to be left out of the tag.
#[derive(Clone, ETag)]
struct Article {
    id: u64,
    title: String,
    #[etag(skip)]
    views: u64,
}

#[allow(dead_code)] // `body` is there to be left out of the tag.
#[derive(Clone, ETag)]
struct Versioned {
    #[etag]
    id: u64,
    #[etag]
    version: u32,
    body: String,
}

#[test]
fn a_skipped_field_does_not_move_the_tag() {
    let before = Article {
        id: 1,
        title: "t".to_owned(),
        views: 10,
    };
    let after = Article {
        views: 11,
        ..before.clone()
    };
    assert_eq!(before.etag(), after.etag());
}

#[test]
fn a_hashed_field_moves_the_tag() {
    let before = Article {
        id: 1,
        title: "t".to_owned(),
        views: 10,
    };
    let after = Article {
        title: "u".to_owned(),
        ..before.clone()
    };
    assert_ne!(before.etag(), after.etag());
}

#[test]
fn with_selection_only_selected_fields_move_the_tag() {
    let before = Versioned {
        id: 1,
        version: 1,
        body: "a".to_owned(),
    };
    let edited = Versioned {
        body: "b".to_owned(),
        ..before.clone()
    };
    assert_eq!(before.etag(), edited.etag());
    let bumped = Versioned {
        version: 2,
        ..edited.clone()
    };
    assert_ne!(edited.etag(), bumped.etag());
    let other = Versioned {
        id: 2,
        ..before.clone()
    };
    assert_ne!(before.etag(), other.etag());
}

#[derive(ETag)]
struct Index {
    entries: HashMap<String, u32>,
    members: HashSet<String>,
}

#[test]
fn maps_built_in_different_orders_have_one_tag() {
    let keys: Vec<String> = (0..100).map(|i| format!("key-{i}")).collect();
    let forward = Index {
        entries: keys.iter().cloned().zip(0..).collect(),
        members: keys.iter().cloned().collect(),
    };
    let mut entries = HashMap::with_capacity(1000);
    let mut members = HashSet::with_capacity(1000);
    for (i, key) in keys.iter().enumerate().rev() {
        entries.insert(key.clone(), u32::try_from(i).unwrap());
        members.insert(key.clone());
    }
    let backward = Index { entries, members };
    assert_eq!(forward.etag(), backward.etag());
}

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

#[derive(Clone, ETag)]
struct Post {
    id: u64,
    #[etag(last_modified)]
    updated: SystemTime,
}

#[derive(ETag)]
struct Draft {
    id: u64,
    #[etag(last_modified)]
    saved: Option<SystemTime>,
}

/// DESIGN §4: in the all-fields mode a `last_modified` field is hashed like any other (the
/// representation shows it); with a selection, only if selected.
#[test]
fn last_modified_is_reported_and_hashed_in_the_all_fields_mode() {
    let post = Post {
        id: 1,
        updated: at(1_700_000_000),
    };
    assert_eq!(post.last_modified(), Some(at(1_700_000_000)));
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &1u64);
    by_hand.field("updated", &at(1_700_000_000));
    assert_eq!(post.etag(), by_hand.finish());
    let touched = Post {
        updated: at(1_800_000_000),
        ..post.clone()
    };
    assert_ne!(post.etag(), touched.etag());

    assert_eq!(Draft { id: 1, saved: None }.last_modified(), None);
    assert_eq!(
        Draft {
            id: 1,
            saved: Some(at(5))
        }
        .last_modified(),
        Some(at(5))
    );
}

#[test]
fn types_without_last_modified_report_none() {
    let article = Article {
        id: 1,
        title: "t".to_owned(),
        views: 0,
    };
    assert_eq!(article.last_modified(), None);
}

#[derive(ETag)]
enum Event {
    Created(u64, #[etag(last_modified)] SystemTime),
    Edited {
        id: u64,
        #[etag(last_modified)]
        at: SystemTime,
    },
    Deleted {
        id: u64,
    },
}

#[test]
fn enum_last_modified_per_variant() {
    assert_eq!(Event::Created(1, at(10)).last_modified(), Some(at(10)));
    assert_eq!(
        Event::Edited { id: 1, at: at(20) }.last_modified(),
        Some(at(20))
    );
    assert_eq!(Event::Deleted { id: 1 }.last_modified(), None);
    let mut by_hand = TagEncoder::new();
    by_hand.write_str("Created");
    by_hand.encode(&1u64);
    by_hand.encode(&at(10));
    assert_eq!(Event::Created(1, at(10)).etag(), by_hand.finish());
    // All-fields mode: the time is hashed too.
    assert_ne!(
        Event::Edited { id: 1, at: at(20) }.etag(),
        Event::Edited { id: 1, at: at(30) }.etag()
    );
}

#[derive(ETag)]
enum SelectedEvent {
    Edited {
        #[etag]
        id: u64,
        #[etag(last_modified)]
        at: SystemTime,
    },
    Stamped(
        #[etag]
        #[etag(last_modified)]
        SystemTime,
    ),
}

#[test]
fn selected_enum_last_modified_is_hashed_only_when_selected() {
    assert_eq!(
        SelectedEvent::Edited { id: 1, at: at(20) }.etag(),
        SelectedEvent::Edited { id: 1, at: at(30) }.etag()
    );
    assert_eq!(
        SelectedEvent::Edited { id: 1, at: at(20) }.last_modified(),
        Some(at(20))
    );
    let mut by_hand = TagEncoder::new();
    by_hand.write_str("Stamped");
    by_hand.encode(&at(5));
    assert_eq!(SelectedEvent::Stamped(at(5)).etag(), by_hand.finish());
    assert_eq!(SelectedEvent::Stamped(at(5)).last_modified(), Some(at(5)));
}

/// `skip` and `with` combine with `last_modified`: they say whether and how the field is
/// hashed, `last_modified` where Last-Modified comes from.
#[derive(ETag)]
struct SkippedTime {
    id: u64,
    #[etag(last_modified, skip)]
    updated: SystemTime,
}

fn whole_seconds(time: &SystemTime, enc: &mut TagEncoder) {
    enc.encode(&etag_core::unix_seconds(*time));
}

#[derive(ETag)]
struct SecondsTime {
    id: u64,
    #[etag(last_modified, with = whole_seconds)]
    updated: SystemTime,
}

#[test]
fn last_modified_with_skip_or_with() {
    let skipped = SkippedTime {
        id: 1,
        updated: at(7),
    };
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &1u64);
    assert_eq!(skipped.etag(), by_hand.finish());
    assert_eq!(skipped.last_modified(), Some(at(7)));

    let seconds = SecondsTime {
        id: 1,
        updated: at(7) + Duration::from_millis(300),
    };
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &1u64);
    by_hand.field("updated", &7i128);
    assert_eq!(seconds.etag(), by_hand.finish());
    assert_eq!(
        seconds.last_modified(),
        Some(at(7) + Duration::from_millis(300))
    );
}

/// A type with no `EncodeTag` impl.
#[derive(Clone)]
struct Opaque;

#[allow(dead_code)] // `extra` is there to be left out of the tag.
#[derive(ETag)]
struct Selective<T, U> {
    #[etag]
    id: T,
    extra: U,
}

#[derive(ETag)]
struct Marked<T> {
    id: u64,
    #[etag(skip)]
    marker: PhantomData<T>,
}

#[derive(ETag)]
struct Skipped<T> {
    id: u64,
    #[etag(skip)]
    cache: T,
}

#[derive(ETag)]
struct Associated<I: Iterator> {
    next: Option<I::Item>,
}

#[derive(ETag)]
struct Bounded<T: Clone>
where
    T: Default,
{
    value: T,
}

fn tag_of<T: ETag>(value: &T) -> String {
    value.etag().to_string()
}

#[test]
fn bounds_only_for_parameters_of_hashed_fields() {
    // `Opaque` has no `EncodeTag` impl, yet each of these is an `ETag`: the parameter it
    // fills is used only by a field that is not hashed.
    let selective = Selective {
        id: 7u64,
        extra: Opaque,
    };
    let marked = Marked::<Opaque> {
        id: 7,
        marker: PhantomData,
    };
    let skipped = Skipped {
        id: 7,
        cache: Opaque,
    };
    let _ = skipped.cache.clone();
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &7u64);
    let expected = by_hand.finish().to_string();
    assert_eq!(tag_of(&selective), expected);
    assert_eq!(tag_of(&marked), expected);
    assert_eq!(tag_of(&skipped), expected);

    let associated = Associated::<std::vec::IntoIter<u32>> { next: Some(3) };
    let mut by_hand = TagEncoder::new();
    by_hand.field("next", &Some(3u32));
    assert_eq!(associated.etag(), by_hand.finish());

    let bounded = Bounded { value: 1u8 };
    let mut by_hand = TagEncoder::new();
    by_hand.field("value", &1u8);
    assert_eq!(bounded.etag(), by_hand.finish());
}

#[derive(ETag)]
struct Tree {
    value: u32,
    children: Vec<Tree>,
}

#[test]
fn recursive_types() {
    let tree = Tree {
        value: 1,
        children: vec![Tree {
            value: 2,
            children: Vec::new(),
        }],
    };
    let mut by_hand = TagEncoder::new();
    by_hand.field("value", &1u32);
    by_hand.write_str("children");
    by_hand.write_u64(1);
    by_hand.field("value", &2u32);
    by_hand.write_str("children");
    by_hand.write_u64(0);
    assert_eq!(tree.etag(), by_hand.finish());
}

#[derive(ETag)]
enum Never {}

#[derive(ETag)]
struct Unit;

#[derive(ETag)]
struct EmptyTuple();

#[derive(ETag)]
struct EmptyNamed {}

#[test]
fn empty_types() {
    fn is_etag<T: ETag + EncodeTag>() {}
    is_etag::<Never>();
    let empty = TagEncoder::new().finish();
    assert_eq!(Unit.etag(), empty);
    assert_eq!(EmptyTuple().etag(), empty);
    assert_eq!(EmptyNamed {}.etag(), empty);
}

/// A re-export of etag-core under another name, as a facade crate would have.
mod facade {
    pub(crate) use etag_core::*;
}

#[derive(ETag)]
#[etag(crate = "crate::facade")]
struct ThroughFacade {
    id: u64,
}

#[test]
fn crate_attribute_names_the_path() {
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &3u64);
    assert_eq!(ThroughFacade { id: 3 }.etag(), by_hand.finish());
}

/// Declares a model from a macro, as code generators do.
macro_rules! model {
    ($name:ident { $($field:ident: $ty:ty),* }) => {
        #[derive(ETag)]
        struct $name {
            $(#[etag] $field: $ty,)*
        }
    };
}

model!(FromMacro {
    id: u64,
    name: String
});

#[derive(ETag)]
struct Fixed<const N: usize> {
    bytes: [u8; N],
    next: Option<Box<Self>>,
}

#[test]
fn macro_generated_const_generic_and_self_types() {
    let mut by_hand = TagEncoder::new();
    by_hand.field("id", &1u64);
    by_hand.field("name", "n");
    let value = FromMacro {
        id: 1,
        name: "n".to_owned(),
    };
    assert_eq!(value.etag(), by_hand.finish());

    let fixed = Fixed {
        bytes: [1, 2],
        next: Some(Box::new(Fixed {
            bytes: [3, 4],
            next: None,
        })),
    };
    let mut by_hand = TagEncoder::new();
    by_hand.field("bytes", &[1u8, 2]);
    by_hand.write_str("next");
    by_hand.write_u8(1);
    by_hand.field("bytes", &[3u8, 4]);
    by_hand.field("next", &None::<u8>);
    assert_eq!(fixed.etag(), by_hand.finish());
}

#[allow(dead_code)] // the skipped fields are there to be left out of the tag
#[derive(ETag)]
enum Payment {
    Card {
        #[etag(skip)]
        token: String,
        #[etag(with = last_four)]
        number: String,
    },
    Cash(#[etag(skip)] u8, #[etag(with = cents)] Cents),
}

/// A type without an `EncodeTag` impl.
struct Cents(i64);

fn cents(value: &Cents, enc: &mut TagEncoder) {
    enc.encode(&value.0);
}

fn last_four(number: &str, enc: &mut TagEncoder) {
    enc.encode(number.get(number.len().saturating_sub(4)..).unwrap_or(""));
}

#[test]
fn enum_variants_with_skip_and_with() {
    let card = Payment::Card {
        token: "tok".to_owned(),
        number: "4111111111111111".to_owned(),
    };
    let mut by_hand = TagEncoder::new();
    by_hand.write_str("Card");
    by_hand.field("number", "1111");
    assert_eq!(card.etag(), by_hand.finish());

    let mut by_hand = TagEncoder::new();
    by_hand.write_str("Cash");
    by_hand.encode(&-5i64);
    assert_eq!(Payment::Cash(9, Cents(-5)).etag(), by_hand.finish());
}

fn name_length(name: &str, enc: &mut TagEncoder) {
    enc.encode(&(name.len() as u64));
}

/// Every token of the model, attributes and types included, written inside a macro.
macro_rules! model_inside_macro {
    ($name:ident) => {
        #[derive(ETag)]
        struct $name {
            #[etag(with = name_length)]
            name: String,
            #[etag(last_modified)]
            at: Option<SystemTime>,
        }
    };
}

model_inside_macro!(Hygienic);

#[test]
fn tokens_from_a_macro_body_resolve() {
    let value = Hygienic {
        name: "abc".to_owned(),
        at: Some(at(1)),
    };
    let mut by_hand = TagEncoder::new();
    by_hand.field("name", &3u64);
    by_hand.field("at", &Some(at(1)));
    assert_eq!(value.etag(), by_hand.finish());
    assert_eq!(value.last_modified(), Some(at(1)));
}

#[allow(dead_code)] // `title` is shown but not hashed: that is why the type is weak.
#[derive(Clone, ETag)]
#[etag(weak)]
struct Summary {
    id: u64,
    #[etag(skip)]
    title: String,
}

/// The same fields as `Summary`, strong.
#[derive(Clone, ETag)]
struct StrongSummary {
    id: u64,
}

#[derive(ETag)]
struct Listing {
    page: u32,
    items: Vec<Summary>,
}

#[derive(ETag)]
struct Holder {
    summary: Summary,
}

#[derive(ETag)]
struct Shared(Option<Arc<Summary>>, (u8, Box<Summary>));

#[derive(ETag)]
enum Slot {
    Filled(Summary),
    Empty,
}

#[allow(dead_code)] // `summary` is there to be left out of the tag.
#[derive(ETag)]
struct SelectsAroundIt {
    #[etag]
    id: u64,
    summary: Summary,
}

fn summary(id: u64) -> Summary {
    Summary {
        id,
        title: format!("#{id}"),
    }
}

/// DESIGN §4: a strong tag states that the hashed values determine every byte; a weak
/// member's do not, so whatever contains one is weak (with the same opaque part).
#[test]
fn weak_members_make_the_tag_weak() {
    let one = summary(1);
    assert!(one.etag().is_weak());
    // Collections of a weak type, tagged as collections.
    assert!(vec![one.clone()].etag().is_weak());
    assert!([one.clone(), summary(2)][..].etag().is_weak());
    assert_eq!(
        vec![one.clone()].etag().opaque(),
        vec![StrongSummary { id: 1 }].etag().opaque()
    );
    // Derived types holding one: in a Vec, directly, behind Option/Arc/Box/tuples, in maps.
    let listing = Listing {
        page: 1,
        items: vec![one.clone()],
    };
    assert!(listing.etag().is_weak());
    assert!(
        Holder {
            summary: one.clone()
        }
        .etag()
        .is_weak()
    );
    let shared = Shared(Some(Arc::new(one.clone())), (1, Box::new(summary(2))));
    assert!(shared.etag().is_weak());
    assert!(Slot::Filled(one.clone()).etag().is_weak());
    let by_hash: HashMap<u8, Summary> = HashMap::from([(1, one.clone())]);
    let by_key: BTreeMap<Summary, u8> = BTreeMap::new();
    let mut enc = TagEncoder::new();
    enc.encode(&by_hash);
    assert!(enc.finish().is_weak());
    let mut enc = TagEncoder::new();
    enc.encode(&by_key);
    assert!(!enc.finish().is_weak());
}

#[test]
fn strong_stays_strong() {
    // No weak value written: an empty list, a `None`, another variant, an unselected field.
    let empty = Listing {
        page: 1,
        items: Vec::new(),
    };
    assert!(!empty.etag().is_weak());
    assert!(!Vec::<Summary>::new().etag().is_weak());
    assert!(!Slot::Empty.etag().is_weak());
    let shared = Shared(None, (1, Box::new(summary(2))));
    assert!(shared.etag().is_weak(), "the Box still holds one");
    let selects = SelectsAroundIt {
        id: 1,
        summary: summary(1),
    };
    assert!(!selects.etag().is_weak());
    // Strong members, strong containers.
    assert!(!vec![StrongSummary { id: 1 }].etag().is_weak());
    assert!(!vec![1u8, 2].etag().is_weak());
}
