//! Where-clauses for the generated impls: bounds only for the type parameters that hashed
//! fields use, as serde does for `Serialize`.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::quote;
use syn::{GenericArgument, Generics, Ident, PathArguments, ReturnType, Type, TypeParamBound};

/// The type parameters (and associated types of them) that a set of field types mentions.
pub(crate) struct Usage<'a> {
    /// The type's generics.
    generics: &'a Generics,
    /// All type parameters of the type, in declaration order.
    params: Vec<&'a Ident>,
    /// The parameters found so far.
    used: BTreeSet<&'a Ident>,
    /// Associated types of parameters (`T::Item`, `<T as Trait>::Item`) found in the types.
    associated: Vec<TokenStream>,
}

impl<'a> Usage<'a> {
    /// Nothing used yet.
    pub(crate) fn new(generics: &'a Generics) -> Self {
        Usage {
            generics,
            params: generics.type_params().map(|param| &param.ident).collect(),
            used: BTreeSet::new(),
            associated: Vec::new(),
        }
    }

    /// Whether `ty` mentions any type parameter.
    pub(crate) fn mentions(generics: &'a Generics, ty: &'a Type) -> bool {
        let mut usage = Usage::new(generics);
        usage.add_field(ty);
        !usage.used.is_empty() || !usage.associated.is_empty()
    }

    /// Records the parameters used by one field's type.
    pub(crate) fn add_field(&mut self, ty: &'a Type) {
        self.visit_type(ty);
    }

    /// Records a projection such as `T::Item`: the bound goes on the projection itself.
    fn add_associated(&mut self, ty: TokenStream) {
        let text = ty.to_string();
        if !self.associated.iter().any(|seen| seen.to_string() == text) {
            self.associated.push(ty);
        }
    }

    /// `Param: bound` for each used parameter (in declaration order), then
    /// `Assoc: bound` for each associated type.
    pub(crate) fn predicates(&self, bound: &TokenStream) -> Vec<TokenStream> {
        let params = self
            .params
            .iter()
            .filter(|param| self.used.contains(*param))
            .map(|param| quote!(#param: #bound));
        let associated = self.associated.iter().map(|ty| quote!(#ty: #bound));
        params.chain(associated).collect()
    }

    fn visit_type(&mut self, ty: &'a Type) {
        match ty {
            Type::Array(ty) => self.visit_type(&ty.elem),
            Type::BareFn(ty) => {
                for arg in &ty.inputs {
                    self.visit_type(&arg.ty);
                }
                self.visit_return(&ty.output);
            }
            Type::Group(ty) => self.visit_type(&ty.elem),
            Type::Paren(ty) => self.visit_type(&ty.elem),
            Type::Ptr(ty) => self.visit_type(&ty.elem),
            Type::Reference(ty) => self.visit_type(&ty.elem),
            Type::Slice(ty) => self.visit_type(&ty.elem),
            Type::Tuple(ty) => {
                for elem in &ty.elems {
                    self.visit_type(elem);
                }
            }
            Type::Path(path) => match &path.qself {
                // `<T as Trait>::Item`: the projection needs the bound, not `T`.
                Some(qself) => {
                    if Usage::mentions(self.generics, &qself.ty) {
                        self.add_associated(quote!(#path));
                    }
                }
                None => self.visit_path(&path.path),
            },
            Type::ImplTrait(ty) => self.visit_bounds(ty.bounds.iter()),
            Type::TraitObject(ty) => self.visit_bounds(ty.bounds.iter()),
            // A macro's expansion is unknown; adding a bound for it would be a guess.
            _ => {}
        }
    }

    fn visit_path(&mut self, path: &'a syn::Path) {
        if path
            .segments
            .last()
            .is_some_and(|segment| segment.ident == "PhantomData")
        {
            // `PhantomData<T>` encodes nothing, whatever `T` is.
            return;
        }
        let param = path.segments.first().and_then(|segment| {
            self.params
                .iter()
                .copied()
                .find(|param| **param == segment.ident)
        });
        if let (Some(param), None) = (param, path.leading_colon) {
            if path.segments.len() == 1 {
                self.used.insert(param);
            } else {
                // `T::Item`: the projection needs the bound, not `T`.
                self.add_associated(quote!(#path));
                return;
            }
        }
        for segment in &path.segments {
            match &segment.arguments {
                PathArguments::None => {}
                PathArguments::AngleBracketed(arguments) => {
                    for argument in &arguments.args {
                        match argument {
                            GenericArgument::Type(ty) => self.visit_type(ty),
                            GenericArgument::AssocType(assoc) => self.visit_type(&assoc.ty),
                            _ => {}
                        }
                    }
                }
                PathArguments::Parenthesized(arguments) => {
                    for input in &arguments.inputs {
                        self.visit_type(input);
                    }
                    self.visit_return(&arguments.output);
                }
            }
        }
    }

    fn visit_bounds(&mut self, bounds: impl Iterator<Item = &'a TypeParamBound>) {
        for bound in bounds {
            if let TypeParamBound::Trait(bound) = bound {
                self.visit_path(&bound.path);
            }
        }
    }

    fn visit_return(&mut self, output: &'a ReturnType) {
        if let ReturnType::Type(_, ty) = output {
            self.visit_type(ty);
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::{Generics, Type, parse_quote};

    use super::Usage;

    /// The predicates `Usage` derives for the given field types.
    fn bounds(generics: &Generics, fields: &[Type]) -> Vec<String> {
        let mut usage = Usage::new(generics);
        for ty in fields {
            usage.add_field(ty);
        }
        usage
            .predicates(&quote!(B))
            .iter()
            .map(|p| p.to_string().replace(' ', ""))
            .collect()
    }

    #[test]
    fn parameters_in_declaration_order_once_each() {
        let generics: Generics = parse_quote!(<'a, T, U, V>);
        let fields: Vec<Type> = vec![
            parse_quote!(Option<&'a U>),
            parse_quote!(Vec<(T, U)>),
            parse_quote!([T; 3]),
        ];
        assert_eq!(bounds(&generics, &fields), ["T:B", "U:B"]);
    }

    #[test]
    fn phantom_data_and_unrelated_paths_add_nothing() {
        let generics: Generics = parse_quote!(<T>);
        let fields: Vec<Type> = vec![
            parse_quote!(::std::marker::PhantomData<T>),
            parse_quote!(other::T),
            parse_quote!(String),
        ];
        assert!(bounds(&generics, &fields).is_empty());
    }

    #[test]
    fn projections_get_the_bound_themselves() {
        let generics: Generics = parse_quote!(<I: Iterator, J>);
        let fields: Vec<Type> = vec![
            parse_quote!(Option<I::Item>),
            parse_quote!(<J as IntoIterator>::Item),
            parse_quote!(I::Item),
        ];
        assert_eq!(
            bounds(&generics, &fields),
            ["I::Item:B", "<JasIntoIterator>::Item:B"]
        );
    }

    #[test]
    fn mentions_sees_nested_parameters() {
        let generics: Generics = parse_quote!(<T>);
        let nested: Type = parse_quote!(Option<Box<T>>);
        let concrete: Type = parse_quote!(Option<u8>);
        assert!(Usage::mentions(&generics, &nested));
        assert!(!Usage::mentions(&generics, &concrete));
    }
}
