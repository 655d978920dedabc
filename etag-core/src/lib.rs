#![doc = include_str!("../README.md")]

mod date;
pub mod encode;
mod entity_tag;
mod error;
mod evaluate;
mod list;

pub use date::{InvalidDate, format_http_date, parse_http_date};
pub use encode::{ETag, EncodeTag, ModificationTime, TagEncoder};
pub use entity_tag::{EntityTag, EntityTagRef};
pub use error::ParseError;
pub use evaluate::{BadHeader, Conditions, Header, Method, Outcome, RangeDecision, Validators};
pub use list::{Condition, TagList, TagListIter};

#[cfg(feature = "derive")]
pub use etag_derive::ETag;
