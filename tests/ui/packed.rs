// A packed struct cannot be borrowed field by field, which the generated code does: a clear
// error instead of E0793 at the derive.
use etag_core::ETag;

#[derive(ETag)]
#[repr(C, packed)]
struct Header {
    kind: u8,
    length: u64,
}

#[derive(ETag)]
#[repr(packed(2))]
struct Aligned {
    kind: u8,
    length: u64,
}

fn main() {}
