//! The live gRPC listener (`statusatlas serve --grpc-addr ADDR`): the
//! service `statusatlas.live.v1.Live` of `proto/statusatlas/live/v1/live.proto`,
//! whose calls end with whichever of the 17 gRPC status codes the caller
//! names, after an optional delay and with the google.rpc error details that
//! fit the code, so a client's handling of each status (retries, deadlines,
//! rich errors) can be tested against a real server. Server reflection (v1
//! and v1alpha) is served beside it, so tools such as grpcurl need no copy of
//! the `.proto`.
//!
//! The listener is a transport of its own: the catalog only tells which
//! codes exist and what they are called. Like the HTTP live endpoints it is
//! bounded everywhere: request messages of at most [`MAX_REQUEST_BYTES`],
//! status messages of at most [`MAX_MESSAGE_BYTES`], delays capped at the
//! live delay cap (`--live-max-delay`), streams of at most
//! [`MAX_STREAM_MESSAGES`] messages at most [`MAX_STREAM_INTERVAL`] apart,
//! at most `--live-max-delayed` calls in flight at once, the per-client rate
//! limit of the live endpoints (off on loopback), and the connection limits
//! of every listener. A client's `grpc-timeout` is honoured: the server stops
//! waiting when the deadline passes and answers DEADLINE_EXCEEDED.

mod details;

use crate::catalog::{Entry, Protocol, catalog};
use crate::web::live::{Limits, LiveConfig};
use axum::extract::ConnectInfo;
use futures_util::Stream;
use proto::live_server::{Live, LiveServer};
use proto::{StatusReply, StatusRequest, StreamReply, StreamRequest};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Code, Request, Response, Status};

/// The code generated from `proto/statusatlas/live/v1/live.proto` (messages,
/// the `Live` server trait and a client), and the encoded file descriptor
/// set that server reflection serves.
pub mod proto {
    #![allow(missing_docs, clippy::all)]
    tonic::include_proto!("statusatlas.live.v1");

    /// The encoded `FileDescriptorSet` of `live.proto`, compiled at build time.
    pub const FILE_DESCRIPTOR_SET: &[u8] = tonic::include_file_descriptor_set!("live_descriptor");
}

/// The fully qualified name of the service (`package.Service`).
pub const SERVICE: &str = "statusatlas.live.v1.Live";

/// The address suggested for `--grpc-addr` (the port gRPC examples use).
pub const DEFAULT_ADDR: &str = "127.0.0.1:50051";

/// The largest request message the server decodes, in bytes; larger ones
/// end with OUT_OF_RANGE (tonic's answer) before any handler runs.
pub const MAX_REQUEST_BYTES: usize = 4 * 1024;

/// The longest status message a caller may choose, in bytes.
pub const MAX_MESSAGE_BYTES: usize = 1024;

/// The most messages a `Stream` call sends before its status.
pub const MAX_STREAM_MESSAGES: u32 = 100;

/// The longest pause between two messages of a `Stream` call; longer ones
/// are capped.
pub const MAX_STREAM_INTERVAL: Duration = Duration::from_secs(1);

/// The retry delay put in RetryInfo when the caller gives none.
pub const DEFAULT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// The longest retry delay a caller may put in RetryInfo.
pub const MAX_RETRY_DELAY: Duration = Duration::from_secs(86_400);

/// Response metadata (header or trailer) giving the delay applied, in
/// milliseconds, after the cap.
pub const DELAY_METADATA: &str = "statusatlas-delay-ms";

/// Response metadata present when the requested delay was over the cap: the
/// delay asked for, in milliseconds.
pub const DELAY_CAPPED_METADATA: &str = "statusatlas-delay-capped-from-ms";

/// The domain of every google.rpc.ErrorInfo this service sends.
pub const ERROR_DOMAIN: &str = "statusatlas.live.v1";

/// The service behind `statusatlas.live.v1.Live`.
pub struct LiveService {
    limits: Limits,
    calls: Arc<Semaphore>,
    base_url: String,
}

impl LiveService {
    /// The service with the live endpoints' limits (`config`: delay cap,
    /// calls in flight, per-client rate; see [`LiveConfig::for_address`]),
    /// linking error details to the reference site at `base_url`.
    pub fn new(config: LiveConfig, base_url: &str) -> LiveService {
        LiveService {
            calls: Arc::new(Semaphore::new(config.max_delayed.max(1))),
            limits: Limits::new(config),
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Checks the per-client rate and takes a slot among the calls in
    /// flight, or says why not (RESOURCE_EXHAUSTED, with QuotaFailure and
    /// RetryInfo).
    fn admit<T>(&self, request: &Request<T>) -> Result<OwnedSemaphorePermit, Status> {
        let client = request
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        if let Some(ip) = client
            && !self.limits.allow(ip)
        {
            return Err(details::refusal(
                "TOO_MANY_REQUESTS",
                "too many calls from this address; slow down",
                "statusatlas.live.v1/calls-per-second",
            ));
        }
        self.calls.clone().try_acquire_owned().map_err(|_| {
            details::refusal(
                "TOO_MANY_CALLS_IN_FLIGHT",
                "the server has as many calls in flight as it allows; try again shortly",
                "statusatlas.live.v1/calls-in-flight",
            )
        })
    }

    /// Reads what a request asks for, or refuses it with INVALID_ARGUMENT
    /// and a BadRequest naming each bad field.
    fn plan(&self, request: &StatusRequest) -> Result<Plan, Status> {
        let mut violations = Vec::new();
        let entry = match resolve_code(&request.code) {
            Ok(entry) => Some(entry),
            Err(problem) => {
                violations.push(("code", problem));
                None
            }
        };
        if request.message.len() > MAX_MESSAGE_BYTES {
            violations.push((
                "message",
                format!(
                    "the message has {} bytes; at most {MAX_MESSAGE_BYTES} are allowed",
                    request.message.len()
                ),
            ));
        }
        let retry_delay = match request.retry_delay_ms {
            0 => DEFAULT_RETRY_DELAY,
            ms => Duration::from_millis(u64::from(ms)),
        };
        if retry_delay > MAX_RETRY_DELAY {
            violations.push((
                "retry_delay_ms",
                format!(
                    "at most {} ms (one day) is allowed",
                    MAX_RETRY_DELAY.as_millis()
                ),
            ));
        }
        let entry = match (entry, violations.is_empty()) {
            (Some(entry), true) => entry,
            _ => return Err(details::bad_request(&violations)),
        };
        let asked = Duration::from_millis(u64::from(request.delay_ms));
        let max = self.limits.config.max_delay;
        let message = if request.message.is_empty() {
            entry.summary.clone()
        } else {
            request.message.clone()
        };
        Ok(Plan {
            code: grpc_code(entry),
            entry,
            message,
            delay: asked.min(max),
            capped_from: (asked > max).then_some(asked),
            retry_delay,
        })
    }

    /// The status a plan ends with when its code is not OK.
    fn failure(&self, plan: &Plan) -> Status {
        let mut metadata = MetadataMap::new();
        plan.describe(&mut metadata);
        details::status_for(
            plan.code,
            plan.entry,
            &plan.message,
            &self.base_url,
            plan.retry_delay,
            metadata,
        )
    }
}

/// What one call was asked to do, after validation and caps.
struct Plan {
    entry: &'static Entry,
    code: Code,
    message: String,
    delay: Duration,
    capped_from: Option<Duration>,
    retry_delay: Duration,
}

impl Plan {
    /// Adds the delay metadata to `metadata`.
    fn describe(&self, metadata: &mut MetadataMap) {
        metadata.insert(DELAY_METADATA, millis(self.delay));
        if let Some(asked) = self.capped_from {
            metadata.insert(DELAY_CAPPED_METADATA, millis(asked));
        }
    }
}

fn millis(d: Duration) -> MetadataValue<tonic::metadata::Ascii> {
    MetadataValue::from(d.as_millis() as u64)
}

/// The catalog entry for what a caller typed: empty is OK, otherwise a
/// number or a name the catalog knows (`14`, `UNAVAILABLE`, `not-found`).
pub fn resolve_code(input: &str) -> Result<&'static Entry, String> {
    let wanted = if input.trim().is_empty() { "0" } else { input };
    catalog()
        .resolve(Protocol::Grpc, wanted)
        .into_iter()
        .next()
        .ok_or_else(|| {
            format!(
                "unknown gRPC status code “{}”: use 0 to 16 or a name such as UNAVAILABLE",
                crate::text::shorten(input, 60)
            )
        })
}

/// The tonic code of a gRPC catalog entry.
fn grpc_code(entry: &Entry) -> Code {
    entry
        .code
        .parse::<i32>()
        .map(Code::from_i32)
        .unwrap_or(Code::Unknown)
}

/// The deadline a client set with `grpc-timeout` (the gRPC over HTTP/2
/// protocol's "Timeout": at most 8 digits and a unit, H, M, S, m, u or n).
pub fn deadline_of(metadata: &MetadataMap) -> Option<Duration> {
    let value = metadata.get("grpc-timeout")?.to_str().ok()?;
    let unit = value.chars().last()?;
    let digits = &value[..value.len() - unit.len_utf8()];
    if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        'H' => Duration::from_secs(n * 3600),
        'M' => Duration::from_secs(n * 60),
        'S' => Duration::from_secs(n),
        'm' => Duration::from_millis(n),
        'u' => Duration::from_micros(n),
        'n' => Duration::from_nanos(n),
        _ => return None,
    })
}

/// Waits `delay`, unless the client's deadline comes first: then the call
/// ends with DEADLINE_EXCEEDED as a server that honours deadlines ends it.
async fn wait(delay: Duration, deadline: Option<Instant>) -> Result<(), Status> {
    match deadline {
        Some(at) if Instant::now() + delay > at => {
            tokio::time::sleep_until(at).await;
            Err(Status::deadline_exceeded(
                "the deadline the client set (grpc-timeout) passed before the answer was due",
            ))
        }
        _ => {
            tokio::time::sleep(delay).await;
            Ok(())
        }
    }
}

type ReplyStream = Pin<Box<dyn Stream<Item = Result<StreamReply, Status>> + Send>>;

#[tonic::async_trait]
impl Live for LiveService {
    async fn status(
        &self,
        request: Request<StatusRequest>,
    ) -> Result<Response<StatusReply>, Status> {
        let _slot = self.admit(&request)?;
        let deadline = deadline_of(request.metadata()).map(|d| Instant::now() + d);
        let plan = self.plan(request.get_ref())?;
        wait(plan.delay, deadline).await?;
        if plan.code != Code::Ok {
            return Err(self.failure(&plan));
        }
        let mut response = Response::new(StatusReply {
            code: 0,
            name: plan.entry.phrase.clone(),
            message: plan.message.clone(),
            delay_ms: plan.delay.as_millis() as u32,
            reference: crate::web::routes::entry(plan.entry),
        });
        plan.describe(response.metadata_mut());
        Ok(response)
    }

    type StreamStream = ReplyStream;

    async fn stream(
        &self,
        request: Request<StreamRequest>,
    ) -> Result<Response<Self::StreamStream>, Status> {
        let slot = self.admit(&request)?;
        let deadline = deadline_of(request.metadata()).map(|d| Instant::now() + d);
        let asked = request.get_ref();
        let status = asked.status.clone().unwrap_or_default();
        let plan = self.plan(&status)?;
        if asked.count > MAX_STREAM_MESSAGES {
            return Err(details::bad_request(&[(
                "count",
                format!("at most {MAX_STREAM_MESSAGES} messages per stream"),
            )]));
        }
        wait(plan.delay, deadline).await?;
        let end = (plan.code != Code::Ok).then(|| self.failure(&plan));
        let steps = Steps {
            next: 1,
            count: asked.count,
            interval: Duration::from_millis(u64::from(asked.interval_ms)).min(MAX_STREAM_INTERVAL),
            deadline,
            end,
            slot: Some(slot),
        };
        let stream = futures_util::stream::unfold(steps, Steps::advance);
        let mut response = Response::new(Box::pin(stream) as ReplyStream);
        plan.describe(response.metadata_mut());
        Ok(response)
    }
}

/// Where a `Stream` call is: the next message, and how it ends. The slot
/// among the calls in flight is held until the status has been sent (or
/// the client has gone and the stream is dropped).
struct Steps {
    next: u32,
    count: u32,
    interval: Duration,
    deadline: Option<Instant>,
    end: Option<Status>,
    slot: Option<OwnedSemaphorePermit>,
}

impl Steps {
    async fn advance(mut self) -> Option<(Result<StreamReply, Status>, Steps)> {
        self.slot.as_ref()?;
        if self.next > self.count {
            self.slot = None;
            return self.end.take().map(|status| (Err(status), self));
        }
        if self.next > 1
            && let Err(late) = wait(self.interval, self.deadline).await
        {
            self.slot = None;
            return Some((Err(late), self));
        }
        let reply = StreamReply {
            index: self.next,
            count: self.count,
        };
        self.next += 1;
        Some((Ok(reply), self))
    }
}

/// The gRPC services of the listener as one router: `Live` (request
/// messages of at most [`MAX_REQUEST_BYTES`]) and server reflection v1 and
/// v1alpha. Unknown services and methods answer UNIMPLEMENTED.
pub fn router(config: LiveConfig, base_url: &str) -> axum::Router {
    let live = LiveServer::new(LiveService::new(config, base_url))
        .max_decoding_message_size(MAX_REQUEST_BYTES)
        .max_encoding_message_size(MAX_REQUEST_BYTES);
    let reflection = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
    };
    let mut routes = tonic::service::Routes::new(live);
    // The descriptor set is compiled into the binary and checked by the
    // tests, so building reflection from it does not fail; if it ever did,
    // the listener still serves `Live`.
    match reflection().build_v1() {
        Ok(v1) => routes = routes.add_service(v1),
        Err(e) => tracing::warn!("gRPC reflection v1 is off: {e}"),
    }
    match reflection().build_v1alpha() {
        Ok(v1alpha) => routes = routes.add_service(v1alpha),
        Err(e) => tracing::warn!("gRPC reflection v1alpha is off: {e}"),
    }
    routes.into_axum_router()
}

/// The `host:port` clients reach the listener at, for commands shown on
/// pages: the address listened on, or for an unspecified address
/// (`0.0.0.0`, `[::]`) the host of the site's public origin `base_url`.
pub fn public_addr(at: SocketAddr, base_url: &str) -> String {
    if !at.ip().is_unspecified() {
        return at.to_string();
    }
    let authority = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest)
        .split('/')
        .next()
        .unwrap_or_default();
    let host = match authority.strip_prefix('[') {
        Some(v6) => format!("[{}]", v6.split(']').next().unwrap_or_default()),
        None => authority.split(':').next().unwrap_or_default().to_string(),
    };
    format!("{host}:{}", at.port())
}

/// grpcurl commands that make the service at `addr` end a call with
/// `entry`'s code, each with a caption: a unary call (for
/// DEADLINE_EXCEEDED, a slow call under a shorter client deadline, which is
/// how clients meet that code) and a stream that ends with the code.
/// Empty for entries that are not gRPC codes.
pub fn grpcurl_commands(addr: &str, entry: &Entry) -> Vec<(String, String)> {
    if entry.protocol != Protocol::Grpc {
        return Vec::new();
    }
    let name = &entry.phrase;
    let unary = if grpc_code(entry) == Code::DeadlineExceeded {
        (
            "A call that answers after 3 s, under a 1 s client deadline:".to_string(),
            format!(
                "grpcurl -plaintext -max-time 1 -d '{{\"delay_ms\": 3000}}' {addr} {SERVICE}/Status"
            ),
        )
    } else {
        (
            format!("A unary call that ends with {name}:"),
            format!("grpcurl -plaintext -d '{{\"code\": \"{name}\"}}' {addr} {SERVICE}/Status"),
        )
    };
    let stream = (
        format!("Three messages, 200 ms apart, then {name}:"),
        format!(
            "grpcurl -plaintext -d '{{\"status\": {{\"code\": \"{name}\"}}, \"count\": 3, \"interval_ms\": 200}}' {addr} {SERVICE}/Stream"
        ),
    );
    vec![unary, stream]
}
