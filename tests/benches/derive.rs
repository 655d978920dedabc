//! Deriving a tag from a ~10 KB model against what body-hashing middlewares do
//! (`serde_json::to_vec` + SHA-1 + base64url of the bytes).
//!
//! Bars (DESIGN §6): `#[etag]` id + version at least 100x faster than the baseline; all
//! fields hashed at most half of the baseline's time.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use criterion::{Criterion, criterion_group, criterion_main};
use etag_core::{ETag, EncodeTag as _, TagEncoder};
use serde::Serialize;
use sha1::{Digest as _, Sha1};

#[derive(Clone, Serialize, ETag)]
struct LineItem {
    sku: String,
    title: String,
    quantity: u32,
    unit_cents: u64,
    discount: Option<f64>,
    backordered: bool,
}

#[derive(Clone, Serialize, ETag)]
struct Address {
    street: String,
    city: String,
    postcode: String,
    country: String,
}

/// The model as DESIGN §1 recommends: the tag comes from the id and a version column.
#[derive(Clone, Serialize, ETag)]
struct Order {
    #[etag]
    id: u64,
    #[etag]
    version: u64,
    name: String,
    description: String,
    customer: String,
    shipping: Address,
    lines: Vec<LineItem>,
    tags: Vec<String>,
    total_cents: u64,
    paid: bool,
}

/// The same shape with every field hashed.
#[derive(Clone, Serialize, ETag)]
struct OrderAllFields {
    id: u64,
    version: u64,
    name: String,
    description: String,
    customer: String,
    shipping: Address,
    lines: Vec<LineItem>,
    tags: Vec<String>,
    total_cents: u64,
    paid: bool,
}

fn order() -> Order {
    let lines: Vec<LineItem> = (0..60u32)
        .map(|i| LineItem {
            sku: format!("SKU-{i:06}"),
            title: format!("Stainless steel widget, model {i}, pack of {}", i % 7 + 1),
            quantity: i % 5 + 1,
            unit_cents: 1299 + u64::from(i) * 37,
            discount: (i % 3 == 0).then_some(0.15),
            backordered: i % 11 == 0,
        })
        .collect();
    Order {
        id: 918_273,
        version: 42,
        name: "Quarterly restock for the north-east warehouse".to_owned(),
        description: "Standing order; deliver to the loading dock between 6 and 9 am. ".repeat(12),
        customer: "ACME Industrial Supplies Ltd.".to_owned(),
        shipping: Address {
            street: "1200 Harbour Road, Unit 14".to_owned(),
            city: "Portsmouth".to_owned(),
            postcode: "PO1 3AX".to_owned(),
            country: "GB".to_owned(),
        },
        total_cents: lines
            .iter()
            .map(|l| l.unit_cents * u64::from(l.quantity))
            .sum(),
        lines,
        tags: ["wholesale", "priority", "net-30", "restock", "north-east"]
            .map(String::from)
            .to_vec(),
        paid: false,
    }
}

fn all_fields(order: &Order) -> OrderAllFields {
    let order = order.clone();
    OrderAllFields {
        id: order.id,
        version: order.version,
        name: order.name,
        description: order.description,
        customer: order.customer,
        shipping: order.shipping,
        lines: order.lines,
        tags: order.tags,
        total_cents: order.total_cents,
        paid: order.paid,
    }
}

/// What a body-hashing middleware computes.
fn serialize_and_hash<T: Serialize>(value: &T) -> String {
    let body = serde_json::to_vec(value).expect("serialize");
    URL_SAFE_NO_PAD.encode(Sha1::digest(&body))
}

fn bench(c: &mut Criterion) {
    let order = order();
    let everything = all_fields(&order);
    let size = serde_json::to_vec(&order).unwrap().len();
    eprintln!(
        "model: {size} bytes of JSON, {} line items",
        order.lines.len()
    );

    let mut group = c.benchmark_group("derive");
    group.bench_function("serde_json_sha1_baseline", |b| {
        b.iter(|| serialize_and_hash(black_box(&order)))
    });
    group.bench_function("selected_id_version", |b| {
        b.iter(|| black_box(&order).etag())
    });
    group.bench_function("all_fields", |b| b.iter(|| black_box(&everything).etag()));
    group.finish();

    // Where the time goes: the parts of the baseline, and the all-fields stream written
    // into memory and hashed in one call (the hashing cost without the per-write cost).
    let mut parts = c.benchmark_group("derive_breakdown");
    let body = serde_json::to_vec(&order).unwrap();
    let mut stream = TagEncoder::buffered();
    everything.encode_tag(&mut stream);
    let stream = stream.into_bytes().unwrap();
    eprintln!("all-fields stream: {} bytes", stream.len());
    parts.bench_function("serde_json_to_vec", |b| {
        b.iter(|| serde_json::to_vec(black_box(&order)).unwrap())
    });
    parts.bench_function("sha1_of_json", |b| {
        b.iter(|| Sha1::digest(black_box(&body)))
    });
    parts.bench_function("sha1_of_stream", |b| {
        b.iter(|| Sha1::digest(black_box(&stream)))
    });
    parts.bench_function("all_fields_buffered_then_sha1", |b| {
        b.iter(|| {
            let mut enc = TagEncoder::buffered();
            black_box(&everything).encode_tag(&mut enc);
            enc.finish()
        })
    });
    parts.bench_function("empty_tag", |b| b.iter(|| TagEncoder::new().finish()));
    parts.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
