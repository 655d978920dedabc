#![doc = include_str!("../README.md")]

mod ast;
mod attr;
mod bound;
mod errors;
mod expand;
mod fallback;
mod stream;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input, parse_quote};

/// Derives `ETag` (and `EncodeTag`) from a struct's or enum's fields: a deterministic,
/// documented entity tag.
///
#[doc = include_str!("derive.md")]
#[proc_macro_derive(ETag, attributes(etag))]
pub fn derive_etag(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, parse_quote!(::etag_core)).into()
}

/// Derives `ETag` (and `EncodeTag`), naming `::etag_actix` in the generated code: the
/// derive as etag-actix re-exports it, for users who depend on etag-actix alone.
///
/// It is the same derive as etag-core's `ETag` in every other respect. The examples below
/// import it from etag-core; through etag-actix, `use etag_actix::ETag;` instead.
///
#[doc = include_str!("derive.md")]
#[doc(hidden)]
#[proc_macro_derive(ETagActix, attributes(etag))]
pub fn derive_etag_actix(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive(&input, parse_quote!(::etag_actix)).into()
}
