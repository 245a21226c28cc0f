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
    if request.method() == axum::http::Method::CONNECT || !request.uri().path().starts_with('/') {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let query = request.uri().query().map(str::to_owned);
    let response = next.run(request).await;
    if path == "/" {
        return response;
    }
    // A 405 from a pattern that matched by accident (`/status/200/` as
    // `/{protocol}/{class}/`) is missing too when GET finds nothing there.
    let missing = is_missing(&response)
        || (response.status() == StatusCode::METHOD_NOT_ALLOWED
            && !exists(&routes, &path).await.unwrap_or(true));
    if !missing {
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
    let Some(exists) = exists(&routes, &other).await else {
        return response;
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
    let h = moved.headers_mut();
    h.insert(header::LOCATION, location);
    // No group's layers ran for this answer: it gets the strictest policy.
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    moved
}

/// Whether GET finds a resource at `path` (None when `path` is no URI).
async fn exists(routes: &Router, path: &str) -> Option<bool> {
    let probe = axum::http::Request::get(path).body(Body::empty()).ok()?;
    match routes.clone().oneshot(probe).await {
        Ok(r) => Some(!is_missing(&r)),
        Err(never) => match never {},
    }
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
