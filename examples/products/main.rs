//! The products service: `cargo run --example products -- --help`.
//!
//! A thin shell: reads the command line and environment, opens the database, serves the
//! [`etag_examples::Service`] and stops gracefully on Ctrl-C (SIGINT) or SIGTERM,
//! finishing the requests in flight.

use std::net::TcpListener;
use std::process::ExitCode;

use etag_examples::{AccessLog, Command, Config, Db, Service, config::USAGE};

fn main() -> ExitCode {
    let command = Command::parse(std::env::args().skip(1), |name| std::env::var(name).ok());
    match command {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Run(config)) => match actix_web::rt::System::new().block_on(run(config)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("products: {err}");
                ExitCode::FAILURE
            }
        },
        Err(err) => {
            eprintln!("products: {err}");
            ExitCode::from(2)
        }
    }
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::open(&config.db)
        .map_err(|e| format!("cannot open database {}: {e}", config.db.display()))?;
    let listener = TcpListener::bind(&config.bind)
        .map_err(|e| format!("cannot listen on {}: {e}", config.bind))?;
    let addr = listener.local_addr()?;
    let log = AccessLog::stderr();
    let server = Service::new(db)
        .access_log(log.clone())
        .max_age(config.max_age)
        .serve(listener)?;
    log.write(&format!(
        "products: listening on http://{addr} (database {}); Ctrl-C to stop",
        config.db.display()
    ));

    let handle = server.handle();
    actix_web::rt::spawn(async move {
        shutdown_signal().await;
        log.write("products: shutting down, finishing requests in flight");
        handle.stop(true).await;
    });
    server.await?;
    eprintln!("products: stopped");
    Ok(())
}

/// Resolves on the first Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use actix_web::rt::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                let interrupt = actix_web::rt::signal::ctrl_c();
                first_of(interrupt, term.recv()).await;
            }
            Err(_) => {
                let _ = actix_web::rt::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = actix_web::rt::signal::ctrl_c().await;
    }
}

/// Waits for whichever of two futures finishes first.
#[cfg(unix)]
async fn first_of<A: Future, B: Future>(a: A, b: B) {
    let mut a = std::pin::pin!(a);
    let mut b = std::pin::pin!(b);
    std::future::poll_fn(|cx| {
        if a.as_mut().poll(cx).is_ready() || b.as_mut().poll(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}
