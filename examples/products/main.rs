//! The products service: `cargo run --example products -- --help`.
//!
//! A thin shell: reads the command line and environment (clap), opens the database
//! (sqlx: an SQLite file by default, PostgreSQL by URL), logs with env_logger (`RUST_LOG`,
//! default `info`: the startup line and one line per request) and serves the
//! [`etag_examples::Service`] until a signal stops it: actix-web's own handling, graceful
//! on SIGTERM, at once on Ctrl-C (SIGINT).

use std::net::TcpListener;
use std::process::ExitCode;

use clap::Parser as _;
use etag_examples::{Config, Db, Service};

fn main() -> ExitCode {
    // Exits with 2 and the reason (or 0 with --help / --version) on a bad command line.
    let config = Config::parse();
    // PostgreSQL's notices ("relation ... already exists, skipping") are not news.
    let filter = "info,sqlx::postgres::notice=warn";
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(filter)).init();
    match actix_web::rt::System::new().block_on(run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            log::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let database = config.database_or(std::env::var("DATABASE_URL").ok());
    let db = Db::connect(&database)
        .await
        .map_err(|e| format!("cannot open the database: {e}"))?;
    let listener = TcpListener::bind(&config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let addr = listener.local_addr()?;
    let name = format!("{} {}", db.backend(), db.name());
    let mut service = Service::new(db.clone()).max_age(config.max_age);
    if let Some(n) = config.workers {
        service = service.workers(n.get());
    }
    let server = service.serve(listener)?;
    log::info!("listening on http://{addr} (database: {name}); Ctrl-C to stop");
    server.await?;
    db.close().await;
    log::info!("stopped");
    Ok(())
}
