//! One trailing-slash policy for every route group: a URL that is not found
//! but exists with the slash added or removed answers 308 to that form
//! (query kept, method and body kept by the client), so `/status/200/`,
//! `/http/407/`, `/http` and `/api/v1/protocols/` all reach their resource
//! instead of a 404 a client cannot tell from a real one.

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tower::ServiceExt;

/// Middleware: see the module documentation. `routes` is the route table
/// without this layer, used to ask whether the other form exists.
pub async fn canonical_slash(
    State(routes): State<Router>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let response = next.run(request).await;
    if !is_missing(&response) || path == "/" {
        return response;
    }
    let other = match path.strip_suffix('/') {
        Some(trimmed) => trimmed.to_string(),
        None => format!("{path}/"),
    };
    // Never a network-path reference ("//host") or anything a browser could
    // turn into one.
    if !other.starts_with('/') || other.starts_with("//") || other.contains('\\') {
        return response;
    }
    let Ok(probe) = axum::http::Request::get(&other).body(Body::empty()) else {
        return response;
    };
    let exists = match routes.oneshot(probe).await {
        Ok(r) => !is_missing(&r),
        Err(never) => match never {},
    };
    if !exists {
        return response;
    }
    let target = match query {
        Some(q) => format!("{other}?{q}"),
        None => other,
    };
    let Ok(location) = HeaderValue::from_str(&target) else {
        return response;
    };
    let mut moved = Response::new(Body::empty());
    *moved.status_mut() = StatusCode::PERMANENT_REDIRECT;
    moved.headers_mut().insert(header::LOCATION, location);
    moved
}

/// Whether a response says "no such resource" (not a live endpoint asked
/// to answer 404, nor a 404 of an existing route's own).
fn is_missing(response: &Response) -> bool {
    response.status() == StatusCode::NOT_FOUND
        && response
            .extensions()
            .get::<super::error::ErrorMark>()
            .is_some_and(|m| m.0 == "not_found")
}
