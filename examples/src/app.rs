//! Wiring: the actix `App` (routes, settings, request log) and the `HttpServer`.

use std::io;
use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::header::HeaderValue;
use actix_web::{App, HttpRequest, HttpServer, web};
use etag_actix::{TaggedCompress, get_or_head};

use crate::access_log::AccessLog;
use crate::body;
use crate::db::Db;
use crate::problem::ApiError;
use crate::routes::{self, CachePolicy};

/// The products service: its store, its request log and its cache policy.
///
/// # Examples
///
/// ```no_run
/// use std::net::TcpListener;
/// use etag_examples::{Db, Service};
///
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let db = Db::open("products.db")?;
/// let server = Service::new(db).max_age(Some(5)).serve(TcpListener::bind("127.0.0.1:8080")?)?;
/// server.await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Service {
    db: Db,
    log: AccessLog,
    cache_control: HeaderValue,
    workers: Option<usize>,
}

impl Service {
    /// The service on `db`, logging to stderr, with `Cache-Control: no-cache`.
    ///
    /// # Examples
    ///
    /// ```
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-new", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let db = etag_examples::Db::open(dir.join("products.db"))?;
    /// let service = etag_examples::Service::new(db);
    /// # drop(service);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(db: Db) -> Self {
        Service {
            db,
            log: AccessLog::stderr(),
            cache_control: HeaderValue::from_static("no-cache"),
            workers: None,
        }
    }

    /// Sends the request log to `log` instead of stderr.
    ///
    /// # Examples
    ///
    /// ```
    /// use etag_examples::{AccessLog, Db, Service};
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-access-log", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let quiet = Service::new(Db::open(dir.join("products.db"))?).access_log(AccessLog::new(|_| {}));
    /// # drop(quiet);
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn access_log(mut self, log: AccessLog) -> Self {
        self.log = log;
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
    /// let cached = Service::new(Db::open(dir.join("products.db"))?).max_age(Some(60));
    /// actix_web::rt::System::new().block_on(async {
    ///     let app = test::init_service(cached.app()).await;
    ///     let req = test::TestRequest::get().uri("/products/1").to_request();
    ///     let res = test::call_service(&app, req).await;
    ///     assert_eq!(res.headers().get("cache-control").unwrap(), "max-age=60");
    /// });
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
    /// let small = Service::new(Db::open(dir.join("products.db"))?).workers(2);
    /// # drop(small);
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
    /// use etag_examples::{AccessLog, Db, Service};
    ///
    /// # let dir = std::env::temp_dir().join(format!("etag-examples-doc-{}-app", std::process::id()));
    /// # std::fs::create_dir_all(&dir)?;
    /// let service = Service::new(Db::open(dir.join("products.db"))?).access_log(AccessLog::new(|_| {}));
    /// actix_web::rt::System::new().block_on(async {
    ///     let app = test::init_service(service.app()).await;
    ///     let res = test::call_service(&app, test::TestRequest::get().uri("/products/1").to_request()).await;
    ///     assert!(res.headers().contains_key("etag"));
    /// });
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
        let log = self.log.clone();
        App::new()
            .app_data(web::Data::new(self.db.clone()))
            .app_data(web::Data::new(CachePolicy(self.cache_control.clone())))
            // No app-wide 428 rule: the write handlers demand a precondition themselves, once
            // they know the product exists (a write to an absent one is 404, whatever its
            // headers).
            // Larger bodies: 413, as problem+json (see `body::read`).
            .app_data(web::PayloadConfig::new(body::MAX_BODY_BYTES))
            // gzip/brotli for clients that ask; a compressed body's strong tag gets a
            // `.gzip`/`.br` suffix, stripped again from If-None-Match / If-Match.
            .wrap(TaggedCompress::default())
            // Outermost: logs every request, with the final status.
            .wrap_fn(move |req, srv| log.around(req, srv))
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

    /// An `HttpServer` running the app on `listener`. OS signals are left to the caller
    /// (the binary stops gracefully on Ctrl-C and SIGTERM; tests stop it by its handle).
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
    /// let db = Db::open(dir.join("products.db"))?;
    /// actix_web::rt::System::new().block_on(async {
    ///     let server = Service::new(db).workers(1).serve(TcpListener::bind("127.0.0.1:0")?)?;
    ///     let handle = server.handle();
    ///     actix_web::rt::spawn(server);
    ///     handle.stop(true).await;
    ///     Ok::<(), std::io::Error>(())
    /// })?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn serve(self, listener: TcpListener) -> io::Result<Server> {
        let workers = self.workers;
        let mut server = HttpServer::new(move || self.app()).disable_signals();
        if let Some(n) = workers {
            server = server.workers(n);
        }
        Ok(server.listen(listener)?.run())
    }
}

async fn no_route(req: HttpRequest) -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::NoRoute {
        path: req.path().to_owned(),
    })
}
