//! The derive input as typed structures, each keeping its `syn` original for spans.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::{Attribute, Data, DeriveInput, Generics, Ident, Index, Member, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::errors::Errors;

/// A struct or enum deriving `ETag`.
pub(crate) struct Input<'a> {
    /// The type's name.
    pub(crate) ident: &'a Ident,
    /// The type's generics, as declared.
    pub(crate) generics: &'a Generics,
    /// `#[etag(...)]` on the type.
    pub(crate) attrs: ContainerAttrs,
    /// The fields or variants.
    pub(crate) body: Body<'a>,
}

/// What the type holds.
pub(crate) enum Body<'a> {
    /// A named, tuple or unit struct.
    Struct(Fields<'a>),
    /// An enum.
    Enum(Vec<Variant<'a>>),
}

/// One enum variant.
pub(crate) struct Variant<'a> {
    /// The variant's identifier, as declared.
    pub(crate) ident: &'a Ident,
    /// The name written into the stream: the identifier without `r#`.
    pub(crate) name: String,
    /// The variant's fields.
    pub(crate) fields: Fields<'a>,
}

/// The fields of a struct or a variant.
pub(crate) struct Fields<'a> {
    /// Named, tuple or unit.
    pub(crate) style: Style,
    /// The fields in declaration order.
    pub(crate) list: Vec<Field<'a>>,
}

/// The shape of a struct or variant.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `{ a: A, b: B }`
    Named,
    /// `(A, B)`
    Tuple,
    /// Nothing.
    Unit,
}

/// One field.
pub(crate) struct Field<'a> {
    /// `self.<member>`: the identifier or the index.
    pub(crate) member: Member,
    /// For a named field, the name written into the stream: the identifier without `r#`.
    pub(crate) name: Option<String>,
    /// The declared type.
    pub(crate) ty: &'a Type,
    /// `#[etag]` and `#[etag(...)]` on the field.
    pub(crate) attrs: FieldAttrs,
}

impl<'a> Input<'a> {
    /// Builds the typed input, recording every attribute error. A union is an error; its
    /// container attributes come back anyway, for the `crate` path of the placeholder impls.
    pub(crate) fn from_syn(
        node: &'a DeriveInput,
        errors: &mut Errors,
    ) -> Result<Self, ContainerAttrs> {
        let attrs = attr::container(&node.attrs, errors);
        reject_packed(&node.attrs, errors);
        let body = match &node.data {
            Data::Struct(data) => Body::Struct(Fields::from_syn(&data.fields, errors)),
            Data::Enum(data) => Body::Enum(
                data.variants
                    .iter()
                    .map(|variant| {
                        attr::variant(&variant.attrs, errors);
                        Variant {
                            ident: &variant.ident,
                            name: variant.ident.unraw().to_string(),
                            fields: Fields::from_syn(&variant.fields, errors),
                        }
                    })
                    .collect(),
            ),
            Data::Union(data) => {
                errors.at(
                    data.union_token.span,
                    "`#[derive(ETag)]` does not support unions: the tag would depend on \
                     which field is set, which a union does not record; use a struct or an enum",
                );
                return Err(attrs);
            }
        };
        Ok(Input {
            ident: &node.ident,
            generics: &node.generics,
            attrs,
            body,
        })
    }

    /// Every field of the type, across all variants.
    pub(crate) fn all_fields(&self) -> Box<dyn Iterator<Item = &Field<'a>> + '_> {
        match &self.body {
            Body::Struct(fields) => Box::new(fields.list.iter()),
            Body::Enum(variants) => Box::new(variants.iter().flat_map(|v| v.fields.list.iter())),
        }
    }

    /// True when some field carries a bare `#[etag]`: then only selected fields are hashed.
    pub(crate) fn selects(&self) -> bool {
        self.all_fields().any(|field| field.attrs.select.is_some())
    }
}

impl<'a> Fields<'a> {
    fn from_syn(fields: &'a syn::Fields, errors: &mut Errors) -> Self {
        let style = match fields {
            syn::Fields::Named(_) => Style::Named,
            syn::Fields::Unnamed(_) => Style::Tuple,
            syn::Fields::Unit => Style::Unit,
        };
        let list = fields
            .iter()
            .enumerate()
            .map(|(i, field)| Field::from_syn(i, field, errors))
            .collect();
        Fields { style, list }
    }
}

impl<'a> Fields<'a> {
    /// The `#[etag(last_modified)]` field (the first, if several) and its position.
    pub(crate) fn last_modified(&self) -> Option<(usize, &Field<'a>)> {
        self.list
            .iter()
            .enumerate()
            .find(|(_, field)| field.attrs.last_modified.is_some())
    }
}

impl<'a> Field<'a> {
    fn from_syn(i: usize, node: &'a syn::Field, errors: &mut Errors) -> Self {
        let (member, name) = match &node.ident {
            Some(ident) => (
                Member::Named(ident.clone()),
                Some(ident.unraw().to_string()),
            ),
            None => (
                Member::Unnamed(Index {
                    index: u32::try_from(i).unwrap_or(u32::MAX),
                    span: Span::call_site(),
                }),
                None,
            ),
        };
        Field {
            member,
            name,
            ty: &node.ty,
            attrs: attr::field(&node.attrs, errors),
        }
    }

    /// Whether the field is part of the stream S, given the type's selection mode: with
    /// selection, exactly the fields with a bare `#[etag]` (a `with` alone does not select;
    /// validation reports it); otherwise every field not skipped. A `last_modified` field
    /// follows the same rule (DESIGN §4): the representation shows it, so in the all-fields
    /// mode a strong tag must change with it.
    pub(crate) fn is_hashed(&self, selects: bool) -> bool {
        if selects {
            self.attrs.select.is_some()
        } else {
            self.attrs.skip.is_none()
        }
    }
}

/// `#[repr(packed)]` (or `packed(N)`): the generated code takes `&self.field`, which a
/// packed struct does not allow (E0793), so it is reported here, clearly, instead.
fn reject_packed(attrs: &[Attribute], errors: &mut Errors) {
    for attr in attrs.iter().filter(|attr| attr.path().is_ident("repr")) {
        // A `repr` that does not parse is left to the compiler.
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("packed") {
                errors.spanned(
                    &meta.path,
                    "`#[derive(ETag)]` does not support `#[repr(packed)]`: the generated code \
                     borrows every field, which a packed struct does not allow; remove \
                     `packed`, or implement `EncodeTag` and `ETag` by hand on copies of the fields",
                );
            }
            if meta.input.peek(syn::token::Paren) {
                let _ = meta.input.parse::<proc_macro2::Group>()?;
            }
            Ok(())
        });
    }
}
