//! The live DNS listener: every RCODE and Extended DNS Error of the catalog
//! asked for by name over UDP and TCP (with hickory's message codec), the
//! zone's fixed answers, refusals, and the TCP and rate limits; then `dig`
//! and dnspython against `statusatlas serve --dns-addr`.

use hickory_server::proto::op::{Edns, Message, MessageType, OpCode, Query, ResponseCode};
use hickory_server::proto::rr::rdata::opt::{EdnsCode, EdnsOption};
use hickory_server::proto::rr::{Name, RData, RecordType};
use statusatlas::catalog::{Kind, Protocol, catalog};
use statusatlas::listeners::dns::{self, DnsLimits};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

async fn start(limits: DnsLimits) -> SocketAddr {
    let (udp, tcp, at) = dns::bind("127.0.0.1:0").await.unwrap();
    tokio::spawn(dns::serve(udp, tcp, limits, std::future::pending()));
    at
}

fn query(name: &str, qtype: RecordType, edns: bool) -> Message {
    let mut message = Message::query();
    message.metadata.id = fastrand::u16(..);
    message.metadata.recursion_desired = true;
    message.add_query(Query::query(Name::from_ascii(name).unwrap(), qtype));
    if edns {
        message.set_edns(Edns::new());
    }
    message
}

async fn udp(at: SocketAddr, message: &Message) -> Option<Message> {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket
        .send_to(&message.to_vec().unwrap(), at)
        .await
        .unwrap();
    let mut buf = vec![0; 4096];
    let n = tokio::time::timeout(Duration::from_secs(2), socket.recv(&mut buf))
        .await
        .ok()?
        .unwrap();
    let answer = Message::from_vec(&buf[..n]).unwrap();
    assert_eq!(answer.metadata.id, message.metadata.id);
    Some(answer)
}

async fn tcp_exchange(stream: &mut TcpStream, message: &Message) -> Option<Message> {
    let bytes = message.to_vec().unwrap();
    stream
        .write_all(&(bytes.len() as u16).to_be_bytes())
        .await
        .ok()?;
    stream.write_all(&bytes).await.ok()?;
    let mut len = [0u8; 2];
    tokio::time::timeout(Duration::from_secs(2), stream.read_exact(&mut len))
        .await
        .ok()?
        .ok()?;
    let mut buf = vec![0; u16::from_be_bytes(len) as usize];
    stream.read_exact(&mut buf).await.ok()?;
    Some(Message::from_vec(&buf).unwrap())
}

async fn tcp(at: SocketAddr, message: &Message) -> Message {
    let mut stream = TcpStream::connect(at).await.unwrap();
    tcp_exchange(&mut stream, message)
        .await
        .expect("an answer over TCP")
}

/// The Extended DNS Error of an answer: INFO-CODE and EXTRA-TEXT.
fn ede(message: &Message) -> Option<(u16, String)> {
    match message
        .edns
        .as_ref()?
        .option(EdnsCode::Unknown(dns::EDE_OPTION))?
    {
        EdnsOption::Unknown(_, data) if data.len() >= 2 => Some((
            u16::from_be_bytes([data[0], data[1]]),
            String::from_utf8(data[2..].to_vec()).unwrap(),
        )),
        other => panic!("a malformed EDE option: {other:?}"),
    }
}

fn rcode(message: &Message) -> u16 {
    u16::from(message.metadata.response_code)
}

#[tokio::test]
async fn every_rcode_of_the_catalog_answers_by_name_and_by_number() {
    let at = start(DnsLimits::default()).await;
    let rcodes: Vec<_> = catalog()
        .protocol(Protocol::Dns)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == Some(Kind::Rcode))
        .collect();
    assert!(rcodes.len() >= 20);
    for e in rcodes {
        let expected: u16 = e.code.parse().unwrap();
        for label in [&e.id, &e.code] {
            let name = format!("{label}.status.test.");
            let answer = udp(at, &query(&name, RecordType::A, true)).await.unwrap();
            assert_eq!(rcode(&answer), expected, "{name} over UDP");
            assert_eq!(answer.metadata.message_type, MessageType::Response);
            assert!(!answer.metadata.recursion_available, "no recursion");
            assert!(answer.edns.is_some(), "EDNS answered with EDNS");
            assert_eq!(ede(&answer), None, "no EDE unless asked for");
        }
        let answer = tcp(
            at,
            &query(&format!("{}.status.test.", e.id), RecordType::TXT, true),
        )
        .await;
        assert_eq!(rcode(&answer), expected, "{} over TCP", e.id);
    }
}

#[tokio::test]
async fn every_extended_dns_error_of_the_catalog_is_sent_under_edns() {
    let at = start(DnsLimits::default()).await;
    let edes: Vec<_> = catalog()
        .protocol(Protocol::Dns)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == Some(Kind::Ede))
        .collect();
    assert!(edes.len() >= 30);
    let mut stream = TcpStream::connect(at).await.unwrap();
    for e in edes {
        let n: u16 = e.code.parse().unwrap();
        let name = format!("ede-{n}.servfail.status.test.");
        for answer in [
            udp(at, &query(&name, RecordType::A, true)).await.unwrap(),
            tcp_exchange(&mut stream, &query(&name, RecordType::A, true))
                .await
                .unwrap(),
        ] {
            assert_eq!(answer.metadata.response_code, ResponseCode::ServFail);
            let (code, text) = ede(&answer).expect("an EDE option");
            assert_eq!(code, n, "{name}");
            assert!(text.starts_with(&e.phrase), "{name}: {text}");
        }
    }
}

#[tokio::test]
async fn ede_is_sent_only_to_queries_with_edns() {
    let at = start(DnsLimits::default()).await;
    let name = "ede-18.refused.status.test.";
    let with = udp(at, &query(name, RecordType::A, true)).await.unwrap();
    assert_eq!(with.metadata.response_code, ResponseCode::Refused);
    assert_eq!(ede(&with).map(|e| e.0), Some(18));
    assert_eq!(with.edns.as_ref().unwrap().max_payload(), dns::UDP_PAYLOAD);
    let without = udp(at, &query(name, RecordType::A, false)).await.unwrap();
    assert_eq!(without.metadata.response_code, ResponseCode::Refused);
    assert!(without.edns.is_none(), "no OPT record (RFC 6891 section 7)");
}

#[tokio::test]
async fn noerror_answers_with_documentation_addresses() {
    let at = start(DnsLimits::default()).await;
    let a = udp(at, &query("NoError.Status.TEST.", RecordType::A, false))
        .await
        .unwrap();
    assert_eq!(a.metadata.response_code, ResponseCode::NoError);
    assert!(a.metadata.authoritative);
    assert_eq!(a.answers.len(), 1);
    assert_eq!(
        a.answers[0].data,
        RData::A(dns::NOERROR_V4.into()),
        "RFC 5737 TEST-NET-1"
    );
    assert!(dns::NOERROR_V4.octets().starts_with(&[192, 0, 2]));
    let aaaa = tcp(at, &query("0.status.test.", RecordType::AAAA, false)).await;
    assert_eq!(aaaa.answers[0].data, RData::AAAA(dns::NOERROR_V6.into()));
    assert_eq!(
        dns::NOERROR_V6.segments()[..2],
        [0x2001, 0x0db8],
        "RFC 3849"
    );
    let nodata = udp(at, &query("noerror.status.test.", RecordType::MX, false))
        .await
        .unwrap();
    assert_eq!(nodata.metadata.response_code, ResponseCode::NoError);
    assert!(nodata.answers.is_empty(), "NODATA");
    assert_eq!(nodata.authorities[0].record_type(), RecordType::SOA);
    let with_ede = udp(
        at,
        &query("ede-3.noerror.status.test.", RecordType::A, true),
    )
    .await
    .unwrap();
    assert_eq!(with_ede.answers.len(), 1);
    assert_eq!(ede(&with_ede).map(|e| e.0), Some(3), "a stale answer");
    // ANY names every record the name has, never NODATA.
    let any = tcp(at, &query("noerror.status.test.", RecordType::ANY, false)).await;
    let types: Vec<RecordType> = any.answers.iter().map(|r| r.record_type()).collect();
    assert_eq!(types, [RecordType::A, RecordType::AAAA]);
}

#[tokio::test]
async fn zone_transfers_are_refused() {
    let at = start(DnsLimits::default()).await;
    for qtype in [RecordType::AXFR, RecordType::IXFR] {
        let r = tcp(at, &query("status.test.", qtype, true)).await;
        assert_eq!(r.metadata.response_code, ResponseCode::Refused, "{qtype}");
        assert!(r.answers.is_empty(), "{qtype}");
        assert_eq!(ede(&r).map(|e| e.0), Some(18), "{qtype}: Prohibited");
    }
}

#[tokio::test]
async fn nxdomain_is_authoritative_with_the_zone_soa() {
    let at = start(DnsLimits::default()).await;
    let answer = udp(at, &query("nxdomain.status.test.", RecordType::A, false))
        .await
        .unwrap();
    assert_eq!(answer.metadata.response_code, ResponseCode::NXDomain);
    assert!(answer.metadata.authoritative);
    assert!(answer.metadata.recursion_desired, "RD is copied");
    assert!(!answer.metadata.recursion_available);
    assert_eq!(answer.authorities.len(), 1);
    assert_eq!(
        answer.authorities[0].name.to_ascii(),
        dns::ZONE,
        "the SOA of the zone"
    );
    let apex = udp(at, &query(dns::ZONE, RecordType::SOA, false))
        .await
        .unwrap();
    assert_eq!(apex.metadata.response_code, ResponseCode::NoError);
    assert_eq!(apex.answers[0].record_type(), RecordType::SOA);
}

#[tokio::test]
async fn names_the_catalog_lacks_are_nxdomain_with_a_hint() {
    let at = start(DnsLimits::default()).await;
    for name in [
        "teapot.status.test.",
        "12.status.test.",
        "ede-99.nxdomain.status.test.",
        "ede-018.nxdomain.status.test.",
        "servfail.ede-18.status.test.",
        "a.ede-18.refused.status.test.",
    ] {
        let answer = udp(at, &query(name, RecordType::A, true)).await.unwrap();
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::NXDomain,
            "{name}"
        );
        let (code, text) = ede(&answer).expect("a hint");
        assert_eq!(code, 0, "Other Error");
        assert!(text.contains("RCODE.status.test."), "{name}: {text}");
        let plain = udp(at, &query(name, RecordType::A, false)).await.unwrap();
        assert_eq!(plain.metadata.response_code, ResponseCode::NXDomain);
        assert!(plain.edns.is_none());
    }
}

#[tokio::test]
async fn names_outside_the_zone_are_refused() {
    let at = start(DnsLimits::default()).await;
    for name in ["example.com.", "xstatus.test.", "status.test.example.", "."] {
        let answer = udp(at, &query(name, RecordType::A, true)).await.unwrap();
        assert_eq!(
            answer.metadata.response_code,
            ResponseCode::Refused,
            "{name}"
        );
        assert!(!answer.metadata.authoritative);
        assert!(answer.answers.is_empty());
        assert_eq!(ede(&answer).map(|e| e.0), Some(20), "Not Authoritative");
    }
}

#[tokio::test]
async fn rcodes_above_15_need_edns() {
    let at = start(DnsLimits::default()).await;
    let without = udp(at, &query("badvers.status.test.", RecordType::A, false))
        .await
        .unwrap();
    assert_eq!(without.metadata.response_code, ResponseCode::Refused);
    let with = udp(at, &query("badvers.status.test.", RecordType::A, true))
        .await
        .unwrap();
    assert_eq!(rcode(&with), 16);
    assert_eq!(with.edns.as_ref().unwrap().rcode_high(), 1, "16 >> 4");
}

#[tokio::test]
async fn other_edns_versions_opcodes_and_classes_are_answered_as_rfcs_say() {
    let at = start(DnsLimits::default()).await;
    let mut v1 = query("nxdomain.status.test.", RecordType::A, true);
    v1.edns.as_mut().unwrap().set_version(1);
    let answer = udp(at, &v1).await.unwrap();
    assert_eq!(rcode(&answer), 16, "BADVERS");
    assert_eq!(answer.edns.as_ref().unwrap().version(), 0);

    let mut notify = query("nxdomain.status.test.", RecordType::SOA, false);
    notify.metadata.op_code = OpCode::Notify;
    let answer = udp(at, &notify).await.unwrap();
    assert_eq!(answer.metadata.response_code, ResponseCode::NotImp);

    let mut chaos = query("nxdomain.status.test.", RecordType::TXT, false);
    chaos.queries[0].set_query_class(hickory_server::proto::rr::DNSClass::CH);
    let answer = udp(at, &chaos).await.unwrap();
    assert_eq!(answer.metadata.response_code, ResponseCode::Refused);

    let mut two = query("nxdomain.status.test.", RecordType::A, false);
    two.add_query(Query::query(
        Name::from_ascii("servfail.status.test.").unwrap(),
        RecordType::A,
    ));
    let answer = udp(at, &two).await.unwrap();
    assert_eq!(answer.metadata.response_code, ResponseCode::FormErr);

    let mut response = query("nxdomain.status.test.", RecordType::A, false);
    response.metadata.message_type = MessageType::Response;
    assert!(
        udp(at, &response).await.is_none(),
        "responses are never answered (no reflection)"
    );
}

#[tokio::test]
async fn an_undecodable_query_over_tcp_gets_formerr() {
    let at = start(DnsLimits::default()).await;
    let mut stream = TcpStream::connect(at).await.unwrap();
    // A header announcing one question, then bytes that are no question.
    let mut bytes = vec![0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0];
    bytes.extend_from_slice(&[0xc0, 0xff, 0xff]);
    stream
        .write_all(&(bytes.len() as u16).to_be_bytes())
        .await
        .unwrap();
    stream.write_all(&bytes).await.unwrap();
    let mut len = [0u8; 2];
    stream.read_exact(&mut len).await.unwrap();
    let mut buf = vec![0; u16::from_be_bytes(len) as usize];
    stream.read_exact(&mut buf).await.unwrap();
    let answer = Message::from_vec(&buf).unwrap();
    assert_eq!(answer.metadata.id, 0x1234);
    assert_eq!(answer.metadata.response_code, ResponseCode::FormErr);
}

async fn closed_within(stream: &mut TcpStream, limit: Duration) -> bool {
    let mut byte = [0u8; 1];
    matches!(
        tokio::time::timeout(limit, stream.read(&mut byte)).await,
        Ok(Ok(0)) | Ok(Err(_))
    )
}

#[tokio::test]
async fn tcp_connections_are_capped() {
    let at = start(DnsLimits {
        max_tcp_connections: 2,
        ..Default::default()
    })
    .await;
    let mut first = TcpStream::connect(at).await.unwrap();
    let _second = TcpStream::connect(at).await.unwrap();
    // Both are accepted before the third arrives.
    assert!(
        tcp_exchange(&mut first, &query("0.status.test.", RecordType::A, false))
            .await
            .is_some()
    );
    let mut third = TcpStream::connect(at).await.unwrap();
    assert!(
        closed_within(&mut third, Duration::from_secs(2)).await,
        "a connection over the cap is closed"
    );
    assert!(
        tcp_exchange(&mut first, &query("3.status.test.", RecordType::A, false))
            .await
            .is_some(),
        "the open ones still answer"
    );
}

#[tokio::test]
async fn idle_tcp_connections_are_closed() {
    let at = start(DnsLimits {
        tcp_idle: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let mut stream = TcpStream::connect(at).await.unwrap();
    assert!(closed_within(&mut stream, Duration::from_secs(3)).await);
}

#[tokio::test]
async fn a_tcp_connection_answers_a_bounded_number_of_queries() {
    let at = start(DnsLimits {
        max_queries_per_connection: 3,
        ..Default::default()
    })
    .await;
    let mut stream = TcpStream::connect(at).await.unwrap();
    for _ in 0..3 {
        let answer = tcp_exchange(&mut stream, &query("2.status.test.", RecordType::A, false))
            .await
            .expect("answered");
        assert_eq!(answer.metadata.response_code, ResponseCode::ServFail);
    }
    assert!(
        tcp_exchange(&mut stream, &query("2.status.test.", RecordType::A, false))
            .await
            .is_none(),
        "the fourth query finds the connection closed"
    );
}

#[tokio::test]
async fn queries_over_the_rate_limit_get_no_answer() {
    let at = start(DnsLimits {
        rate_per_second: Some(1),
        ..Default::default()
    })
    .await;
    let mut answered = 0;
    for _ in 0..6 {
        if udp(at, &query("5.status.test.", RecordType::A, false))
            .await
            .is_some()
        {
            answered += 1;
        }
    }
    assert!(
        (1..6).contains(&answered),
        "a burst of 2, then at most one a second: {answered} of 6 answered"
    );
}

/// `statusatlas serve --dns-addr` on free ports, and the listener's port.
async fn serve_binary() -> (crate::support::Spawned, u16) {
    crate::support::Spawned::with_listener("--dns-addr").await
}

async fn dig(port: u16, args: &[&str]) -> String {
    let out = tokio::process::Command::new("dig")
        .args(["@127.0.0.1", "-p", &port.to_string(), "+tries=1", "+time=3"])
        .args(args)
        .output()
        .await
        .expect("dig is installed (scripts/test.sh installs bind9-dnsutils)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
#[ignore = "needs dig; scripts/test.sh runs it"]
async fn dig_reads_rcodes_and_extended_errors_over_udp_and_tcp() {
    let (_server, port) = serve_binary().await;
    for transport in ["+notcp", "+tcp"] {
        let out = dig(port, &[transport, "ede-18.refused.status.test", "A"]).await;
        assert!(out.contains("status: REFUSED"), "{transport}: {out}");
        assert!(out.contains("EDE: 18 (Prohibited)"), "{transport}: {out}");
        let out = dig(port, &[transport, "nxdomain.status.test"]).await;
        assert!(out.contains("status: NXDOMAIN"), "{transport}: {out}");
        assert!(out.contains("flags: qr aa rd;"), "{transport}: {out}");
        assert!(
            out.contains("IN\tSOA\tns.status.test."),
            "{transport}: {out}"
        );
        let out = dig(port, &[transport, "noerror.status.test", "A"]).await;
        assert!(out.contains("status: NOERROR"), "{transport}: {out}");
        assert!(out.contains("\t192.0.2.1"), "{transport}: {out}");
        let out = dig(port, &[transport, "+noedns", "ede-6.servfail.status.test"]).await;
        assert!(out.contains("status: SERVFAIL"), "{transport}: {out}");
        assert!(
            !out.contains("OPT PSEUDOSECTION"),
            "no EDNS asked, none sent: {out}"
        );
        let out = dig(port, &[transport, "badcookie.status.test"]).await;
        assert!(out.contains("status: BADCOOKIE"), "{transport}: {out}");
        let out = dig(port, &[transport, "example.com"]).await;
        assert!(out.contains("status: REFUSED"), "{transport}: {out}");
        assert!(
            out.contains("EDE: 20 (Not Authoritative)"),
            "{transport}: {out}"
        );
    }
}

#[tokio::test]
#[ignore = "needs Python with dnspython; scripts/test.sh runs it"]
async fn dnspython_reads_rcodes_and_extended_errors_over_udp_and_tcp() {
    let (_server, port) = serve_binary().await;
    let script = r#"
import sys, dns.message, dns.query, dns.rcode, dns.edns, dns.rdatatype
port = int(sys.argv[1])
for send in (dns.query.udp, dns.query.tcp):
    q = dns.message.make_query("ede-18.refused.status.test", "A", use_edns=0)
    r = send(q, "127.0.0.1", port=port, timeout=3)
    ede = [o for o in r.options if o.otype == dns.edns.EDE]
    print(send.__name__, dns.rcode.to_text(r.rcode()), ede[0].code, ede[0].text)
    q = dns.message.make_query("noerror.status.test", "AAAA")
    r = send(q, "127.0.0.1", port=port, timeout=3)
    print(send.__name__, dns.rcode.to_text(r.rcode()), r.answer[0][0].address, r.edns)
    q = dns.message.make_query("badvers.status.test", "A", use_edns=0)
    r = send(q, "127.0.0.1", port=port, timeout=3)
    print(send.__name__, dns.rcode.to_text(r.rcode()))
"#;
    let text = crate::support::run_python(script, &[&port.to_string()]).await;
    for send in ["udp", "tcp"] {
        assert!(
            text.contains(&format!("{send} REFUSED 18 Prohibited")),
            "{text}"
        );
        assert!(
            text.contains(&format!("{send} NOERROR 2001:db8::1 -1")),
            "{text}"
        );
        assert!(text.contains(&format!("{send} BADVERS")), "{text}");
    }
}

async fn page_with_listeners(path: &str, endpoints: statusatlas::listeners::Endpoints) -> String {
    use tower::ServiceExt;
    let mut state = statusatlas::web::AppState::new(crate::support::BASE);
    state.listeners = endpoints;
    let app = statusatlas::web::router(std::sync::Arc::new(state));
    let response = app
        .oneshot(
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    crate::support::body_text(response).await
}

#[tokio::test]
async fn dns_code_pages_show_a_dig_command_when_the_listener_runs() {
    let endpoints = statusatlas::listeners::Endpoints {
        dns: Some(("127.0.0.1".into(), 5353)),
        ..Default::default()
    };
    let page = page_with_listeners("/dns/nxdomain", endpoints.clone()).await;
    assert!(
        page.contains("dig @127.0.0.1 -p 5353 nxdomain.status.test"),
        "{page}"
    );
    // Extended DNS Errors come with the RCODE the catalog relates them to.
    let page = page_with_listeners("/dns/ede/18", endpoints).await;
    assert!(page.contains("dig @127.0.0.1 -p 5353 ede-18.refused.status.test"));
    let without = page_with_listeners("/dns/nxdomain", Default::default()).await;
    assert!(!without.contains("dig @"), "no listener, no command");
}

#[tokio::test]
async fn every_dig_command_a_page_shows_is_answered_as_the_page_says() {
    let at = start(DnsLimits::default()).await;
    let endpoints = statusatlas::listeners::Endpoints {
        dns: Some((at.ip().to_string(), at.port())),
        ..Default::default()
    };
    let dns_entries = &catalog().protocol(Protocol::Dns).unwrap().entries;
    for e in dns_entries {
        let t = statusatlas::listeners::try_it(e, &endpoints).expect("every DNS code has one");
        let name = t.command.rsplit(' ').next().unwrap();
        let answer = udp(at, &query(name, RecordType::A, true)).await.unwrap();
        match e.kind {
            Some(Kind::Rcode) => {
                assert_eq!(rcode(&answer), e.code.parse::<u16>().unwrap(), "{name}")
            }
            _ => assert_eq!(
                ede(&answer).map(|x| x.0.to_string()),
                Some(e.code.clone()),
                "{name}"
            ),
        }
    }
}

#[test]
fn a_listener_on_every_address_is_shown_with_the_site_host() {
    use statusatlas::listeners::Endpoints;
    let any: SocketAddr = "0.0.0.0:5353".parse().unwrap();
    assert_eq!(
        Endpoints::host_for(any, "https://statusatlas.example"),
        "statusatlas.example"
    );
    assert_eq!(
        Endpoints::host_for(any, "http://statusatlas.example:8080"),
        "statusatlas.example"
    );
    let any6: SocketAddr = "[::]:5353".parse().unwrap();
    assert_eq!(
        Endpoints::host_for(any6, "http://[2001:db8::5]:8080"),
        "2001:db8::5"
    );
    let local: SocketAddr = "127.0.0.1:5353".parse().unwrap();
    assert_eq!(
        Endpoints::host_for(local, "https://statusatlas.example"),
        "127.0.0.1"
    );
}
