// `crate` takes a path inside a string literal, as in serde.
use etag_core::ETag;

#[derive(ETag)]
#[etag(crate = etag_core)]
struct Unquoted {
    id: u64,
}

#[derive(ETag)]
#[etag(crate = "not a path")]
struct NotAPath {
    id: u64,
}

fn main() {}
