//! Runnable example services; see `products/`.
