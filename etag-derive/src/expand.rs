//! Code generation: `impl EncodeTag` (the stream S of DESIGN §4) and `impl ETag`.

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{DeriveInput, Generics, Member};

use crate::ast::{Body, Field, Fields, Input, Style, Variant};
use crate::bound::Usage;
use crate::errors::Errors;
use crate::fallback;
use crate::stream::Stream;

/// Expands one `#[derive]`; `default_krate` is the path the generated code names unless
/// `#[etag(crate = "...")]` overrides it.
pub(crate) fn derive(node: &DeriveInput, default_krate: syn::Path) -> TokenStream {
    let mut errors = Errors::default();
    let (input, krate) = match Input::from_syn(node, &mut errors) {
        Ok(input) => {
            input.validate(&mut errors);
            let krate = input.attrs.krate.clone();
            (Some(input), krate)
        }
        // A union: its `crate` path still names the placeholder impls' traits.
        Err(attrs) => (None, attrs.krate),
    };
    let krate = krate.unwrap_or(default_krate);
    match (input, errors.finish()) {
        (Some(input), Ok(())) => expand(&input, &krate),
        (_, Err(error)) => fallback::expand(node, &krate, error),
        (None, Ok(())) => fallback::expand(
            node,
            &krate,
            syn::Error::new(Span::call_site(), "unsupported input for `#[derive(ETag)]`"),
        ),
    }
}

/// The two impls for valid input.
fn expand(input: &Input<'_>, krate: &syn::Path) -> TokenStream {
    let ident = input.ident;
    let selects = input.selects();
    let (impl_generics, ty_generics, _) = input.generics.split_for_impl();

    let mut usage = Usage::new(input.generics);
    for field in input.all_fields() {
        if field.is_hashed(selects) && field.attrs.with.is_none() {
            usage.add_field(field.ty);
        }
    }
    let encode_bounds = usage.predicates(&quote!(#krate::EncodeTag));
    let mut etag_bounds = encode_bounds.clone();
    for field in input.all_fields() {
        if field.attrs.last_modified.is_some() && Usage::mentions(input.generics, field.ty) {
            let ty = field.ty;
            etag_bounds.push(quote!(#ty: #krate::ModificationTime));
        }
    }
    let encode_where = where_clause(input.generics, &encode_bounds);
    let etag_where = where_clause(input.generics, &etag_bounds);

    let salt = input.attrs.salt.as_ref().map(syn::LitStr::value);
    let body = match &input.body {
        Body::Struct(fields) => struct_body(fields, salt.as_deref(), selects, krate),
        Body::Enum(variants) => enum_body(variants, salt.as_deref(), selects, krate),
    };
    let weak = input.attrs.weak.is_some();
    // A weak type marks the encoder, so that whatever contains one of its values gets a
    // weak tag too.
    let mark_weak = weak.then(|| quote!(#krate::TagEncoder::mark_weak(__enc);));
    let last_modified = last_modified(input, krate);

    quote! {
        #[automatically_derived]
        #[allow(deprecated, unused_qualifications)]
        impl #impl_generics #krate::EncodeTag for #ident #ty_generics #encode_where {
            fn encode_tag(&self, __enc: &mut #krate::TagEncoder) {
                #mark_weak
                #body
            }
        }

        #[automatically_derived]
        #[allow(deprecated, unused_qualifications)]
        impl #impl_generics #krate::ETag for #ident #ty_generics #etag_where {
            fn etag(&self) -> #krate::EntityTag {
                let mut __enc = #krate::TagEncoder::new();
                #krate::EncodeTag::encode_tag(self, &mut __enc);
                #krate::TagEncoder::finish_tag(__enc, #weak)
            }
            #last_modified
        }
    }
}

/// The declared where-clause plus `extra` predicates.
fn where_clause(generics: &Generics, extra: &[TokenStream]) -> TokenStream {
    let declared = generics
        .where_clause
        .iter()
        .flat_map(|clause| clause.predicates.iter());
    if generics.where_clause.is_none() && extra.is_empty() {
        return TokenStream::new();
    }
    quote!(where #(#declared,)* #(#extra,)*)
}

/// `encode_tag` of a struct: the salt, then each hashed field of `self` in order.
fn struct_body(
    fields: &Fields<'_>,
    salt: Option<&str>,
    selects: bool,
    krate: &syn::Path,
) -> TokenStream {
    let mut stream = Stream::new(krate);
    if let Some(salt) = salt {
        stream.str(salt);
    }
    for field in fields.list.iter().filter(|field| field.is_hashed(selects)) {
        let member = &field.member;
        write_field(&mut stream, field, &quote!(&self.#member), krate);
    }
    stream.finish()
}

/// `encode_tag` of an enum: the salt, the variant's name, then its hashed fields.
fn enum_body(
    variants: &[Variant<'_>],
    salt: Option<&str>,
    selects: bool,
    krate: &syn::Path,
) -> TokenStream {
    if variants.is_empty() {
        let mut stream = Stream::new(krate);
        if let Some(salt) = salt {
            stream.str(salt);
        }
        let salt = stream.finish();
        return quote!(#salt match *self {});
    }
    let arms = variants.iter().map(|variant| {
        let ident = variant.ident;
        let name = &variant.name;
        let hashed: Vec<(usize, &Field<'_>)> = variant
            .fields
            .list
            .iter()
            .enumerate()
            .filter(|(_, field)| field.is_hashed(selects))
            .collect();
        let binding = |i: usize| format_ident!("__field{}", i);
        let pattern = match variant.fields.style {
            Style::Named => {
                let members = hashed.iter().map(|(_, field)| &field.member);
                let bindings = hashed.iter().map(|(i, _)| binding(*i));
                quote!({ #(#members: #bindings,)* .. })
            }
            Style::Tuple => {
                let bindings = variant.fields.list.iter().enumerate().map(|(i, field)| {
                    if field.is_hashed(selects) {
                        binding(i).into_token_stream()
                    } else {
                        quote!(_)
                    }
                });
                quote!((#(#bindings),*))
            }
            Style::Unit => TokenStream::new(),
        };
        let mut stream = Stream::new(krate);
        if let Some(salt) = salt {
            stream.str(salt);
        }
        stream.str(name);
        for (i, field) in &hashed {
            let value = binding(*i);
            write_field(&mut stream, field, &quote!(#value), krate);
        }
        let statements = stream.finish();
        quote! {
            Self::#ident #pattern => {
                #statements
            }
        }
    });
    quote! {
        match self {
            #(#arms)*
        }
    }
}

/// Writes one hashed field: `str(name)` for a named field, then the value; `value` is an
/// expression of type `&FieldType`.
///
/// The call that needs `FieldType: EncodeTag` is located at the field's type, so an
/// unsatisfied bound is reported at the field; a `with` call is located at the function's
/// path, so a wrong signature is reported there. Its argument is bound first, with the
/// derive's own span, so that the compiler's fix-it suggestions for it (`.clone()`, `&`)
/// do not land in the middle of the user's attribute.
fn write_field(stream: &mut Stream<'_>, field: &Field<'_>, value: &TokenStream, krate: &syn::Path) {
    if let Some(name) = &field.name {
        stream.str(name);
    }
    let ty = field.ty;
    let statement = match &field.attrs.with {
        Some((_, function)) => {
            let span = located(function.span());
            let call = quote_spanned!(span=> #function(__value, __enc));
            quote!({
                let __value = #value;
                #call;
            })
        }
        None => {
            let span = located(ty.span());
            let krate = respan(krate.to_token_stream(), span);
            let callee = quote_spanned!(span=> #krate::TagEncoder::encode::<#ty>);
            quote!(#callee(__enc, #value);)
        }
    };
    stream.statement(statement);
}

/// `ETag::last_modified`, when some field (of some variant) is `#[etag(last_modified)]`.
fn last_modified(input: &Input<'_>, krate: &syn::Path) -> Option<TokenStream> {
    let read = |field: &Field<'_>, value: TokenStream| {
        let ty = field.ty;
        let span = located(ty.span());
        let krate = respan(krate.to_token_stream(), span);
        let callee = quote_spanned!(span=> <#ty as #krate::ModificationTime>::modification_time);
        quote!(#callee(#value))
    };
    let body = match &input.body {
        Body::Struct(fields) => {
            let (_, field) = fields.last_modified()?;
            let member = &field.member;
            read(field, quote!(&self.#member))
        }
        Body::Enum(variants) => {
            let mut arms = Vec::new();
            let mut every = true;
            for variant in variants {
                let Some((i, field)) = variant.fields.last_modified() else {
                    every = false;
                    continue;
                };
                let ident = variant.ident;
                let pattern = match &field.member {
                    Member::Named(member) => quote!({ #member: __lm, .. }),
                    Member::Unnamed(_) => {
                        let before = (0..i).map(|_| quote!(_));
                        quote!((#(#before,)* __lm, ..))
                    }
                };
                let call = read(field, quote!(__lm));
                arms.push(quote!(Self::#ident #pattern => #call,));
            }
            if arms.is_empty() {
                return None;
            }
            let rest = (!every).then(|| quote!(_ => ::core::option::Option::None,));
            quote! {
                match self {
                    #(#arms)*
                    #rest
                }
            }
        }
    };
    Some(quote! {
        fn last_modified(&self) -> ::core::option::Option<::std::time::SystemTime> {
            #body
        }
    })
}

/// A span at `location` that resolves names as the derive's own tokens do, so generated
/// locals such as `__enc` and `self` stay visible even when the location comes from a
/// `macro_rules!` expansion.
fn located(location: Span) -> Span {
    Span::call_site().located_at(location)
}

/// `tokens` with every span set to `span` (so a path to the crate points at a field).
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            if let TokenTree::Group(group) = &token {
                let mut inner =
                    proc_macro2::Group::new(group.delimiter(), respan(group.stream(), span));
                inner.set_span(span);
                token = TokenTree::Group(inner);
            } else {
                token.set_span(span);
            }
            token
        })
        .collect()
}
