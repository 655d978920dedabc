// `#[etag]` (select) and `#[etag(skip)]` in one type; for an enum, across its variants.
use etag_core::ETag;

#[derive(ETag)]
struct Article {
    #[etag]
    id: u64,
    #[etag(skip)]
    body: String,
}

#[derive(ETag)]
enum Event {
    Created {
        #[etag]
        id: u64,
    },
    Edited {
        id: u64,
        #[etag(skip)]
        diff: String,
    },
}

fn main() {}
