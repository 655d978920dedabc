//! The statements that write a stream S, with adjacent constant parts merged.
//!
//! Names, salts and their length prefixes are known when the derive runs, so they are
//! written as one byte-string literal each run (`str("id")` becomes
//! `write_raw(b"\x02\0\0\0\0\0\0\0id")`), merged with the constant parts next to them. The
//! bytes are those of DESIGN §4 either way; the encoder just sees fewer, larger writes.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// Builds the body of `encode_tag`, where `__enc: &mut TagEncoder`.
pub(crate) struct Stream<'a> {
    krate: &'a syn::Path,
    tokens: TokenStream,
    pending: Vec<u8>,
}

impl<'a> Stream<'a> {
    /// An empty stream writing through `krate`'s `TagEncoder`.
    pub(crate) fn new(krate: &'a syn::Path) -> Self {
        Stream {
            krate,
            tokens: TokenStream::new(),
            pending: Vec::new(),
        }
    }

    /// Appends `str(text)`: the length in bytes as a little-endian `u64`, then the bytes.
    pub(crate) fn str(&mut self, text: &str) {
        let len = u64::try_from(text.len()).unwrap_or(u64::MAX);
        self.pending.extend_from_slice(&len.to_le_bytes());
        self.pending.extend_from_slice(text.as_bytes());
    }

    /// Appends a statement that writes a value.
    pub(crate) fn statement(&mut self, statement: TokenStream) {
        self.flush();
        self.tokens.extend(statement);
    }

    /// The statements.
    pub(crate) fn finish(mut self) -> TokenStream {
        self.flush();
        self.tokens
    }

    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let krate = self.krate;
        let bytes = Literal::byte_string(&self.pending);
        self.tokens
            .extend(quote!(#krate::TagEncoder::write_raw(__enc, #bytes);));
        self.pending.clear();
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;
    use syn::parse_quote;

    use super::Stream;

    #[test]
    fn constant_parts_are_merged_and_length_prefixed() {
        let krate: syn::Path = parse_quote!(::k);
        let mut stream = Stream::new(&krate);
        stream.str("v2");
        stream.str("id");
        stream.statement(quote!(value();));
        stream.str("");
        let expected = quote! {
            ::k::TagEncoder::write_raw(__enc, b"\x02\0\0\0\0\0\0\0v2\x02\0\0\0\0\0\0\0id");
            value();
            ::k::TagEncoder::write_raw(__enc, b"\0\0\0\0\0\0\0\0");
        };
        assert_eq!(stream.finish().to_string(), expected.to_string());
    }
}
