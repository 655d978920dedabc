//! Routing `HEAD` to `GET` handlers: [`get_or_head`] and the [`GetOrHead`] guard.

use actix_web::Route;
use actix_web::guard::{Guard, GuardContext};
use actix_web::http::Method;

/// A guard that accepts `GET` and `HEAD` requests.
///
/// actix-web's `web::get()` and `#[get]` match `GET` only, so a `HEAD` to the same path gets
/// `405 Method Not Allowed` (or `404`). RFC 9110 §9.3.2 wants `HEAD` answered like `GET`
/// without a body; [`Tagged`](crate::Tagged) does that when the handler is reached. With the
/// route macros, list both methods: `#[route("/items/{id}", method = "GET", method = "HEAD")]`.
///
/// # Examples
///
/// ```
/// use actix_web::{App, HttpResponse, web};
/// use etag_actix::GetOrHead;
///
/// let app = App::new().service(
///     web::resource("/ping").route(web::route().guard(GetOrHead).to(HttpResponse::Ok)),
/// );
/// # drop(app);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct GetOrHead;

impl Guard for GetOrHead {
    fn check(&self, ctx: &GuardContext<'_>) -> bool {
        let method = &ctx.head().method;
        method == Method::GET || method == Method::HEAD
    }
}

/// A route matching `GET` and `HEAD`: use it where you would use `web::get()`.
///
/// # Examples
///
/// ```
/// use actix_web::{App, http::StatusCode, test, web};
/// use etag_actix::{EntityTag, Tagged, get_or_head};
///
/// async fn show() -> Tagged<&'static str> {
///     Tagged::with_etag("hello", EntityTag::strong("v1").unwrap())
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let app = test::init_service(App::new().route("/hello", get_or_head().to(show))).await;
/// let res = test::call_service(&app, test::TestRequest::default().method(actix_web::http::Method::HEAD).uri("/hello").to_request()).await;
/// assert_eq!(res.status(), StatusCode::OK);
/// assert_eq!(res.headers().get("etag").unwrap(), "\"v1\"");
/// # });
/// ```
pub fn get_or_head() -> Route {
    actix_web::web::route().guard(GetOrHead)
}
