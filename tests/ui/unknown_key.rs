// Unknown keys, on the type and on fields: all reported at once, each at its key.
use etag_core::ETag;

#[derive(ETag)]
#[etag(weak, strong)]
struct Article {
    #[etag(skip, ignore)]
    id: u64,
    #[etag(rename = "title")]
    title: String,
}

fn main() {}
