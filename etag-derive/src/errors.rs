//! Collects every error of one expansion, so all of them are reported at once.

use std::fmt::Display;

use proc_macro2::Span;
use quote::ToTokens;

/// An accumulator of `syn::Error`s, merged with `combine` in the order found.
#[derive(Default)]
pub(crate) struct Errors {
    first: Option<syn::Error>,
    /// Later errors are dropped (see [`mute`](Self::mute)).
    muted: bool,
}

impl Errors {
    /// Records an error, unless muted.
    pub(crate) fn push(&mut self, error: syn::Error) {
        if self.muted {
            return;
        }
        match &mut self.first {
            Some(first) => first.combine(error),
            None => self.first = Some(error),
        }
    }

    /// Drops every later error. For the errors of one attribute, after a value that could
    /// not be parsed: where the next key starts is then a guess (`with = |a, b| ...` has a
    /// comma inside), and what follows would be reported as nonsense keys.
    pub(crate) fn mute(&mut self) {
        self.muted = true;
    }

    /// Records the errors of `other`, unless muted.
    pub(crate) fn absorb(&mut self, other: Errors) {
        if let Some(error) = other.first {
            self.push(error);
        }
    }

    /// Records an error at `span`.
    pub(crate) fn at(&mut self, span: Span, message: impl Display) {
        self.push(syn::Error::new(span, message));
    }

    /// Records an error spanning the tokens of `node`.
    pub(crate) fn spanned(&mut self, node: impl ToTokens, message: impl Display) {
        self.push(syn::Error::new_spanned(node, message));
    }

    /// `Err` with every recorded error, or `Ok` if there was none.
    pub(crate) fn finish(self) -> syn::Result<()> {
        match self.first {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }
}
