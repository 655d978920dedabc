// A key given twice: the second one is reported.
use etag_core::ETag;

#[derive(ETag)]
#[etag(weak, salt = "v1")]
#[etag(weak, salt = "v2")]
struct Article {
    #[etag]
    #[etag]
    id: u64,
    #[etag]
    #[etag(with = encode_title, with = encode_title)]
    title: String,
}

fn encode_title(title: &str, enc: &mut etag_core::TagEncoder) {
    enc.encode(title);
}

#[derive(ETag)]
struct Draft {
    #[etag(skip, skip)]
    body: String,
    #[etag(last_modified)]
    #[etag(last_modified)]
    updated: std::time::SystemTime,
}

fn main() {}
