// A union is rejected, and the placeholder impls that follow the error still use the
// `crate` path: here a module with traits of its own, so that using the union as its
// `ETag` adds no second error.
mod krate {
    pub struct TagEncoder;
    pub struct EntityTag;

    pub trait EncodeTag {
        fn encode_tag(&self, enc: &mut TagEncoder);
    }

    pub trait ETag {
        fn etag(&self) -> EntityTag;
    }
}

#[derive(etag_core::ETag)]
#[etag(crate = "krate")]
union Bits {
    int: u32,
    float: f32,
}

fn needs_etag<T: krate::ETag>() {}

fn main() {
    needs_etag::<Bits>();
}
