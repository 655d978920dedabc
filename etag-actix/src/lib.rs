//! Conditional requests for actix-web. (Being written.)

pub use etag_core::*;
