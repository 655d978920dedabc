// A `last_modified` field whose type is no `ModificationTime`: the error points at it.
use etag_core::ETag;

#[derive(ETag)]
struct Article {
    id: u64,
    #[etag(last_modified)]
    updated: String,
}

fn main() {}
