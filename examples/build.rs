//! `sqlx::migrate!` embeds `migrations/` at compile time: rebuild when a file there changes
//! (as sqlx's documentation recommends; cargo does not see new files on its own).

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
