// Invalid attributes still implement `ETag`: code that uses the type as an `ETag` type-checks,
// so the only error is the attribute's, not "`Article: ETag` is not satisfied" as well.
use etag_core::{ETag, EntityTag};

#[derive(ETag)]
struct Article {
    #[etag(frobnicate)]
    id: u64,
}

#[derive(ETag)]
union Bits {
    int: u32,
}

fn tag_of<T: ETag>(value: &T) -> EntityTag {
    value.etag()
}

fn main() {
    let _ = tag_of(&Article { id: 1 });
    let _ = tag_of(&Bits { int: 1 });
}
