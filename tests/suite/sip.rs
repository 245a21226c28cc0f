//! The live SIP listener: every final code of the catalog chosen by the
//! Request-URI, the stateless server's own answers, and what it refuses or
//! ignores, over UDP; then `sipsak` against `statusatlas serve --sip-addr`.

use statusatlas::catalog::{Protocol, catalog};
use statusatlas::listeners::sip::{self, SipLimits};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

async fn start() -> SocketAddr {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let at = socket.local_addr().unwrap();
    tokio::spawn(sip::serve(
        socket,
        SipLimits::default(),
        std::future::pending(),
    ));
    at
}

fn request(method: &str, uri: &str, call: u32) -> String {
    format!(
        "{method} {uri} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-{call};rport\r\nMax-Forwards: 70\r\nFrom: <sip:tester@client.test>;tag=abc\r\nTo: <{uri}>\r\nCall-ID: {call}@client.test\r\nCSeq: 1 {method}\r\nContent-Length: 0\r\n\r\n"
    )
}

async fn exchange(at: SocketAddr, datagram: &[u8]) -> Option<String> {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.send_to(datagram, at).await.unwrap();
    let mut buf = vec![0; 65536];
    let n = tokio::time::timeout(Duration::from_millis(500), socket.recv(&mut buf))
        .await
        .ok()?
        .unwrap();
    Some(String::from_utf8(buf[..n].to_vec()).unwrap())
}

fn field<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
}

#[tokio::test]
async fn every_final_code_of_the_catalog_answers_options() {
    let at = start().await;
    let mut finals = 0;
    for (call, e) in catalog()
        .protocol(Protocol::Sip)
        .unwrap()
        .entries
        .iter()
        .enumerate()
    {
        let uri = format!("sip:{}@status.test", e.code);
        let response = exchange(at, request("OPTIONS", &uri, call as u32).as_bytes())
            .await
            .expect("an answer");
        let status = response.lines().next().unwrap();
        let code: u16 = e.code.parse().unwrap();
        if code < 200 {
            assert!(status.starts_with("SIP/2.0 400 Bad Request ("), "{status}");
            continue;
        }
        finals += 1;
        assert_eq!(status, format!("SIP/2.0 {code} {}", e.phrase));
        // The empty rport is filled with the source port, and received is
        // added (RFC 3581, section 4).
        let via = field(&response, "Via").unwrap();
        let port = via
            .strip_prefix(&format!(
                "SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-{call};rport="
            ))
            .and_then(|rest| rest.strip_suffix(";received=127.0.0.1"))
            .unwrap_or_else(|| panic!("{via}"));
        assert!(port.parse::<u16>().is_ok_and(|p| p != 0), "{via}");
        assert_eq!(
            field(&response, "Call-ID"),
            Some(format!("{call}@client.test").as_str())
        );
        assert_eq!(field(&response, "CSeq"), Some("1 OPTIONS"));
        assert_eq!(
            field(&response, "From"),
            Some("<sip:tester@client.test>;tag=abc")
        );
        assert!(
            field(&response, "To")
                .unwrap()
                .starts_with(&format!("<{uri}>;tag=")),
            "a To tag"
        );
        assert!(response.ends_with("Content-Length: 0\r\n\r\n"));
        let required = match code {
            401 => Some("WWW-Authenticate"),
            407 => Some("Proxy-Authenticate"),
            405 => Some("Allow"),
            423 => Some("Min-Expires"),
            300..=399 => Some("Contact"),
            _ => None,
        };
        if let Some(name) = required {
            assert!(field(&response, name).is_some(), "{code} carries {name}");
        }
    }
    assert!(finals >= 60, "{finals}");
}

#[tokio::test]
async fn invite_gets_final_failures_and_other_requests_the_empty_servers_answers() {
    let at = start().await;
    let status = |r: Option<String>| r.map(|r| r.lines().next().unwrap().to_string());
    let invite = |uri: &str| request("INVITE", uri, 7);
    assert_eq!(
        status(exchange(at, invite("sip:486@status.test").as_bytes()).await).unwrap(),
        "SIP/2.0 486 Busy Here"
    );
    assert_eq!(
        status(exchange(at, invite("sips:603@status.test;transport=udp").as_bytes()).await)
            .unwrap(),
        "SIP/2.0 603 Decline"
    );
    for uri in [
        "sip:200@status.test",
        "sip:180@status.test",
        "sip:999@status.test",
    ] {
        let s = status(exchange(at, invite(uri).as_bytes()).await).unwrap();
        assert!(s.starts_with("SIP/2.0 400 Bad Request ("), "{uri}: {s}");
    }
    assert!(
        status(exchange(at, invite("sip:alice@status.test").as_bytes()).await)
            .unwrap()
            .starts_with("SIP/2.0 404 Not Found")
    );
    let options = exchange(at, request("OPTIONS", "sip:status.test", 8).as_bytes())
        .await
        .unwrap();
    assert!(options.starts_with("SIP/2.0 200 OK\r\n"));
    assert_eq!(field(&options, "Allow"), Some(sip::ALLOW));
    assert_eq!(
        status(exchange(at, request("BYE", "sip:alice@status.test", 9).as_bytes()).await).unwrap(),
        "SIP/2.0 481 Call/Transaction Does Not Exist"
    );
    let register = exchange(at, request("REGISTER", "sip:status.test", 10).as_bytes())
        .await
        .unwrap();
    assert!(register.starts_with("SIP/2.0 405 Method Not Allowed\r\n"));
    assert!(
        exchange(at, request("ACK", "sip:486@status.test", 11).as_bytes())
            .await
            .is_none(),
        "ACK is never answered"
    );
}

#[tokio::test]
async fn retransmissions_get_the_same_response() {
    let at = start().await;
    let invite = request("INVITE", "sip:486@status.test", 12);
    // A retransmission comes from the same socket as the original.
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut answers = Vec::new();
    for _ in 0..2 {
        socket.send_to(invite.as_bytes(), at).await.unwrap();
        let mut buf = vec![0; 65536];
        let n = tokio::time::timeout(Duration::from_millis(500), socket.recv(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        answers.push(String::from_utf8(buf[..n].to_vec()).unwrap());
    }
    let (first, again) = (&answers[0], &answers[1]);
    assert_eq!(first, again);
    let other = exchange(at, request("INVITE", "sip:486@status.test", 13).as_bytes())
        .await
        .unwrap();
    assert_ne!(
        field(first, "To"),
        field(&other, "To"),
        "another call, another tag"
    );
}

#[tokio::test]
async fn malformed_requests_are_refused_or_ignored() {
    let at = start().await;
    let status = |r: Option<String>| r.map(|r| r.lines().next().unwrap().to_string());
    let no_call_id =
        request("OPTIONS", "sip:486@status.test", 14).replace("Call-ID: 14@client.test\r\n", "");
    assert!(
        status(exchange(at, no_call_id.as_bytes()).await)
            .unwrap()
            .starts_with("SIP/2.0 400 ")
    );
    let wrong_cseq =
        request("OPTIONS", "sip:486@status.test", 15).replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
    assert!(
        status(exchange(at, wrong_cseq.as_bytes()).await)
            .unwrap()
            .starts_with("SIP/2.0 400 ")
    );
    let version =
        request("OPTIONS", "sip:486@status.test", 16).replace(" SIP/2.0\r\n", " SIP/3.0\r\n");
    assert_eq!(
        status(exchange(at, version.as_bytes()).await).unwrap(),
        "SIP/2.0 505 Version Not Supported"
    );
    // Schemes are case-insensitive (RFC 3261, section 19.1.4).
    let upper = request("OPTIONS", "SIP:486@status.test", 19);
    assert_eq!(
        status(exchange(at, upper.as_bytes()).await).unwrap(),
        "SIP/2.0 486 Busy Here"
    );
    let tel = request("INVITE", "tel:+15550100", 17);
    assert_eq!(
        status(exchange(at, tel.as_bytes()).await).unwrap(),
        "SIP/2.0 416 Unsupported URI Scheme"
    );
    let compact = "OPTIONS sip:486@status.test SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:5099;branch=z9hG4bK-18\r\nf: <sip:a@client.test>;tag=1\r\nt: <sip:486@status.test>\r\ni: 18@client.test\r\nCSeq: 2 OPTIONS\r\n\r\n";
    let response = exchange(at, compact.as_bytes()).await.unwrap();
    assert!(
        response.starts_with("SIP/2.0 486 Busy Here\r\n"),
        "compact header names"
    );
    assert_eq!(field(&response, "Call-ID"), Some("18@client.test"));
    for ignored in [
        b"SIP/2.0 200 OK\r\nVia: x\r\n\r\n".to_vec(),
        b"\x00\x01garbage".to_vec(),
        vec![b'A'; sip::MAX_DATAGRAM + 1],
    ] {
        assert!(exchange(at, &ignored).await.is_none(), "no answer");
    }
}

#[test]
fn sip_code_pages_show_a_sipsak_command_for_final_codes() {
    let endpoints = statusatlas::listeners::Endpoints {
        sip: Some(("127.0.0.1".into(), 5060)),
        ..Default::default()
    };
    let busy = catalog().get(Protocol::Sip, "486").unwrap();
    assert_eq!(
        statusatlas::listeners::try_it(busy, &endpoints)
            .unwrap()
            .command,
        "sipsak -vv -s sip:486@127.0.0.1:5060"
    );
    let ringing = catalog().get(Protocol::Sip, "180").unwrap();
    assert!(statusatlas::listeners::try_it(ringing, &endpoints).is_none());
}

#[tokio::test]
#[ignore = "needs sipsak; scripts/test.sh runs it"]
async fn sipsak_sees_the_chosen_response() {
    let (_server, port) = crate::support::Spawned::with_listener("--sip-addr").await;
    for (uri, expected) in [
        (format!("sip:486@127.0.0.1:{port}"), "SIP/2.0 486 Busy Here"),
        (
            format!("sip:503@127.0.0.1:{port}"),
            "SIP/2.0 503 Service Unavailable",
        ),
        (format!("sip:127.0.0.1:{port}"), "SIP/2.0 200 OK"),
    ] {
        let out = tokio::process::Command::new("sipsak")
            .args(["-vv", "-s", &uri])
            .output()
            .await
            .expect("sipsak is installed (scripts/test.sh installs it)");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(expected), "{uri}: {text}");
    }
}
