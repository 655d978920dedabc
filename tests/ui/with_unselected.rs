// Once a field is selected with a bare `#[etag]`, only selected fields are hashed: a `with`
// field must be selected too (`#[etag] #[etag(with = ...)]`), or its `with` does nothing.
use etag_core::{ETag, TagEncoder};

fn lowercase(value: &str, enc: &mut TagEncoder) {
    enc.encode(&value.to_lowercase());
}

#[derive(ETag)]
struct Account {
    #[etag]
    id: u64,
    #[etag(with = lowercase)]
    email: String,
    name: String,
}

#[derive(ETag)]
enum Event {
    Created {
        #[etag]
        id: u64,
    },
    Renamed(#[etag(with = lowercase)] String),
}

// A `last_modified` field follows the same rule: unselected, its `with` does nothing.
#[derive(ETag)]
struct Post {
    #[etag]
    id: u64,
    #[etag(last_modified, with = seconds)]
    updated: std::time::SystemTime,
}

fn seconds(time: &std::time::SystemTime, enc: &mut TagEncoder) {
    enc.encode(&time.elapsed().is_ok());
}

// Selected as well: accepted.
#[derive(ETag)]
struct Selected {
    #[etag]
    id: u64,
    #[etag]
    #[etag(with = lowercase)]
    email: String,
}

fn main() {}
