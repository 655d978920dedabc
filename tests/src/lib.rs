//! Cross-crate integration and UI tests live under `tests/`.
