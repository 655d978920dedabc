//! HTTP dates. (Being written.)
