//! Rules across attributes and fields, checked after parsing.

use crate::ast::{Body, Field, Fields, Input};
use crate::errors::Errors;

impl Input<'_> {
    /// Records every violation of the rules that span more than one key.
    pub(crate) fn validate(&self, errors: &mut Errors) {
        for field in self.all_fields() {
            field.validate(errors);
        }
        self.check_mixed_selection(errors);
        match &self.body {
            Body::Struct(fields) => fields.check_last_modified("a struct", errors),
            Body::Enum(variants) => {
                for variant in variants {
                    variant
                        .fields
                        .check_last_modified("an enum variant", errors);
                }
            }
        }
    }

    /// Bare `#[etag]` and `#[etag(skip)]` may not both appear in one type (any variant), and
    /// once fields are selected, a `with` field must be selected too: exactly the fields with
    /// a bare `#[etag]` are hashed (DESIGN §4), so a `with` alone would do nothing.
    fn check_mixed_selection(&self, errors: &mut Errors) {
        if !self.selects() {
            return;
        }
        for field in self.all_fields() {
            if let (None, Some((with, _))) = (field.attrs.select, &field.attrs.with) {
                errors.at(
                    *with,
                    "`with` on a field that is not selected: add `#[etag]` to hash it \
                     (`#[etag] #[etag(with = ...)]`); once a field carries a bare `#[etag]`, \
                     only such fields are hashed",
                );
            }
            if let Some(skip) = field.attrs.skip {
                errors.at(
                    skip,
                    "`#[etag(skip)]` cannot be mixed with `#[etag]` in one type: once a field \
                     is selected with `#[etag]`, only the selected fields are hashed; \
                     remove the `skip`",
                );
            }
        }
    }
}

impl Field<'_> {
    /// Keys that contradict each other on one field.
    fn validate(&self, errors: &mut Errors) {
        let attrs = &self.attrs;
        if let (Some(_), Some((with, _))) = (attrs.skip, &attrs.with) {
            errors.at(
                *with,
                "`with` on a skipped field has no effect: a `skip` field is not hashed",
            );
        }
    }
}

impl Fields<'_> {
    /// At most one `last_modified` field per struct, or per enum variant.
    fn check_last_modified(&self, owner: &str, errors: &mut Errors) {
        let mut marked = self
            .list
            .iter()
            .filter_map(|field| field.attrs.last_modified);
        if marked.next().is_none() {
            return;
        }
        for span in marked {
            errors.at(
                span,
                format_args!("`last_modified` is on more than one field; {owner} has at most one"),
            );
        }
    }
}
