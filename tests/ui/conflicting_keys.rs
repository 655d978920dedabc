// Keys that contradict each other on one field.
use std::time::SystemTime;

use etag_core::{ETag, TagEncoder};

fn encode_id(id: &u64, enc: &mut TagEncoder) {
    enc.encode(id);
}

#[derive(ETag)]
struct SkipWith {
    #[etag(skip, with = encode_id)]
    id: u64,
}

// `last_modified` says where Last-Modified comes from, not whether the field is hashed
// (DESIGN §4), so it combines with the selection keys and `with`: accepted.
#[derive(ETag)]
struct SelectLastModified {
    #[etag]
    id: u64,
    #[etag]
    #[etag(last_modified)]
    updated: SystemTime,
}

#[derive(ETag)]
struct LastModifiedWith {
    id: u64,
    #[etag(last_modified, with = encode_time)]
    updated: SystemTime,
}

#[derive(ETag)]
struct LastModifiedSkip {
    id: u64,
    #[etag(last_modified, skip)]
    updated: SystemTime,
}

fn encode_time(time: &SystemTime, enc: &mut TagEncoder) {
    enc.encode(time);
}

fn main() {}
