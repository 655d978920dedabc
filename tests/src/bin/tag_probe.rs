//! Prints the derived tags of a few fixed values, one `name tag` line each.
//!
//! `tests/derive_determinism.rs` runs it twice: each process seeds its `HashMap`s and
//! `HashSet`s differently, so equal output shows that iteration order does not reach a tag.

use std::collections::{BTreeMap, HashMap, HashSet};

use etag_core::ETag;

#[derive(ETag)]
struct Inventory {
    id: u64,
    stock: HashMap<String, u32>,
    labels: HashSet<String>,
}

#[derive(ETag)]
#[etag(salt = "change-v1")]
enum Change {
    Rename(String),
    Patch { fields: HashMap<String, String> },
}

#[derive(ETag)]
#[etag(weak)]
struct Catalog {
    #[etag]
    name: String,
    #[etag]
    shelves: BTreeMap<u16, HashSet<u64>>,
    note: String,
}

fn main() {
    let inventory = Inventory {
        id: 7,
        stock: (0..50u32).map(|i| (format!("sku-{i}"), i * 3)).collect(),
        labels: ["red", "green", "blue", "cyan", "magenta", "yellow", "black"]
            .map(String::from)
            .into(),
    };
    let patch = Change::Patch {
        fields: (0..20).map(|i| (format!("f{i}"), "x".repeat(i))).collect(),
    };
    let rename = Change::Rename("new".to_owned());
    let catalog = Catalog {
        name: "main".to_owned(),
        shelves: (0..5u16)
            .map(|s| (s, (0..10u64).map(|i| i * u64::from(s)).collect()))
            .collect(),
        note: "not hashed".to_owned(),
    };
    println!("inventory {}", inventory.etag());
    println!("patch {}", patch.etag());
    println!("rename {}", rename.etag());
    println!("catalog {}", catalog.etag());
    // Keep the unhashed field read, as a real model's would be.
    let _ = catalog.note.len();
}
