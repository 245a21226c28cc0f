//! The live gRPC service (`serve --grpc-addr`): every code by number and by
//! name, the error details of each, delays, deadlines, streams, the limits,
//! server reflection, the grpcurl commands on code pages; with the tonic
//! client generated from the shipped `.proto`, and with Python grpcio built
//! from the same file.

use crate::support::BASE;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use statusatlas::catalog::{Entry, Protocol, catalog};
use statusatlas::live_grpc::proto::live_client::LiveClient;
use statusatlas::live_grpc::proto::{StatusRequest, StreamRequest};
use statusatlas::live_grpc::{self, SERVICE};
use statusatlas::web::live::LiveConfig;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tonic::Code;
use tonic_types::StatusExt;

type Http = Client<HttpConnector, tonic::body::Body>;

/// The service on a loopback port, served by the same connection layer as
/// `statusatlas serve`.
async fn start(config: LiveConfig) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = live_grpc::router(config, BASE);
    tokio::spawn(statusatlas::web::serve(
        listener,
        app,
        std::future::pending(),
    ));
    addr
}

/// A plaintext HTTP/2 (h2c) transport for tonic's generated clients.
fn http() -> Http {
    Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http()
}

fn client(addr: SocketAddr) -> LiveClient<Http> {
    LiveClient::with_origin(http(), format!("http://{addr}").parse().unwrap())
}

fn ask(code: &str) -> StatusRequest {
    StatusRequest {
        code: code.to_string(),
        ..Default::default()
    }
}

fn grpc_entries() -> Vec<&'static Entry> {
    catalog()
        .protocol(Protocol::Grpc)
        .unwrap()
        .entries
        .iter()
        .collect()
}

fn number(e: &Entry) -> i32 {
    e.code.parse().unwrap()
}

#[tokio::test]
async fn every_code_by_number_and_by_name() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    let entries = grpc_entries();
    assert_eq!(entries.len(), 17, "gRPC has 17 status codes");
    for e in entries {
        let dashed = e.phrase.to_ascii_lowercase().replace('_', "-");
        for asked in [e.code.clone(), e.phrase.clone(), dashed] {
            let answer = live.status(ask(&asked)).await;
            match answer {
                Ok(reply) => {
                    assert_eq!(number(e), 0, "{asked} succeeded");
                    let reply = reply.into_inner();
                    assert_eq!(reply.code, 0);
                    assert_eq!(reply.name, "OK");
                    assert_eq!(reply.message, e.summary);
                    assert_eq!(reply.reference, "/grpc/0");
                }
                Err(status) => {
                    assert_eq!(status.code() as i32, number(e), "{asked}");
                    assert_eq!(status.message(), e.summary, "{asked}");
                }
            }
        }
    }
}

#[tokio::test]
async fn an_empty_code_is_ok_and_a_chosen_message_is_sent() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    let reply = live.status(ask("")).await.unwrap().into_inner();
    assert_eq!((reply.code, reply.name.as_str()), (0, "OK"));
    for (code, message) in [
        ("UNAVAILABLE", "down for maintenance"),
        ("0", "all good"),
        ("3", "ünïcödé and \"quotes\""),
    ] {
        let request = StatusRequest {
            code: code.into(),
            message: message.into(),
            ..Default::default()
        };
        match live.status(request).await {
            Ok(reply) => assert_eq!(reply.into_inner().message, message),
            Err(status) => assert_eq!(status.message(), message),
        }
    }
}

/// Which google.rpc detail each code carries besides ErrorInfo and Help:
/// the pairing of Google's API design guide (errors chapter), RetryInfo
/// where a retry may succeed.
#[tokio::test]
async fn error_details_fit_each_code() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    for e in grpc_entries().into_iter().filter(|e| number(e) != 0) {
        let request = StatusRequest {
            code: e.code.clone(),
            retry_delay_ms: 2500,
            ..Default::default()
        };
        let status = live.status(request).await.unwrap_err();
        let code = status.code();
        let details = status.get_error_details();
        let info = details.error_info().expect("every error has ErrorInfo");
        assert_eq!(info.reason, "REQUESTED_STATUS");
        assert_eq!(info.domain, "statusatlas.live.v1");
        assert_eq!(info.metadata["code"], e.code);
        assert_eq!(info.metadata["name"], e.phrase);
        let help = details.help().expect("every error links its page");
        assert_eq!(
            help.links[0].url,
            format!("{BASE}{}", statusatlas::web::routes::entry(e))
        );
        let bad_request = matches!(code, Code::InvalidArgument | Code::OutOfRange);
        assert_eq!(details.bad_request().is_some(), bad_request, "{code:?}");
        if let Some(b) = details.bad_request() {
            assert_eq!(b.field_violations[0].field, "code");
        }
        assert_eq!(
            details.precondition_failure().is_some(),
            code == Code::FailedPrecondition,
            "{code:?}"
        );
        assert_eq!(
            details.resource_info().is_some(),
            matches!(code, Code::NotFound | Code::AlreadyExists),
            "{code:?}"
        );
        assert_eq!(
            details.quota_failure().is_some(),
            code == Code::ResourceExhausted,
            "{code:?}"
        );
        let retry = matches!(code, Code::Unavailable | Code::ResourceExhausted);
        assert_eq!(details.retry_info().is_some(), retry, "{code:?}");
        if let Some(r) = details.retry_info() {
            assert_eq!(r.retry_delay, Some(Duration::from_millis(2500)));
        }
        assert_eq!(
            details.debug_info().is_some(),
            matches!(
                code,
                Code::Unknown
                    | Code::Internal
                    | Code::DataLoss
                    | Code::Unavailable
                    | Code::DeadlineExceeded
            ),
            "{code:?}"
        );
    }
}

#[tokio::test]
async fn retry_info_defaults_to_one_second() {
    let addr = start(LiveConfig::default()).await;
    let status = client(addr).status(ask("14")).await.unwrap_err();
    let retry = status.get_error_details().retry_info().cloned().unwrap();
    assert_eq!(retry.retry_delay, Some(Duration::from_secs(1)));
}

#[tokio::test]
async fn a_delay_is_applied_and_reported() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    let started = Instant::now();
    let reply = live
        .status(StatusRequest {
            delay_ms: 300,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(reply.metadata().get("statusatlas-delay-ms").unwrap(), "300");
    assert!(
        reply
            .metadata()
            .get("statusatlas-delay-capped-from-ms")
            .is_none()
    );
    assert_eq!(reply.into_inner().delay_ms, 300);
    // An error after a delay carries the same metadata.
    let status = live
        .status(StatusRequest {
            code: "ABORTED".into(),
            delay_ms: 50,
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Aborted);
    assert_eq!(status.metadata().get("statusatlas-delay-ms").unwrap(), "50");
}

#[tokio::test]
async fn delays_are_capped_like_the_http_live_delay() {
    let config = LiveConfig {
        max_delay: Duration::from_millis(200),
        ..Default::default()
    };
    let addr = start(config).await;
    let started = Instant::now();
    let reply = client(addr)
        .status(StatusRequest {
            delay_ms: 60_000,
            ..Default::default()
        })
        .await
        .unwrap();
    let took = started.elapsed();
    assert!(took >= Duration::from_millis(200) && took < Duration::from_secs(10));
    assert_eq!(reply.metadata().get("statusatlas-delay-ms").unwrap(), "200");
    assert_eq!(
        reply
            .metadata()
            .get("statusatlas-delay-capped-from-ms")
            .unwrap(),
        "60000"
    );
}

/// A client deadline (`grpc-timeout`) shorter than the delay ends the call
/// with DEADLINE_EXCEEDED at the deadline, not after the delay.
#[tokio::test]
async fn a_client_deadline_gives_deadline_exceeded() {
    let addr = start(LiveConfig::default()).await;
    let mut request = tonic::Request::new(StatusRequest {
        code: "OK".into(),
        delay_ms: 5000,
        ..Default::default()
    });
    request.set_timeout(Duration::from_millis(300));
    let started = Instant::now();
    let status = client(addr).status(request).await.unwrap_err();
    let took = started.elapsed();
    assert_eq!(status.code(), Code::DeadlineExceeded, "{status:?}");
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_secs(3),
        "{took:?}"
    );
    // A deadline longer than the delay changes nothing.
    let mut request = tonic::Request::new(StatusRequest {
        delay_ms: 50,
        ..Default::default()
    });
    request.set_timeout(Duration::from_secs(5));
    assert!(client(addr).status(request).await.is_ok());
}

#[test]
fn grpc_timeout_values_are_read_as_the_protocol_defines_them() {
    let read = |v: &str| {
        let mut m = tonic::metadata::MetadataMap::new();
        m.insert("grpc-timeout", v.parse().unwrap());
        live_grpc::deadline_of(&m)
    };
    assert_eq!(read("1H"), Some(Duration::from_secs(3600)));
    assert_eq!(read("2M"), Some(Duration::from_secs(120)));
    assert_eq!(read("3S"), Some(Duration::from_secs(3)));
    assert_eq!(read("250m"), Some(Duration::from_millis(250)));
    assert_eq!(read("99999999u"), Some(Duration::from_micros(99_999_999)));
    assert_eq!(read("5n"), Some(Duration::from_nanos(5)));
    for bad in ["", "S", "123456789S", "10", "10s", "1.5S", "-1S", "10X"] {
        assert_eq!(read(bad), None, "{bad:?}");
    }
}

#[tokio::test]
async fn a_stream_sends_its_messages_then_the_status() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    for (code, count) in [("UNAVAILABLE", 3), ("OK", 4), ("not-found", 0)] {
        let request = StreamRequest {
            status: Some(ask(code)),
            count,
            interval_ms: 20,
        };
        let started = Instant::now();
        let mut stream = live.stream(request).await.unwrap().into_inner();
        let mut seen = Vec::new();
        let end = loop {
            match stream.message().await {
                Ok(Some(m)) => {
                    assert_eq!(m.count, count);
                    seen.push(m.index);
                }
                Ok(None) => break Code::Ok,
                Err(status) => {
                    if status.code() == Code::Unavailable {
                        assert!(status.get_error_details().retry_info().is_some());
                    }
                    break status.code();
                }
            }
        };
        assert_eq!(seen, (1..=count).collect::<Vec<_>>(), "{code}");
        let want = live_grpc::resolve_code(code).unwrap();
        assert_eq!(end as i32, number(want), "{code}");
        let pauses = count.saturating_sub(1);
        assert!(started.elapsed() >= Duration::from_millis(20 * u64::from(pauses)));
    }
}

#[tokio::test]
async fn a_stream_too_long_is_refused_and_a_deadline_ends_one() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    let status = live
        .stream(StreamRequest {
            status: None,
            count: live_grpc::MAX_STREAM_MESSAGES + 1,
            interval_ms: 0,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::InvalidArgument);
    let violations = status.get_error_details().bad_request().cloned().unwrap();
    assert_eq!(violations.field_violations[0].field, "count");

    // 100 messages a second apart would take 99 s; the deadline ends it.
    let mut request = tonic::Request::new(StreamRequest {
        status: None,
        count: 100,
        interval_ms: 60_000,
    });
    request.set_timeout(Duration::from_millis(1500));
    let started = Instant::now();
    let mut stream = live.stream(request).await.unwrap().into_inner();
    let mut received = 0;
    let end = loop {
        match stream.message().await {
            Ok(Some(_)) => received += 1,
            Ok(None) => panic!("the stream ended with OK"),
            Err(status) => break status.code(),
        }
    };
    assert_eq!(end, Code::DeadlineExceeded);
    // The interval is capped at one second: two messages fit in 1.5 s.
    assert_eq!(received, 2);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn bad_requests_name_each_bad_field() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    for unknown in ["17", "-1", "teapot", "1e1", &"9".repeat(500)] {
        let status = live.status(ask(unknown)).await.unwrap_err();
        assert_eq!(status.code(), Code::InvalidArgument, "{unknown}");
        let details = status.get_error_details();
        assert_eq!(details.error_info().unwrap().reason, "INVALID_REQUEST");
        let fields: Vec<_> = details
            .bad_request()
            .unwrap()
            .field_violations
            .iter()
            .map(|v| v.field.as_str())
            .collect();
        assert_eq!(fields, ["code"], "{unknown}");
        assert!(status.message().len() < 200, "{}", status.message());
    }
    let status = live
        .status(StatusRequest {
            code: "nope".into(),
            message: "x".repeat(live_grpc::MAX_MESSAGE_BYTES + 1),
            retry_delay_ms: u32::MAX,
            ..Default::default()
        })
        .await
        .unwrap_err();
    let fields: Vec<_> = status
        .get_error_details()
        .bad_request()
        .unwrap()
        .field_violations
        .iter()
        .map(|v| v.field.clone())
        .collect();
    assert_eq!(fields, ["code", "message", "retry_delay_ms"]);
    // The longest message allowed is sent as it is.
    let longest = "y".repeat(live_grpc::MAX_MESSAGE_BYTES);
    let status = live
        .status(StatusRequest {
            code: "2".into(),
            message: longest.clone(),
            ..Default::default()
        })
        .await
        .unwrap_err();
    assert_eq!(status.message(), longest);
}

#[tokio::test]
async fn request_messages_over_the_limit_are_refused_before_the_handler() {
    let addr = start(LiveConfig::default()).await;
    let status = client(addr)
        .status(StatusRequest {
            message: "z".repeat(live_grpc::MAX_REQUEST_BYTES + 1),
            ..Default::default()
        })
        .await
        .unwrap_err();
    // tonic answers an oversized message with OUT_OF_RANGE.
    assert_eq!(status.code(), Code::OutOfRange, "{status:?}");
    assert!(status.get_error_details().error_info().is_none());
}

#[tokio::test]
async fn calls_in_flight_are_capped() {
    let config = LiveConfig {
        max_delayed: 1,
        ..Default::default()
    };
    let addr = start(config).await;
    let slow = tokio::spawn(async move {
        client(addr)
            .status(StatusRequest {
                delay_ms: 1500,
                ..Default::default()
            })
            .await
    });
    // Quick calls pass until the slow one holds the only slot.
    let mut refused = None;
    for _ in 0..25 {
        if let Err(status) = client(addr).status(ask("0")).await {
            refused = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
    let status = refused.expect("a call is refused while the slot is held");
    assert_eq!(status.code(), Code::ResourceExhausted);
    let details = status.get_error_details();
    assert_eq!(
        details.error_info().unwrap().reason,
        "TOO_MANY_CALLS_IN_FLIGHT"
    );
    assert!(details.quota_failure().is_some() && details.retry_info().is_some());
    assert!(slow.await.unwrap().is_ok());
    // The slot is free again once the slow call has answered.
    assert!(client(addr).status(ask("0")).await.is_ok());

    // A stream holds its slot until its status has been sent.
    let mut live = client(addr);
    let mut stream = live
        .stream(StreamRequest {
            status: None,
            count: 2,
            interval_ms: 400,
        })
        .await
        .unwrap()
        .into_inner();
    assert!(stream.message().await.unwrap().is_some());
    let refused = client(addr).status(ask("0")).await.unwrap_err();
    assert_eq!(refused.code(), Code::ResourceExhausted);
    while stream.message().await.unwrap().is_some() {}
    assert!(client(addr).status(ask("0")).await.is_ok());
}

#[tokio::test]
async fn the_per_client_rate_applies_when_set() {
    let config = LiveConfig {
        rate_per_second: Some(1),
        ..Default::default()
    };
    let addr = start(config).await;
    let mut live = client(addr);
    // A burst of twice the rate passes, then calls are refused.
    let mut refused = None;
    for _ in 0..5 {
        if let Err(status) = live.status(ask("0")).await {
            refused = Some(status);
            break;
        }
    }
    let status = refused.expect("the rate limit refuses a call");
    assert_eq!(status.code(), Code::ResourceExhausted);
    assert_eq!(
        status.get_error_details().error_info().unwrap().reason,
        "TOO_MANY_REQUESTS"
    );
}

#[tokio::test]
async fn unknown_methods_and_services_are_unimplemented() {
    let addr = start(LiveConfig::default()).await;
    for path in [
        "/statusatlas.live.v1.Live/Nope",
        "/statusatlas.live.v2.Live/Status",
    ] {
        let mut grpc =
            tonic::client::Grpc::with_origin(http(), format!("http://{addr}").parse().unwrap());
        grpc.ready().await.unwrap();
        let codec = tonic_prost::ProstCodec::<StatusRequest, StatusRequest>::default();
        let status = grpc
            .unary(tonic::Request::new(ask("0")), path.parse().unwrap(), codec)
            .await
            .unwrap_err();
        assert_eq!(status.code(), Code::Unimplemented, "{path}");
    }
}

/// Server reflection lists the service and serves the descriptor of the
/// shipped `.proto`, from which a client learns both methods.
#[tokio::test]
async fn reflection_describes_the_service() {
    use prost::Message;
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let addr = start(LiveConfig::default()).await;
    let mut reflection =
        ServerReflectionClient::with_origin(http(), format!("http://{addr}").parse().unwrap());
    let ask = |m: MessageRequest| ServerReflectionRequest {
        host: String::new(),
        message_request: Some(m),
    };
    let requests = vec![
        ask(MessageRequest::ListServices(String::new())),
        ask(MessageRequest::FileContainingSymbol(SERVICE.to_string())),
    ];
    let mut answers = reflection
        .server_reflection_info(futures_util::stream::iter(requests))
        .await
        .unwrap()
        .into_inner();
    let Some(MessageResponse::ListServicesResponse(list)) =
        answers.message().await.unwrap().unwrap().message_response
    else {
        panic!("a list of services")
    };
    let names: Vec<_> = list.service.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&SERVICE), "{names:?}");
    assert!(
        names.contains(&"grpc.reflection.v1.ServerReflection"),
        "{names:?}"
    );
    let Some(MessageResponse::FileDescriptorResponse(files)) =
        answers.message().await.unwrap().unwrap().message_response
    else {
        panic!("the file of the service")
    };
    let file = prost_types::FileDescriptorProto::decode(files.file_descriptor_proto[0].as_slice())
        .unwrap();
    assert_eq!(file.name(), "statusatlas/live/v1/live.proto");
    assert_eq!(file.package(), "statusatlas.live.v1");
    let service = &file.service[0];
    let methods: Vec<_> = service
        .method
        .iter()
        .map(|m| (m.name(), m.server_streaming()))
        .collect();
    assert_eq!(methods, [("Status", false), ("Stream", true)]);

    // v1alpha, which older tools still use, answers too.
    use tonic_reflection::pb::v1alpha as alpha;
    let mut old = alpha::server_reflection_client::ServerReflectionClient::with_origin(
        http(),
        format!("http://{addr}").parse().unwrap(),
    );
    let request = alpha::ServerReflectionRequest {
        host: String::new(),
        message_request: Some(
            alpha::server_reflection_request::MessageRequest::ListServices(String::new()),
        ),
    };
    let mut answers = old
        .server_reflection_info(futures_util::stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let answer = answers.message().await.unwrap().unwrap();
    assert!(format!("{answer:?}").contains(SERVICE));
}

/// The descriptor compiled into the binary is the shipped `.proto`.
#[test]
fn the_compiled_descriptor_is_the_shipped_proto() {
    use prost::Message;
    let set =
        prost_types::FileDescriptorSet::decode(live_grpc::proto::FILE_DESCRIPTOR_SET).unwrap();
    let file = &set.file[0];
    let source = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("proto")
            .join(file.name()),
    )
    .unwrap();
    assert!(source.contains(&format!("package {};", file.package())));
    for message in &file.message_type {
        assert!(source.contains(&format!("message {} {{", message.name())));
        for field in &message.field {
            assert!(
                source.contains(&format!(" {} = {};", field.name(), field.number())),
                "{}.{}",
                message.name(),
                field.name()
            );
        }
    }
}

#[test]
fn public_addresses_for_commands() {
    let at = |s: &str| s.parse::<SocketAddr>().unwrap();
    assert_eq!(
        live_grpc::public_addr(at("127.0.0.1:50051"), "http://127.0.0.1:8080"),
        "127.0.0.1:50051"
    );
    assert_eq!(
        live_grpc::public_addr(at("0.0.0.0:50051"), "https://statusatlas.example"),
        "statusatlas.example:50051"
    );
    assert_eq!(
        live_grpc::public_addr(at("[::]:9000"), "http://[2001:db8::1]:8080"),
        "[2001:db8::1]:9000"
    );
}

async fn code_page(grpc_addr: Option<&str>, path: &str) -> String {
    use axum::body::Body;
    use tower::ServiceExt;
    let mut state = statusatlas::web::AppState::new(BASE);
    state.grpc_addr = grpc_addr.map(str::to_string);
    let app = statusatlas::web::router(std::sync::Arc::new(state));
    let response = app
        .oneshot(axum::http::Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    crate::support::body_text(response).await
}

/// The page's text with HTML's character references read back.
fn unescaped(html: &str) -> String {
    html.replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[tokio::test]
async fn grpc_code_pages_show_grpcurl_commands_when_the_service_listens() {
    let page = unescaped(&code_page(Some("127.0.0.1:50051"), "/grpc/14").await);
    for command in [
        r#"grpcurl -plaintext -d '{"code": "UNAVAILABLE"}' 127.0.0.1:50051 statusatlas.live.v1.Live/Status"#,
        r#"grpcurl -plaintext -d '{"status": {"code": "UNAVAILABLE"}, "count": 3, "interval_ms": 200}' 127.0.0.1:50051 statusatlas.live.v1.Live/Stream"#,
    ] {
        // Shown, and in the copy button.
        assert_eq!(page.matches(command).count(), 2, "{command}\n{page}");
    }
    let deadline = unescaped(&code_page(Some("127.0.0.1:50051"), "/grpc/deadline-exceeded").await);
    assert!(deadline.contains(
        r#"grpcurl -plaintext -max-time 1 -d '{"delay_ms": 3000}' 127.0.0.1:50051 statusatlas.live.v1.Live/Status"#
    ));
    // Without the listener, and on other protocols' pages, no commands.
    assert!(!code_page(None, "/grpc/14").await.contains(SERVICE));
    assert!(
        !code_page(Some("127.0.0.1:50051"), "/http/503")
            .await
            .contains(SERVICE)
    );
}

/// Each command on the pages, run as grpcurl would run it, ends with the
/// page's code: the JSON it sends is a valid request for the service.
#[tokio::test]
async fn the_page_commands_ask_for_the_pages_code() {
    let addr = start(LiveConfig::default()).await;
    let mut live = client(addr);
    for e in grpc_entries() {
        let commands = live_grpc::grpcurl_commands("HOST", e);
        assert_eq!(commands.len(), 2);
        let unary = &commands[0].1;
        let json = unary.split('\'').nth(1).unwrap();
        let body: serde_json::Value = serde_json::from_str(json).unwrap();
        let mut request = tonic::Request::new(StatusRequest {
            code: body["code"].as_str().unwrap_or_default().into(),
            delay_ms: body["delay_ms"].as_u64().unwrap_or_default() as u32,
            ..Default::default()
        });
        if let Some(seconds) = unary
            .split("-max-time ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
        {
            request.set_timeout(Duration::from_secs(seconds.parse().unwrap()));
        }
        let got = match live.status(request).await {
            Ok(_) => 0,
            Err(status) => status.code() as i32,
        };
        assert_eq!(got, number(e), "{unary}");
        assert!(
            commands[1]
                .1
                .contains(&format!("\"code\": \"{}\"", e.phrase))
        );
    }
}

/// `statusatlas serve --grpc-addr` starts the listener beside the site.
#[tokio::test]
async fn serve_starts_the_grpc_listener() {
    let port = |_| {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let (site, grpc) = (port(0), port(1));
    let site_addr = format!("127.0.0.1:{site}");
    let grpc_addr = format!("127.0.0.1:{grpc}");
    let _server =
        crate::support::Spawned::serve(&["--addr", &site_addr, "--grpc-addr", &grpc_addr]).await;
    let addr: SocketAddr = grpc_addr.parse().unwrap();
    let started = Instant::now();
    let reply = loop {
        match client(addr).status(ask("OK")).await {
            Ok(reply) => break reply,
            Err(e) if started.elapsed() < Duration::from_secs(10) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(e) => panic!("{e:?}"),
        }
    };
    assert_eq!(reply.into_inner().name, "OK");
    let status = client(addr)
        .status(ask("unauthenticated"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    let help = status.get_error_details().help().cloned().unwrap();
    assert_eq!(help.links[0].url, format!("http://{site_addr}/grpc/16"));
}

/// The google.rpc details a status carries, as the Python client prints
/// them (`ErrorInfo=REASON/CODE`, `RetryInfo=MS`, `BadRequest=FIELDS`,
/// `Help=URL`, or the bare type name), sorted.
fn python_details(e: &Entry, retry_ms: u32, site: &str) -> Vec<String> {
    let mut parts = vec![
        format!("ErrorInfo=REQUESTED_STATUS/{}", e.code),
        format!("Help={site}{}", statusatlas::web::routes::entry(e)),
    ];
    let code = Code::from_i32(number(e));
    let mut add = |s: String| parts.push(s);
    match code {
        Code::InvalidArgument | Code::OutOfRange => add("BadRequest=code".into()),
        Code::FailedPrecondition => add("PreconditionFailure".into()),
        Code::NotFound | Code::AlreadyExists => add("ResourceInfo".into()),
        Code::ResourceExhausted => {
            add("QuotaFailure".into());
            add(format!("RetryInfo={retry_ms}"));
        }
        Code::Unavailable => {
            add(format!("RetryInfo={retry_ms}"));
            add("DebugInfo".into());
        }
        Code::Unknown | Code::Internal | Code::DataLoss | Code::DeadlineExceeded => {
            add("DebugInfo".into())
        }
        _ => {}
    }
    parts.sort();
    parts
}

/// Splits a printed status (`14 UNAVAILABLE 'message' DETAIL...`) into its
/// head (number, name, message) and its sorted details.
fn split_status(printed: &str) -> (String, Vec<String>) {
    let end = printed.rfind('\'').expect("a quoted message") + 1;
    let mut details: Vec<String> = printed[end..]
        .split_whitespace()
        .map(str::to_string)
        .collect();
    details.sort();
    (printed[..end].to_string(), details)
}

/// Python grpcio with stubs that grpcio-tools generates from the shipped
/// `.proto`: every code with its message and details (grpcio-status,
/// googleapis-common-protos), names, a bad code, a client deadline, a
/// delay, streams, and a client built from server reflection alone
/// (grpcio-reflection), against `statusatlas serve --grpc-addr`.
#[tokio::test]
#[ignore = "needs Python grpcio, grpcio-tools, grpcio-status, grpcio-reflection; scripts/test.sh runs it"]
async fn python_grpcio_sees_every_code_and_its_details() {
    let python = crate::support::venv_python();
    let port = || {
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    };
    let site_addr = format!("127.0.0.1:{}", port());
    let grpc_addr = format!("127.0.0.1:{}", port());
    let site = format!("http://{site_addr}");
    let _server =
        crate::support::Spawned::serve(&["--addr", &site_addr, "--grpc-addr", &grpc_addr]).await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tokio::process::Command::new(python)
        .arg(root.join("tests/suite/live_grpc_client.py"))
        .arg(&grpc_addr)
        .arg(root.join("proto"))
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let find = |prefix: &str| -> &str {
        lines
            .iter()
            .find_map(|l| l.strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no line {prefix:?} in\n{stdout}"))
    };

    let statuses: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("status "))
        .collect();
    let entries = grpc_entries();
    assert_eq!(statuses.len(), entries.len());
    for (printed, e) in statuses.iter().zip(&entries) {
        let n = number(e);
        if n == 0 {
            assert_eq!(*printed, "0 OK 'asked for 0' /grpc/0");
            continue;
        }
        let (head, details) = split_status(printed);
        assert_eq!(head, format!("{n} {} 'asked for {n}'", e.phrase));
        assert_eq!(details, python_details(e, 1500, &site), "{printed}");
    }

    let unavailable = live_grpc::resolve_code("14").unwrap();
    let not_found = live_grpc::resolve_code("5").unwrap();
    let (head, details) = split_status(find("name unavailable "));
    assert_eq!(head, "14 UNAVAILABLE 'm'");
    assert_eq!(details, python_details(unavailable, 1000, &site));
    let (head, details) = split_status(find("name Not_Found "));
    assert_eq!(head, "5 NOT_FOUND 'm'");
    assert_eq!(details, python_details(not_found, 1000, &site));
    let teapot = find("name teapot ");
    assert!(teapot.starts_with("3 INVALID_ARGUMENT 'code: unknown gRPC status code"));
    assert!(teapot.ends_with(" ErrorInfo=INVALID_REQUEST/ BadRequest=code"));

    assert_eq!(find("deadline "), "DEADLINE_EXCEEDED under 3 s");
    assert_eq!(find("delay "), "200 200 True");

    let (head, details) = split_status(find("stream UNAVAILABLE "));
    assert_eq!(
        head,
        format!("1/3,2/3,3/3 end 14 UNAVAILABLE '{}'", unavailable.summary)
    );
    assert_eq!(details, python_details(unavailable, 1000, &site));
    assert_eq!(find("stream OK "), "1/2,2/2 end OK");

    let services = find("services ");
    assert!(services.split(',').any(|s| s == SERVICE), "{services}");
    assert_eq!(find("methods "), "Status,Stream");
    assert_eq!(find("reflected "), "found by reflection");
    assert_eq!(lines.last(), Some(&"reflected PERMISSION_DENIED"));
}

/// An address the gRPC listener cannot listen on stops `serve` before it
/// starts, with the usage exit code and the address in the message.
#[test]
fn serve_refuses_a_grpc_address_it_cannot_listen_on() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let busy = taken.local_addr().unwrap().to_string();
    let free = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    for grpc in [busy.as_str(), "127.0.0.1:not-a-port"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_statusatlas"))
            .args(["serve", "--addr", &free, "--grpc-addr", grpc])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{grpc}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("cannot listen on {grpc}")),
            "{stderr}"
        );
    }
}
