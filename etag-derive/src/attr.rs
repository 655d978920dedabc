//! Parsing of the `#[etag]` and `#[etag(...)]` attributes, by hand with `parse_nested_meta`.
//!
//! Every problem is recorded in [`Errors`] and parsing goes on, so one expansion reports
//! every bad key at once, each spanned at the key (or value) at fault.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, ExprPath, LitStr, Meta, Token};

use crate::errors::Errors;

/// The name of the one attribute namespace.
const ETAG: &str = "etag";

/// The keys allowed on a struct or enum.
const CONTAINER_KEYS: &str = "`weak`, `salt`, `crate`";
/// The keys allowed on a field.
const FIELD_KEYS: &str = "`skip`, `with`, `last_modified`";

/// `#[etag(...)]` on the struct or enum.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// `weak`: the key's span.
    pub(crate) weak: Option<Span>,
    /// `salt = "..."`.
    pub(crate) salt: Option<LitStr>,
    /// `crate = "..."`, parsed into a path.
    pub(crate) krate: Option<syn::Path>,
}

/// `#[etag]` and `#[etag(...)]` on one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    /// Bare `#[etag]`: the attribute's span.
    pub(crate) select: Option<Span>,
    /// `skip`: the key's span.
    pub(crate) skip: Option<Span>,
    /// `with = path`: the key's span and the function.
    pub(crate) with: Option<(Span, ExprPath)>,
    /// `last_modified`: the key's span.
    pub(crate) last_modified: Option<Span>,
}

/// Parses the container attributes of a struct or enum.
pub(crate) fn container(attrs: &[Attribute], all: &mut Errors) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(ETAG)) {
        let errors = &mut *all;
        let list = match &attr.meta {
            Meta::List(list) => list,
            Meta::Path(path) => {
                errors.spanned(
                    path,
                    "a bare `#[etag]` selects a field; on a type, write \
                     `#[etag(weak)]`, `#[etag(salt = \"...\")]` or `#[etag(crate = \"...\")]`",
                );
                continue;
            }
            Meta::NameValue(meta) => {
                errors.spanned(meta, "expected `#[etag(...)]`");
                continue;
            }
        };
        if list.tokens.is_empty() {
            errors.spanned(
                attr,
                format_args!("empty `#[etag()]`; expected {CONTAINER_KEYS}"),
            );
            continue;
        }
        // This attribute's errors; muted after a value that could not be parsed.
        let mut local = Errors::default();
        let errors = &mut local;
        let parsed = list.parse_nested_meta(|meta| {
            if meta.path.is_ident("weak") {
                flag(&meta, &mut out.weak, errors)
            } else if meta.path.is_ident("salt") {
                if out.salt.is_some() {
                    errors.push(duplicate(&meta));
                }
                if let Some(salt) = string_value(&meta, errors, "salt = \"v2\"")? {
                    out.salt.get_or_insert(salt);
                }
                Ok(())
            } else if meta.path.is_ident("crate") {
                if out.krate.is_some() {
                    errors.push(duplicate(&meta));
                }
                if let Some(lit) = string_value(&meta, errors, "crate = \"::etag_core\"")? {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => {
                            out.krate.get_or_insert(path);
                        }
                        Err(_) => errors.at(
                            lit.span(),
                            format_args!(
                                "`crate` must name a path, like `crate = \"::etag_core\"`; \
                                 found {:?}",
                                lit.value()
                            ),
                        ),
                    }
                }
                Ok(())
            } else {
                let key = key_name(&meta);
                let message = if matches!(key.as_str(), "skip" | "with" | "last_modified") {
                    format!("`{key}` is a field attribute; put it on a field, not on the type")
                } else {
                    format!("unknown etag attribute `{key}`; expected {CONTAINER_KEYS}")
                };
                errors.push(meta.error(message));
                skip_bad_value(&meta, errors)
            }
        });
        if let Err(error) = parsed {
            local.push(error);
        }
        all.absorb(local);
    }
    out
}

/// Parses the attributes of one field.
pub(crate) fn field(attrs: &[Attribute], all: &mut Errors) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(ETAG)) {
        let errors = &mut *all;
        let list = match &attr.meta {
            Meta::Path(path) => {
                if out.select.is_some() {
                    errors.spanned(attr, "duplicate `#[etag]` on one field");
                } else {
                    out.select = Some(path_span(path));
                }
                continue;
            }
            Meta::List(list) => list,
            Meta::NameValue(meta) => {
                errors.spanned(meta, "expected `#[etag]` or `#[etag(...)]`");
                continue;
            }
        };
        if list.tokens.is_empty() {
            errors.spanned(
                attr,
                format_args!(
                    "empty `#[etag()]`; write `#[etag]` to select the field, or one of {FIELD_KEYS}"
                ),
            );
            continue;
        }
        // This attribute's errors; muted after a value that could not be parsed.
        let mut local = Errors::default();
        let errors = &mut local;
        let parsed = list.parse_nested_meta(|meta| {
            if meta.path.is_ident("skip") {
                flag(&meta, &mut out.skip, errors)
            } else if meta.path.is_ident("last_modified") {
                flag(&meta, &mut out.last_modified, errors)
            } else if meta.path.is_ident("with") {
                if out.with.is_some() {
                    errors.push(duplicate(&meta));
                }
                let key = path_span(&meta.path);
                if !meta.input.peek(Token![=]) {
                    errors.push(
                        meta.error("`with` needs a function: `#[etag(with = path::to::function)]`"),
                    );
                    return skip_bad_value(&meta, errors);
                }
                let value = meta.value()?;
                let fork = value.fork();
                match fork.parse::<ExprPath>() {
                    Ok(path) if fork.is_empty() || fork.peek(Token![,]) => {
                        value.parse::<ExprPath>()?;
                        out.with.get_or_insert((key, path));
                    }
                    _ => {
                        let tokens = skip_value(&meta)?;
                        errors.push(value_error(
                            &meta,
                            tokens,
                            "`with` takes a path to a function `fn(&FieldType, &mut TagEncoder)`, \
                             like `with = path::to::function`",
                        ));
                        errors.mute();
                    }
                }
                Ok(())
            } else {
                let key = key_name(&meta);
                let message = if matches!(key.as_str(), "weak" | "salt" | "crate") {
                    format!(
                        "`{key}` is a container attribute; put it on the struct or enum, \
                         not on a field"
                    )
                } else {
                    format!("unknown etag attribute `{key}`; expected {FIELD_KEYS}")
                };
                errors.push(meta.error(message));
                skip_bad_value(&meta, errors)
            }
        });
        if let Err(error) = parsed {
            local.push(error);
        }
        all.absorb(local);
    }
    out
}

/// Rejects every `#[etag]` attribute on an enum variant.
pub(crate) fn variant(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident(ETAG)) {
        errors.spanned(
            attr,
            "etag attributes are not supported on enum variants; \
             put them on the enum or on the variant's fields",
        );
    }
}

/// A key without a value (`weak`, `skip`, `last_modified`).
fn flag(
    meta: &ParseNestedMeta<'_>,
    slot: &mut Option<Span>,
    errors: &mut Errors,
) -> syn::Result<()> {
    if slot.is_some() {
        errors.push(duplicate(meta));
    }
    let span = path_span(&meta.path);
    if meta.input.is_empty() || meta.input.peek(Token![,]) {
        slot.get_or_insert(span);
        return Ok(());
    }
    let key = key_name(meta);
    let tokens = skip_value(meta)?;
    errors.push(value_error(
        meta,
        tokens,
        format_args!("`{key}` takes no value; write `#[etag({key})]`"),
    ));
    errors.mute();
    Ok(())
}

/// The string literal after `key =`; records an error and returns `None` for anything else.
fn string_value(
    meta: &ParseNestedMeta<'_>,
    errors: &mut Errors,
    example: &str,
) -> syn::Result<Option<LitStr>> {
    let key = key_name(meta);
    if meta.input.peek(Token![=]) {
        let value = meta.value()?;
        if value.peek(LitStr) {
            return value.parse().map(Some);
        }
        let tokens = skip_value(meta)?;
        errors.push(value_error(
            meta,
            tokens,
            format_args!("`{key}` takes a string literal, like `#[etag({example})]`"),
        ));
        errors.mute();
    } else {
        errors.push(meta.error(format_args!(
            "`{key}` needs a value, like `#[etag({example})]`"
        )));
        skip_bad_value(meta, errors)?;
    }
    Ok(None)
}

/// An error spanned at a bad value, or at the key when the value is missing.
fn value_error(
    meta: &ParseNestedMeta<'_>,
    tokens: TokenStream,
    message: impl Display,
) -> syn::Error {
    if tokens.is_empty() {
        meta.error(message)
    } else {
        syn::Error::new_spanned(tokens, message)
    }
}

/// The error for a key given twice, spanned at the second one.
fn duplicate(meta: &ParseNestedMeta<'_>) -> syn::Error {
    meta.error(format_args!(
        "duplicate etag attribute `{}`",
        key_name(meta)
    ))
}

/// The key as written, for messages.
fn key_name(meta: &ParseNestedMeta<'_>) -> String {
    meta.path.to_token_stream().to_string().replace(' ', "")
}

/// The span of a key: its last segment (keys are single identifiers).
fn path_span(path: &syn::Path) -> Span {
    path.segments
        .last()
        .map_or_else(Span::call_site, |segment| segment.ident.span())
}

/// After an error at a key: consumes what follows it up to the next top-level comma, and
/// mutes the attribute's later errors if that was anything (see [`Errors::mute`]).
fn skip_bad_value(meta: &ParseNestedMeta<'_>, errors: &mut Errors) -> syn::Result<()> {
    if !skip_value(meta)?.is_empty() {
        errors.mute();
    }
    Ok(())
}

/// Consumes whatever follows a key up to the next top-level comma, so parsing can go on
/// after an error; returns the tokens consumed.
fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<TokenStream> {
    let mut tokens = TokenStream::new();
    // A closure's parameters hold top-level commas: take them whole, `|` to `|`.
    if meta.input.peek(Token![|]) {
        tokens.extend([meta.input.parse::<TokenTree>()?]);
        while !meta.input.is_empty() && !meta.input.peek(Token![|]) {
            tokens.extend([meta.input.parse::<TokenTree>()?]);
        }
        if !meta.input.is_empty() {
            tokens.extend([meta.input.parse::<TokenTree>()?]);
        }
    }
    while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        tokens.extend([meta.input.parse::<TokenTree>()?]);
    }
    Ok(tokens)
}
