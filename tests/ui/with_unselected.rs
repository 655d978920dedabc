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
