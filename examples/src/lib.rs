//! The products service: a product catalog on SQLite or PostgreSQL (sqlx) with entity
//! tags, conditional GET and optimistic concurrency, built on `etag-actix`.
//!
//! The binary (`cargo run --example products`) is a thin shell around this library:
//! [`Config`] reads its configuration (clap), [`Db`] is the store, and [`Service`] builds the
//! actix app and server whose routes are listed in [`routes`]. The integration tests
//! start the very same server on a loopback port.

mod app;
mod body;
pub mod config;
pub mod db;
pub mod merge_patch;
mod model;
mod problem;
pub mod routes;
mod sql;

pub use app::{REQUEST_LOG_FORMAT, Service};
pub use config::Config;
pub use db::{Db, DbError};
pub use etag_actix::PROBLEM_JSON;
pub use model::{Catalog, CatalogVersion, Product, ProductInput, ProductVersion};
pub use problem::{ApiError, RETRY_AFTER_SECS};
