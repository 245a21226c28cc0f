//! CORS for every route (the data is public and embeds fetch it), with one
//! correction to tower-http's layer: it answers every OPTIONS request as a
//! preflight, while the Fetch standard makes a preflight an OPTIONS request
//! that carries `Origin` and `Access-Control-Request-Method`. A plain
//! OPTIONS (`curl -X OPTIONS /status/503`) reaches the routes, so a live
//! endpoint answers it like any other method and the other routes answer
//! with their Allow list.

use axum::http::{Method, Request, header};
use std::task::{Context, Poll};
use std::time::Duration;
use tower::{Layer, Service};
use tower_http::cors::{Cors, CorsLayer};

/// The CORS layer of the whole site: any origin, preflights cached a day.
#[derive(Clone)]
pub struct PublicCors {
    cors: CorsLayer,
}

impl PublicCors {
    pub fn new() -> PublicCors {
        PublicCors {
            cors: CorsLayer::permissive().max_age(Duration::from_secs(86400)),
        }
    }
}

impl Default for PublicCors {
    fn default() -> PublicCors {
        PublicCors::new()
    }
}

impl<S: Clone> Layer<S> for PublicCors {
    type Service = PublicCorsService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        PublicCorsService {
            cors: self.cors.layer(inner.clone()),
            plain: inner,
        }
    }
}

/// See [`PublicCors`].
#[derive(Clone)]
pub struct PublicCorsService<S> {
    cors: Cors<S>,
    plain: S,
}

/// Whether a request is a CORS preflight (Fetch standard, CORS protocol).
pub fn is_preflight<B>(request: &Request<B>) -> bool {
    request.method() == Method::OPTIONS
        && request.headers().contains_key(header::ORIGIN)
        && request
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

impl<S, B, R> Service<Request<B>> for PublicCorsService<S>
where
    S: Service<Request<B>, Response = axum::http::Response<R>> + Clone,
    R: Default,
{
    type Response = axum::http::Response<R>;
    type Error = S::Error;
    type Future = futures_util::future::Either<<Cors<S> as Service<Request<B>>>::Future, S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        // Both are made ready, so that `call` may use either without a
        // clone of the CORS configuration per request; the one not called
        // just stays ready.
        match self.plain.poll_ready(cx) {
            Poll::Ready(Ok(())) => self.cors.poll_ready(cx),
            other => other,
        }
    }

    fn call(&mut self, request: Request<B>) -> Self::Future {
        if request.method() == Method::OPTIONS && !is_preflight(&request) {
            futures_util::future::Either::Right(self.plain.call(request))
        } else {
            futures_util::future::Either::Left(self.cors.call(request))
        }
    }
}
