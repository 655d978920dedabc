// A `with` function of the wrong type: the error points at the function's path.
use etag_core::{ETag, TagEncoder};

fn by_value(value: u64, enc: &mut TagEncoder) {
    enc.encode(&value);
}

#[derive(ETag)]
struct Article {
    #[etag(with = by_value)]
    id: u64,
}

fn main() {}
