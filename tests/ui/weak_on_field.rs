// Container keys on a field and field keys on the type.
use etag_core::ETag;

#[derive(ETag)]
#[etag(skip)]
struct Article {
    #[etag(weak)]
    id: u64,
    #[etag(salt = "v2")]
    title: String,
}

fn main() {}
