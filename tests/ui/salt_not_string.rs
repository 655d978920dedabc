// `salt` takes a string literal.
use etag_core::ETag;

#[derive(ETag)]
#[etag(salt = 2)]
struct Numbered {
    id: u64,
}

#[derive(ETag)]
#[etag(salt = v2)]
struct Bare {
    id: u64,
}

#[derive(ETag)]
#[etag(salt)]
struct Missing {
    id: u64,
}

fn main() {}
