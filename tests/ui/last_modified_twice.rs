// At most one `last_modified` field per struct, or per enum variant.
use std::time::SystemTime;

use etag_core::ETag;

#[derive(ETag)]
struct Article {
    id: u64,
    #[etag(last_modified)]
    created: SystemTime,
    #[etag(last_modified)]
    updated: SystemTime,
}

#[derive(ETag)]
enum Event {
    // One per variant is fine.
    Created(u64, #[etag(last_modified)] SystemTime),
    Edited {
        id: u64,
        #[etag(last_modified)]
        at: SystemTime,
        #[etag(last_modified)]
        seen: Option<SystemTime>,
    },
}

fn main() {}
