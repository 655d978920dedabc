// Values with a comma inside (a closure, generic arguments): one error each, at the value,
// and nothing about the tokens after the comma.
use etag_core::ETag;

#[derive(ETag)]
#[etag(salt = |a, b| a)]
struct Article {
    #[etag(with = |value, enc| ())]
    id: u64,
    #[etag(skip = <u8, u8>)]
    views: u64,
}

fn main() {}
