//! Wiring: the actix `App` (routes, settings, request log) and the `HttpServer`.

use std::borrow::Cow;
use std::io;
use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderValue;
use actix_web::middleware::Logger;
use actix_web::{App, HttpRequest, HttpServer, web};
use etag_actix::{PreconditionConfig, TaggedCompress, get_or_head};

use crate::body;
use crate::db::Db;
use crate::problem::ApiError;
use crate::routes::{self, CachePolicy};

/// The format of the request log: one line per request, written by actix-web's
/// [`Logger`] through the `log` crate when the response has been sent. Peer address, request
/// line, status, bytes sent, milliseconds taken; a 5xx adds its cause (`error: ...`), which
/// the client does not see:
///
/// ```text
/// 127.0.0.1 "GET /products/1 HTTP/1.1" 200 157 0.412ms
/// 127.0.0.1 "PUT /products/1 HTTP/1.1" 503 171 3001.2ms error: database unavailable: pool timed out while waiting for an open connection
/// ```
///
/// # Examples
///
/// ```
/// assert!(etag_examples::REQUEST_LOG_FORMAT.contains("%r"));
/// ```
pub const REQUEST_LOG_FORMAT: &str = r#"%a "%r" %s %b %Dms%{cause}xo"#;

/// The products service: its store, its request log and its cache policy.
///
/// # Examples
///
/// ```no_run
/// use std::net::TcpListener;
/// use etag_examples::{Db, Service};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let db = Db::open("products.db").await?;
/// let server = Service::new(db).max_age(Some(5)).serve(TcpListener::bind("127.0.0.1:8080")?)?;
/// server.await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Service {
    db: Db,
    log_target: Option<Cow<'static, str>>,
    cache_control: HeaderValue,
    workers: Option<usize>,
}

impl Service {
    /// The service on `db`, with `Cache-Control: no-cache`. Its request log goes to the
    /// `log` crate (target `actix_web::middleware::logger`, level info): the binary prints
    /// it with env_logger.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-new", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = etag_examples::Db::open(dir.join("products.db")).await?;
    ///     let service = etag_examples::Service::new(db);
    ///     # drop(service);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(db: Db) -> Self {
        Service {
            db,
            log_target: None,
            cache_control: HeaderValue::from_static("no-cache"),
            workers: None,
        }
    }

    /// Writes the request log under this `log` target instead of actix-web's
    /// `actix_web::middleware::logger` (to filter it, e.g. `RUST_LOG=warn,products=info`,
    /// or to tell two services in one process apart).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::{Db, Service};
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-log-target", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let service = Service::new(Db::open(dir.join("products.db")).await?).log_target("products::requests");
    ///     # drop(service);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn log_target(mut self, target: impl Into<Cow<'static, str>>) -> Self {
        self.log_target = Some(target.into());
        self
    }

    /// Lets caches reuse product responses for `seconds` without asking
    /// (`Cache-Control: max-age=N`); `None` keeps `no-cache` (revalidate every time).
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test;
    /// use etag_examples::{Db, Service};
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-max-age", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let cached = Service::new(Db::open(dir.join("products.db")).await?).max_age(Some(60));
    ///     let app = test::init_service(cached.app()).await;
    ///     let req = test::TestRequest::get().uri("/products/1").to_request();
    ///     let res = test::call_service(&app, req).await;
    ///     assert_eq!(res.headers().get("cache-control").unwrap(), "max-age=60");
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn max_age(mut self, seconds: Option<u32>) -> Self {
        self.cache_control = match seconds {
            Some(n) => HeaderValue::from_str(&format!("max-age={n}"))
                .unwrap_or_else(|_| HeaderValue::from_static("no-cache")),
            None => HeaderValue::from_static("no-cache"),
        };
        self
    }

    /// The number of worker threads (default: actix-web's, one per physical core).
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::{Db, Service};
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-workers", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let small = Service::new(Db::open(dir.join("products.db")).await?).workers(2);
    ///     # drop(small);
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn workers(mut self, n: usize) -> Self {
        self.workers = Some(n);
        self
    }

    /// The actix `App`: routes, shared state, the body limit, compression with
    /// coding-aware tags, and the request log.
    ///
    /// # Examples
    ///
    /// ```
    /// use actix_web::test;
    /// use etag_examples::{Db, Service};
    ///
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-app", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let service = Service::new(Db::open(dir.join("products.db")).await?);
    ///     let app = test::init_service(service.app()).await;
    ///     let res = test::call_service(&app, test::TestRequest::get().uri("/products/1").to_request()).await;
    ///     assert!(res.headers().contains_key("etag"));
    ///     Ok::<(), etag_examples::DbError>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn app(
        &self,
    ) -> App<
        impl ServiceFactory<
            ServiceRequest,
            Config = (),
            Response = ServiceResponse<impl MessageBody + use<>>,
            Error = actix_web::Error,
            InitError = (),
        > + use<>,
    > {
        let mut log = Logger::new(REQUEST_LOG_FORMAT).custom_response_replace("cause", cause);
        if let Some(target) = &self.log_target {
            log = log.log_target(target.clone());
        }
        App::new()
            .app_data(web::Data::new(self.db.clone()))
            .app_data(web::Data::new(CachePolicy(self.cache_control.clone())))
            // PUT, PATCH and DELETE must be conditional (428 otherwise), decided by
            // `Preconditions::write` once the product is known to exist: a write to an
            // absent one is 404, whatever its headers.
            .app_data(
                PreconditionConfig::new()
                    .require_precondition(true)
                    // The store's clock: writes are stamped and requests judged by one time.
                    .clock(self.db.clock().clone()),
            )
            // Larger bodies: 413, as problem+json (see `body::read`).
            .app_data(web::PayloadConfig::new(body::MAX_BODY_BYTES))
            // gzip/brotli for clients that ask; a compressed body's strong tag gets a
            // `.gzip`/`.br` suffix, stripped again from If-None-Match / If-Match.
            .wrap(TaggedCompress::default())
            // Outermost: logs every request, with the final status.
            .wrap(log)
            .service(
                web::resource("/products")
                    .route(get_or_head().to(routes::list))
                    .route(web::post().to(routes::create))
                    .default_service(web::to(routes::method_not_allowed("GET, HEAD, POST"))),
            )
            .service(
                web::resource("/products/{id}")
                    .route(get_or_head().to(routes::show))
                    .route(web::put().to(routes::put_or_patch))
                    .route(web::patch().to(routes::put_or_patch))
                    .route(web::delete().to(routes::delete))
                    .default_service(web::to(routes::method_not_allowed(
                        "GET, HEAD, PUT, PATCH, DELETE",
                    ))),
            )
            .default_service(web::to(no_route))
    }

    /// An `HttpServer` running the app on `listener`, with actix-web's own signal handling:
    /// SIGTERM stops it gracefully (no new connections, the requests in flight finish,
    /// within 30 s), SIGINT (Ctrl-C) and SIGQUIT stop it at once. Tests stop it by its
    /// handle.
    ///
    /// # Errors
    ///
    /// The listener cannot be used.
    ///
    /// # Examples
    ///
    /// ```
    /// use std::net::TcpListener;
    /// use etag_examples::{Db, Service};
    ///
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-serve", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let db = Db::open(dir.join("products.db")).await?;
    ///     let server = Service::new(db).workers(1).serve(TcpListener::bind("127.0.0.1:0")?)?;
    ///     let handle = server.handle();
    ///     actix_web::rt::spawn(server);
    ///     handle.stop(true).await;
    ///     Ok::<(), Box<dyn std::error::Error>>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn serve(self, listener: TcpListener) -> io::Result<Server> {
        let workers = self.workers;
        let mut server = HttpServer::new(move || self.app());
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(server.listen(listener)?.run())
    }
}

/// The `%{cause}xo` of [`REQUEST_LOG_FORMAT`]: for a server error, ` error: ` and its
/// cause; nothing otherwise.
fn cause(res: &ServiceResponse) -> String {
    match res.response().error() {
        Some(err) if res.status().is_server_error() => format!(" error: {err}"),
        _ => String::new(),
    }
}

async fn no_route(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NoRoute {
        path: req.path().to_owned(),
    })
}
