//! The connection layer under the router: accepting, HTTP/1.1 and HTTP/2 by
//! hyper, and the rules no route can enforce because they hold before a
//! request exists or after its handler returned:
//!
//! - every connection must deliver its first request head within
//!   [`ConnectionLimits::first_request`] of being accepted (a silent socket
//!   or one that dribbles a request line is closed), and a connection with
//!   nothing in flight is closed after [`ConnectionLimits::idle`]; HTTP/2
//!   peers are pinged so dead ones are noticed;
//! - at most [`ConnectionLimits::max_connections`] are open; past that the
//!   server stops accepting until one closes, and says so in the log;
//! - accept errors (out of descriptors) back off instead of spinning;
//! - an HTTP/1.1 request without exactly one Host field gets a 400
//!   (RFC 9112, Section 3.2);
//! - 1xx, 204 and 304 responses carry no Content-Length (RFC 9110,
//!   Section 8.6);
//! - on shutdown the listener closes at once (new connections are refused)
//!   and open requests get up to 30 s to finish;
//! - a plain GET for a page the response cache holds is answered here, from
//!   the head the router sent it with and the stored body, without the
//!   router (see `cache::ResponseCache::direct`): the hot path of a site
//!   whose pages are all known in advance is a map lookup and a write.

use super::cache::{Direct, ResponseCache};
use super::live;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::http::{Response, StatusCode, Version, header};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::ServiceExt;

/// Bounds on connections, whatever their requests.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// How many connections may be open at once.
    pub max_connections: usize,
    /// How long a new connection may take to send its first request head.
    pub first_request: Duration,
    /// How long a connection may sit with no request in flight; also the
    /// longest time to send any later request head (HTTP/1.1).
    pub idle: Duration,
    /// The interval of HTTP/2 PING frames, and how long to wait for the
    /// answer before the connection is considered dead.
    pub http2_ping: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> ConnectionLimits {
        ConnectionLimits {
            max_connections: 1024,
            first_request: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            http2_ping: Duration::from_secs(20),
        }
    }
}

/// What a connection's watchdog knows of it.
#[derive(Default)]
struct Activity {
    started: AtomicBool,
    in_flight: AtomicUsize,
    /// Milliseconds since the connection was accepted, at the last change.
    last: std::sync::atomic::AtomicU64,
}

impl Activity {
    fn touch(&self, accepted: Instant) {
        self.last
            .store(accepted.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
}

/// Counts a request as in flight until its response body is dropped, so a
/// slow body (a dribble) keeps its connection from counting as idle.
struct InFlight {
    activity: Arc<Activity>,
    accepted: Instant,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.activity.in_flight.fetch_sub(1, Ordering::Relaxed);
        self.activity.touch(self.accepted);
    }
}

/// A response body that holds its [`InFlight`] mark.
struct TrackedBody {
    inner: Payload,
    _mark: InFlight,
}

/// What a response body is made of: the router's body, or stored bytes
/// sent as one frame.
enum Payload {
    Routed(Body),
    Stored(Option<Bytes>),
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match &mut self.inner {
            Payload::Routed(body) => Pin::new(body).poll_frame(cx),
            Payload::Stored(bytes) => Poll::Ready(
                bytes
                    .take()
                    .filter(|b| !b.is_empty())
                    .map(|b| Ok(http_body::Frame::data(b))),
            ),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.inner {
            Payload::Routed(body) => body.is_end_stream(),
            Payload::Stored(bytes) => bytes.as_ref().is_none_or(Bytes::is_empty),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match &self.inner {
            Payload::Routed(body) => body.size_hint(),
            Payload::Stored(bytes) => {
                http_body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
        }
    }
}

/// What a listener serves: the router, and the response cache whose stored
/// pages the server may answer itself (the cache the router's groups use).
pub struct Site {
    router: Router,
    cache: Option<Arc<ResponseCache>>,
}

impl Site {
    /// `router`, with the server answering the pages `cache` holds (the
    /// cache of the `AppState` the router was built with).
    pub fn with_cache(router: Router, cache: Arc<ResponseCache>) -> Site {
        Site {
            router,
            cache: Some(cache),
        }
    }
}

impl From<Router> for Site {
    /// `router` answering every request.
    fn from(router: Router) -> Site {
        Site {
            router,
            cache: None,
        }
    }
}

/// Accepts connections until `shutdown` resolves, with the default
/// [`ConnectionLimits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()>,
) {
    serve_with(listener, app, shutdown, ConnectionLimits::default()).await
}

/// Accepts connections until `shutdown` resolves, then closes the listener
/// and lets open requests finish (up to 30 s). `site` is a [`Router`] or a
/// [`Site`].
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    site: impl Into<Site>,
    shutdown: impl std::future::Future<Output = ()>,
    limits: ConnectionLimits,
) {
    let Site { router: app, cache } = site.into();
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.idle.min(limits.first_request));
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(limits.http2_ping))
        .keep_alive_timeout(limits.http2_ping);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let local = listener.local_addr().ok();
    let mut backoff = Duration::ZERO;
    tokio::pin!(shutdown);
    loop {
        let slot = match slots.clone().try_acquire_owned() {
            Ok(slot) => slot,
            Err(_) => {
                tracing::warn!(
                    "{} connections are open, the most allowed; new ones wait until one closes",
                    limits.max_connections
                );
                tokio::select! {
                    slot = slots.clone().acquire_owned() => match slot {
                        Ok(slot) => slot,
                        Err(_) => break,
                    },
                    _ = &mut shutdown => break,
                }
            }
        };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(pair) => {
                backoff = Duration::ZERO;
                pair
            }
            Err(error) => {
                // Out of descriptors (or another transient failure): wait
                // rather than spin, and try again.
                backoff = (backoff * 2).clamp(Duration::from_millis(10), Duration::from_secs(1));
                tracing::warn!("accept failed: {error}; retrying in {backoff:?}");
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => continue,
                    _ = &mut shutdown => break,
                }
            }
        };
        // The router is shared as it is: the peer address travels in each
        // request's extensions (what axum's `Extension` layer would put
        // there), so a connection costs no copy of the route table.
        let app = app.clone();
        let cache = cache.clone();
        let accepted_at = Instant::now();
        let activity = Arc::new(Activity::default());
        let seen = activity.clone();
        let service = hyper::service::service_fn(
            move |mut request: axum::http::Request<hyper::body::Incoming>| {
                let problem = host_problem(&request);
                let direct = match (&problem, &cache) {
                    (None, Some(cache)) => cache.direct(&request),
                    _ => None,
                };
                let learn = match direct {
                    Some(Direct::Answer { head, body }) => {
                        seen.started.store(true, Ordering::Relaxed);
                        seen.in_flight.fetch_add(1, Ordering::Relaxed);
                        let mark = InFlight {
                            activity: seen.clone(),
                            accepted: accepted_at,
                        };
                        let mut response = Response::new(TrackedBody {
                            inner: Payload::Stored(Some(body)),
                            _mark: mark,
                        });
                        *response.headers_mut() = head;
                        return futures_util::future::Either::Left(std::future::ready(Ok::<
                            _,
                            std::io::Error,
                        >(
                            response
                        )));
                    }
                    Some(Direct::Learn(learn)) => {
                        learn.mark(&mut request);
                        Some(learn)
                    }
                    None => None,
                };
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                if let Some(local) = local {
                    request
                        .extensions_mut()
                        .insert(live::proxy::Listening(local));
                }
                let app = app.clone();
                let activity = seen.clone();
                futures_util::future::Either::Right(async move {
                    activity.started.store(true, Ordering::Relaxed);
                    activity.in_flight.fetch_add(1, Ordering::Relaxed);
                    let mark = InFlight {
                        activity,
                        accepted: accepted_at,
                    };
                    let response = match problem {
                        Some(problem) => problem,
                        None => app
                            .oneshot(request.map(Body::new))
                            .await
                            .unwrap_or_else(|never| match never {}),
                    };
                    if let Some(learn) = learn {
                        learn.learn(&response);
                    }
                    // A live request may ask for the connection to be dropped
                    // before any answer: only this layer can do that.
                    if response
                        .extensions()
                        .get::<live::AbortConnection>()
                        .is_some()
                    {
                        return Err(std::io::Error::new(
                            std::io::ErrorKind::ConnectionAborted,
                            "fault injected by statusatlas",
                        ));
                    }
                    let mut response = without_forbidden_length(response);
                    // Every status line carries the registered phrase, also
                    // on answers no live endpoint made (the body limit's 413).
                    if response
                        .extensions()
                        .get::<hyper::ext::ReasonPhrase>()
                        .is_none()
                        && let Some(reason) = live::registered_reason(response.status().as_u16())
                    {
                        response.extensions_mut().insert(reason.clone());
                    }
                    let (parts, body) = {
                        let r = std::mem::take(&mut response);
                        r.into_parts()
                    };
                    Ok::<_, std::io::Error>(Response::from_parts(
                        parts,
                        TrackedBody {
                            inner: Payload::Routed(body),
                            _mark: mark,
                        },
                    ))
                })
            },
        );
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
        let watched = graceful.watch(connection.into_owned());
        tokio::spawn(async move {
            let _slot = slot;
            tokio::pin!(watched);
            let mut tick = tokio::time::interval(Duration::from_millis(500));
            loop {
                tokio::select! {
                    _ = &mut watched => return,
                    _ = tick.tick() => {
                        let since_accept = accepted_at.elapsed();
                        if !activity.started.load(Ordering::Relaxed) {
                            if since_accept > limits.first_request {
                                return;
                            }
                            continue;
                        }
                        let last = Duration::from_millis(activity.last.load(Ordering::Relaxed));
                        if activity.in_flight.load(Ordering::Relaxed) == 0
                            && since_accept.saturating_sub(last) > limits.idle
                        {
                            return;
                        }
                    }
                }
            }
        });
    }
    // Refuse new connections now rather than leave them in the backlog.
    drop(listener);
    tokio::select! {
        _ = graceful.shutdown() => {},
        _ = tokio::time::sleep(Duration::from_secs(30)) => {
            tracing::warn!("connections still open after 30 s; closing them");
        }
    }
}

/// A 400 for an HTTP/1.1 request without exactly one Host field.
fn host_problem<B>(request: &axum::http::Request<B>) -> Option<axum::response::Response> {
    if request.version() != Version::HTTP_11 {
        return None;
    }
    let hosts = request.headers().get_all(header::HOST).iter().count();
    if hosts == 1 {
        return None;
    }
    let message = if hosts == 0 {
        "An HTTP/1.1 request must carry a Host header field (RFC 9112, Section 3.2).\n"
    } else {
        "An HTTP/1.1 request must carry exactly one Host header field (RFC 9112, Section 3.2).\n"
    };
    let mut response = Response::new(Body::from(message));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    h.insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
    );
    Some(response)
}

/// Drops a Content-Length that a 1xx, 204 or 304 response must not carry
/// (the router adds one from the empty body's size).
fn without_forbidden_length(mut response: axum::response::Response) -> axum::response::Response {
    let s = response.status();
    if s.is_informational() || s == StatusCode::NO_CONTENT || s == StatusCode::NOT_MODIFIED {
        response.headers_mut().remove(header::CONTENT_LENGTH);
    }
    response
}
