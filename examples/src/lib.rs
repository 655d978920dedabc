//! The products service: a product catalog on SQLite with entity tags, conditional GET
//! and optimistic concurrency, built on `etag-actix`.
//!
//! The binary (`cargo run --example products`) is a thin shell around this library:
//! [`Command`] reads its configuration, [`Db`] is the store, and [`Service`] builds the
//! actix app and server whose routes are listed in [`routes`]. The integration tests
//! start the very same server on a loopback port.

mod access_log;
mod app;
mod body;
pub mod config;
mod db;
pub mod merge_patch;
mod model;
mod problem;
pub mod routes;
mod sql;

pub use access_log::AccessLog;
pub use app::Service;
pub use config::{Command, Config};
pub use db::{Db, DbError};
pub use model::{Catalog, Product, ProductInput};
pub use problem::{ApiError, PROBLEM_JSON};
