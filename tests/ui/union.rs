// Unions are rejected.
use etag_core::ETag;

#[derive(ETag)]
union Bits {
    int: u32,
    float: f32,
}

fn main() {}
