//! The model and handlers shared by the `actix_*` benches (included with `#[path]`).

use std::sync::LazyLock;

use actix_web::{HttpResponse, web};
use etag_actix::{ETag, Tagged};
use serde::Serialize;

/// A typical API model: tag from id + version, about 1 KB of JSON (1,029 bytes).
#[derive(Serialize, ETag)]
pub(crate) struct Product {
    #[etag]
    pub(crate) id: u64,
    #[etag]
    pub(crate) version: u64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) price_cents: u32,
    pub(crate) tags: Vec<String>,
    pub(crate) discontinued: bool,
}

pub(crate) static PRODUCT: LazyLock<Product> = LazyLock::new(|| Product {
    id: 42,
    version: 7,
    name: "Widget".into(),
    description: "A widget of the usual kind, sturdy and well made. ".repeat(18),
    price_cents: 1299,
    tags: vec!["tools".into(), "hardware".into(), "sale".into()],
    discontinued: false,
});

/// The header form of the product's tag.
pub(crate) fn product_tag() -> String {
    PRODUCT.etag().to_string()
}

/// The baseline of the 304 bar: a fixed 304, no validators computed.
pub(crate) async fn bare_304() -> HttpResponse {
    HttpResponse::NotModified().finish()
}

/// The baseline of the 200 bar: plain `web::Json` of the same value.
pub(crate) async fn plain_json() -> web::Json<&'static Product> {
    web::Json(&*PRODUCT)
}

/// The subject: `Tagged` of the same value (304 or 200 depending on the request).
pub(crate) async fn tagged() -> Tagged<&'static Product> {
    Tagged::new(&*PRODUCT)
}
