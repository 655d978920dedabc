//! `#[derive(ETag)]`. (Being written.)

use proc_macro::TokenStream;

/// Derives `etag_core::ETag` (being written).
#[proc_macro_derive(ETag, attributes(etag))]
pub fn derive_etag(input: TokenStream) -> TokenStream {
    let _ = input;
    TokenStream::new()
}
