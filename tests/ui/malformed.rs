// Attribute shapes that are not `#[etag]` or `#[etag(key, key = value)]`.
use etag_core::ETag;

#[derive(ETag)]
#[etag]
struct BareOnType {
    id: u64,
}

#[derive(ETag)]
#[etag(weak = true)]
struct Article {
    #[etag = "id"]
    id: u64,
    #[etag()]
    title: String,
    #[etag(skip = true)]
    body: String,
    #[etag(with)]
    author: String,
    #[etag(with = "encode")]
    editor: String,
}

#[derive(ETag)]
enum Event {
    #[etag(skip)]
    Created,
}

fn main() {}
