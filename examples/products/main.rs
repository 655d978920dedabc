//! The products service (being written).
fn main() {}
