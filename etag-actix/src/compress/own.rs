//! Marking responses whose handler set `Content-Encoding` itself, before `Compress` sees
//! them: inside [`TaggedCompress`](super::TaggedCompress), the tag layer can then tell a
//! body `Compress` encoded from one the handler encoded (whose tag covers the same bytes for
//! every client, like an identity body's).

use std::future::{Ready, ready};

use actix_web::Error;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header;
use futures_util::TryFutureExt as _;
use futures_util::future::MapOk;

/// Response extension: the handler set this response's `Content-Encoding`.
#[derive(Clone, Copy, Debug)]
pub(super) struct OwnCoding;

/// The marking layer (innermost of `TaggedCompress`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct MarkOwnCodings;

impl<S, B> Transform<S, ServiceRequest> for MarkOwnCodings
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = MarkOwnCodingsService<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, ()>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(MarkOwnCodingsService { service }))
    }
}

/// The service made by [`MarkOwnCodings`].
#[derive(Debug)]
pub struct MarkOwnCodingsService<S> {
    service: S,
}

impl<S, B> Service<ServiceRequest> for MarkOwnCodingsService<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = MapOk<S::Future, fn(ServiceResponse<B>) -> ServiceResponse<B>>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        self.service.call(req).map_ok(mark)
    }
}

fn mark<B>(mut res: ServiceResponse<B>) -> ServiceResponse<B> {
    if res.headers().contains_key(header::CONTENT_ENCODING) {
        res.response_mut().extensions_mut().insert(OwnCoding);
    }
    res
}
