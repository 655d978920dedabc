//! The expansion for invalid input: the errors, plus impls whose bodies are never run.
//!
//! With the impls in place, code that uses the type as an `ETag` (a `Tagged<T>` handler,
//! say) type-checks, so the user sees only the attribute errors, not a cascade of
//! "`T: ETag` is not satisfied" in every handler.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

/// The compile errors and placeholder `EncodeTag` and `ETag` impls.
pub(crate) fn expand(node: &DeriveInput, krate: &syn::Path, error: syn::Error) -> TokenStream {
    let ident = &node.ident;
    let (impl_generics, ty_generics, where_clause) = node.generics.split_for_impl();
    let error = error.into_compile_error();
    quote! {
        #error

        #[automatically_derived]
        #[allow(deprecated, unused_qualifications)]
        impl #impl_generics #krate::EncodeTag for #ident #ty_generics #where_clause {
            fn encode_tag(&self, _: &mut #krate::TagEncoder) {
                ::core::unreachable!()
            }
        }

        #[automatically_derived]
        #[allow(deprecated, unused_qualifications)]
        impl #impl_generics #krate::ETag for #ident #ty_generics #where_clause {
            fn etag(&self) -> #krate::EntityTag {
                ::core::unreachable!()
            }
        }
    }
}
