#![doc = include_str!("../README.md")]

mod conditions;
mod date;
pub mod encode;
mod entity_tag;
mod error;
mod header;
mod list;
mod method;

pub use conditions::{Conditions, Outcome, RangeDecision, Validators, WriteGuard};
pub use date::{
    HttpDate, InvalidDate, format_http_date, from_unix_seconds, parse_http_date, unix_seconds,
};
pub use encode::{ETag, EncodeTag, ModificationTime, TagEncoder};
pub use entity_tag::{EntityTag, EntityTagRef};
pub use error::ParseError;
pub use header::{BadHeader, Header};
pub use list::{Condition, TagList, TagListIter};
pub use method::Method;

#[cfg(feature = "derive")]
pub use etag_derive::ETag;
