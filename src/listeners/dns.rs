//! The live DNS listener (`serve --dns-addr`): an authoritative server for
//! the zone `status.test.` whose query names choose the answer, so that a
//! resolver library or a tool can be tested against any RCODE and any
//! Extended DNS Error (RFC 8914) of the catalog.
//!
//! Names (case does not matter):
//! - `RCODE.status.test.`: the answer carries that RCODE, named by the
//!   catalog's id (`nxdomain`, `servfail`, `refused`, `badvers`) or by its
//!   number (`3`). `noerror.status.test.` has an A record ([`NOERROR_V4`],
//!   a documentation address of RFC 5737) and an AAAA record
//!   ([`NOERROR_V6`], RFC 3849); other types get an empty answer (NODATA).
//! - `ede-N.RCODE.status.test.`: the same, with Extended DNS Error N in the
//!   OPT record, sent only when the query carried an OPT record (RFC 6891
//!   section 7: no OPT in a response to a query without one).
//! - RCODEs above 15 live partly in the OPT record (RFC 6891 section 6.1.3),
//!   so a query without EDNS for one of them is answered REFUSED.
//! - a label the catalog does not have (`teapot.status.test.`, `ede-99...`):
//!   NXDOMAIN, with EDE 0 (Other Error) whose text says what names exist
//!   when the query carried EDNS.
//! - names outside the zone: REFUSED (with EDE 20, Not Authoritative, under
//!   EDNS); the server never recurses nor forwards.
//!
//! UDP is served by hickory-server's [`Server`]. TCP is accepted here, with
//! hickory's stream framing and the same request handler, because the
//! server's own TCP loop has no bound on open connections: here at most
//! [`DnsLimits::max_tcp_connections`] are open (more are closed at once),
//! each closes after [`DnsLimits::tcp_idle`] without a query, after
//! [`DnsLimits::tcp_lifetime`] in all, and after
//! [`DnsLimits::max_queries_per_connection`] queries.

use crate::catalog::{Kind, Protocol, catalog};
use hickory_server::net::runtime::TokioTime;
use hickory_server::net::runtime::iocompat::AsyncIoTokioAsStd;
use hickory_server::net::tcp::TcpStream as DnsTcpStream;
use hickory_server::net::xfer::Protocol as Transport;
use hickory_server::proto::op::{Edns, Header, HeaderCounts, Metadata, OpCode, ResponseCode};
use hickory_server::proto::rr::rdata::opt::EdnsOption;
use hickory_server::proto::rr::rdata::{A, AAAA, SOA};
use hickory_server::proto::rr::{DNSClass, Name, RData, Record, RecordType};
use hickory_server::proto::serialize::binary::{BinDecodable, BinDecoder};
use hickory_server::server::{
    Request, RequestHandler, ResponseHandle, ResponseHandler, ResponseInfo, TimeoutStream,
};
use hickory_server::zone_handler::{MessageResponseBuilder, Queries};
use hickory_server::{Server, net::runtime::Time};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::Semaphore;

/// The zone this server is authoritative for. `.test` is reserved for
/// testing (RFC 6761 section 6.2), so it never collides with a real name.
pub const ZONE: &str = "status.test.";

/// The A record of `noerror.status.test.`: TEST-NET-1 (RFC 5737).
pub const NOERROR_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

/// The AAAA record of `noerror.status.test.`: the documentation prefix
/// (RFC 3849).
pub const NOERROR_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);

/// The EDNS option code of an Extended DNS Error (RFC 8914 section 2).
pub const EDE_OPTION: u16 = 15;

/// The UDP payload size this server advertises in its OPT records: the
/// size DNS Flag Day 2020 recommends, which avoids IP fragmentation.
pub const UDP_PAYLOAD: u16 = 1232;

/// Time to live of every record, in seconds: none, so that a resolver in
/// between never answers a later test from its cache.
const TTL: u32 = 0;

/// Bounds of the DNS listener.
#[derive(Clone, Copy, Debug)]
pub struct DnsLimits {
    /// TCP connections open at once; one more is closed as soon as accepted.
    pub max_tcp_connections: usize,
    /// A TCP connection without a query for this long is closed.
    pub tcp_idle: Duration,
    /// A TCP connection is closed this long after it opened.
    pub tcp_lifetime: Duration,
    /// A TCP connection is closed after this many queries.
    pub max_queries_per_connection: usize,
    /// Queries per second per client address (IPv4 address or IPv6 /64);
    /// over it a query gets no answer. `None`: none on loopback, 50 on other
    /// addresses; `Some(0)`: no limit. The `--live-rate` option sets it.
    pub rate_per_second: Option<u32>,
}

impl Default for DnsLimits {
    fn default() -> DnsLimits {
        DnsLimits {
            max_tcp_connections: 64,
            tcp_idle: Duration::from_secs(10),
            tcp_lifetime: Duration::from_secs(60),
            max_queries_per_connection: 100,
            rate_per_second: None,
        }
    }
}

/// What a query name asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// A name of the zone that chooses an answer: the RCODE's number (0 to
    /// 4095) and an Extended DNS Error's number.
    Answer { rcode: u16, ede: Option<u16> },
    /// The zone's apex, `status.test.`: its SOA record.
    Apex,
    /// A name in the zone that chooses nothing the catalog has, with the
    /// reason (the text of the EDE 0 hint).
    Unknown(String),
    /// A name outside the zone.
    OutOfZone,
}

fn zone() -> Name {
    Name::from_ascii(ZONE).unwrap_or_else(|_| Name::root())
}

/// Reads a query name: which RCODE and Extended DNS Error it asks for,
/// checked against the catalog's DNS entries (RCODE ids and numbers,
/// `ede-N` ids).
pub fn asked(name: &Name) -> Asked {
    let zone = zone();
    if !zone.zone_of(name) {
        return Asked::OutOfZone;
    }
    let labels: Vec<String> = name
        .iter()
        .take(usize::from(
            name.num_labels().saturating_sub(zone.num_labels()),
        ))
        .map(|l| String::from_utf8_lossy(l).to_ascii_lowercase())
        .collect();
    let hint = |what: &str| {
        Asked::Unknown(format!(
            "{what}; ask for RCODE.{ZONE} (nxdomain, servfail, 3 ...), optionally ede-N.RCODE.{ZONE}"
        ))
    };
    let (ede_label, rcode_label) = match labels.as_slice() {
        [] => return Asked::Apex,
        [rcode] => (None, rcode),
        [ede, rcode] => (Some(ede), rcode),
        _ => return hint("too many labels"),
    };
    let Some(rcode) = rcode_number(rcode_label) else {
        return hint("not an RCODE of the catalog");
    };
    let ede = match ede_label {
        None => None,
        Some(label) => match ede_number(label) {
            Some(n) => Some(n),
            None => return hint("not an Extended DNS Error of the catalog (ede-N)"),
        },
    };
    Asked::Answer { rcode, ede }
}

/// The number of an RCODE label: a catalog id (`nxdomain`) or number (`3`).
fn rcode_number(label: &str) -> Option<u16> {
    catalog()
        .protocol(Protocol::Dns)?
        .entries
        .iter()
        .filter(|e| e.kind == Some(Kind::Rcode))
        .find(|e| e.id == label || e.code == label)
        .and_then(|e| e.code.parse().ok())
}

/// The number of an `ede-N` label whose Extended DNS Error the catalog has.
fn ede_number(label: &str) -> Option<u16> {
    catalog()
        .get(Protocol::Dns, label)
        .filter(|e| e.kind == Some(Kind::Ede))
        .and_then(|e| e.code.parse().ok())
}

/// The phrase of Extended DNS Error `n` in the catalog.
fn ede_phrase(n: u16) -> String {
    catalog()
        .get(Protocol::Dns, &format!("ede-{n}"))
        .map(|e| e.phrase.clone())
        .unwrap_or_default()
}

/// The answer to one query, before encoding.
struct Reply {
    rcode: ResponseCode,
    authoritative: bool,
    answers: Vec<Record>,
    authorities: Vec<Record>,
    /// An Extended DNS Error: INFO-CODE and EXTRA-TEXT.
    ede: Option<(u16, String)>,
}

impl Reply {
    fn error(rcode: ResponseCode) -> Reply {
        Reply {
            rcode,
            authoritative: false,
            answers: Vec::new(),
            authorities: Vec::new(),
            ede: None,
        }
    }
}

fn soa_record() -> Record {
    let zone = zone();
    let mname = Name::from_ascii("ns.status.test.").unwrap_or_else(|_| zone.clone());
    let rname = Name::from_ascii("hostmaster.status.test.").unwrap_or_else(|_| zone.clone());
    Record::from_rdata(
        zone,
        TTL,
        RData::SOA(SOA::new(mname, rname, 1, 3600, 600, 86400, TTL)),
    )
}

/// The reply to a query for `name` of `qtype`, `edns` telling whether the
/// query carried an OPT record.
fn reply(name: &Name, qtype: RecordType, edns: bool) -> Reply {
    // Zone transfers are not offered: REFUSED, as RFC 5936 (section 2.2.1)
    // allows, rather than a transfer that ends after one SOA.
    if matches!(qtype, RecordType::AXFR | RecordType::IXFR) {
        return Reply {
            ede: Some((18, "zone transfers are not offered".to_string())),
            ..Reply::error(ResponseCode::Refused)
        };
    }
    match asked(name) {
        Asked::OutOfZone => Reply {
            ede: Some((20, format!("this server answers only for {ZONE}"))),
            ..Reply::error(ResponseCode::Refused)
        },
        Asked::Apex => Reply {
            rcode: ResponseCode::NoError,
            authoritative: true,
            answers: if matches!(qtype, RecordType::SOA | RecordType::ANY) {
                vec![soa_record()]
            } else {
                Vec::new()
            },
            authorities: if matches!(qtype, RecordType::SOA | RecordType::ANY) {
                Vec::new()
            } else {
                vec![soa_record()]
            },
            ede: None,
        },
        Asked::Unknown(hint) => Reply {
            rcode: ResponseCode::NXDomain,
            authoritative: true,
            answers: Vec::new(),
            authorities: vec![soa_record()],
            ede: Some((0, hint)),
        },
        Asked::Answer { rcode, .. } if rcode > 15 && !edns => Reply::error(ResponseCode::Refused),
        Asked::Answer { rcode, ede } => {
            let code: ResponseCode = rcode.into();
            let mut answers = Vec::new();
            let mut authorities = Vec::new();
            match code {
                ResponseCode::NoError => {
                    // ANY gets every record the name has (RFC 8482 lets a
                    // server answer with a subset; here the subset is all).
                    let v4 = matches!(qtype, RecordType::A | RecordType::ANY);
                    let v6 = matches!(qtype, RecordType::AAAA | RecordType::ANY);
                    if v4 {
                        answers.push(Record::from_rdata(
                            name.clone(),
                            TTL,
                            RData::A(A(NOERROR_V4)),
                        ));
                    }
                    if v6 {
                        answers.push(Record::from_rdata(
                            name.clone(),
                            TTL,
                            RData::AAAA(AAAA(NOERROR_V6)),
                        ));
                    }
                    if answers.is_empty() {
                        authorities.push(soa_record());
                    }
                }
                ResponseCode::NXDomain => authorities.push(soa_record()),
                _ => {}
            }
            Reply {
                authoritative: matches!(code, ResponseCode::NoError | ResponseCode::NXDomain),
                rcode: code,
                answers,
                authorities,
                ede: ede.map(|n| {
                    (
                        n,
                        format!("{} (asked for by the query name)", ede_phrase(n)),
                    )
                }),
            }
        }
    }
}

/// The OPT record of a response: version 0, our payload size, and the
/// Extended DNS Error if there is one.
fn response_edns(ede: Option<&(u16, String)>) -> Edns {
    let mut edns = Edns::new();
    edns.set_version(0).set_max_payload(UDP_PAYLOAD);
    if let Some((code, text)) = ede {
        let mut data = code.to_be_bytes().to_vec();
        data.extend_from_slice(text.as_bytes());
        edns.options_mut()
            .insert(EdnsOption::Unknown(EDE_OPTION, data));
    }
    edns
}

/// The request handler of the zone, shared by the UDP and TCP paths.
pub struct StatusZone {
    rate: crate::web::live::Limits,
}

impl StatusZone {
    /// The handler for a listener on `addr`, with the per-client rate limit
    /// of `limits`.
    pub fn new(limits: &DnsLimits, addr: IpAddr) -> StatusZone {
        StatusZone {
            rate: super::rate_limiter(limits.rate_per_second, addr),
        }
    }
}

fn not_sent(request: &Request, rcode: ResponseCode) -> ResponseInfo {
    let mut metadata = Metadata::response_from_request(&request.metadata);
    metadata.response_code = rcode;
    ResponseInfo::from(Header {
        metadata,
        counts: HeaderCounts::default(),
    })
}

#[async_trait::async_trait]
impl RequestHandler for StatusZone {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        mut response: R,
    ) -> ResponseInfo {
        if !self.rate.allow(request.src().ip()) {
            return not_sent(request, ResponseCode::Refused);
        }
        let edns = request.edns.is_some();
        let reply = if request.metadata.op_code != OpCode::Query {
            Reply::error(ResponseCode::NotImp)
        } else if request.edns.as_ref().is_some_and(|e| e.version() > 0) {
            // RFC 6891 section 6.1.3: only version 0 is defined.
            Reply::error(ResponseCode::BADVERS)
        } else {
            match request.request_info() {
                Err(_) => Reply::error(ResponseCode::FormErr),
                Ok(info) if info.query.query_class() != DNSClass::IN => {
                    Reply::error(ResponseCode::Refused)
                }
                Ok(info) => reply(info.query.name(), info.query.query_type(), edns),
            }
        };
        let mut metadata = Metadata::response_from_request(&request.metadata);
        metadata.authoritative = reply.authoritative;
        metadata.recursion_available = false;
        metadata.response_code = reply.rcode;
        let opt = edns.then(|| response_edns(reply.ede.as_ref()));
        let mut builder = MessageResponseBuilder::new(&request.queries, None);
        if let Some(opt) = &opt {
            builder.edns(opt);
        }
        let message = builder.build(
            metadata,
            reply.answers.iter(),
            reply.authorities.iter(),
            std::iter::empty(),
            std::iter::empty(),
        );
        match response.send_response(message).await {
            Ok(info) => info,
            Err(error) => {
                tracing::debug!(%error, "DNS answer not sent");
                not_sent(request, reply.rcode)
            }
        }
    }
}

/// Binds the DNS listener's TCP and UDP sockets on the same address (with
/// port 0, TCP picks the port and UDP takes the same one).
pub async fn bind(addr: &str) -> std::io::Result<(UdpSocket, TcpListener, SocketAddr)> {
    let tcp = TcpListener::bind(addr).await?;
    let local = tcp.local_addr()?;
    let udp = UdpSocket::bind(local).await?;
    Ok((udp, tcp, local))
}

/// Serves the zone on `udp` and `tcp` until `shutdown` completes.
pub async fn serve(
    udp: UdpSocket,
    tcp: TcpListener,
    limits: DnsLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let ip = tcp
        .local_addr()
        .map(|a| a.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
    let handler = Arc::new(StatusZone::new(&limits, ip));
    let mut server = Server::new(SharedZone(handler.clone()));
    server.register_socket(udp);
    let stop = server.shutdown_token().clone();
    let tcp_loop = serve_tcp(tcp, handler, limits, stop.clone());
    tokio::pin!(shutdown);
    tokio::select! {
        () = &mut shutdown => {}
        () = tcp_loop => {}
    }
    stop.cancel();
    if let Err(error) = server.block_until_done().await {
        tracing::warn!(%error, "DNS listener stopped");
    }
}

/// The handler behind an `Arc`, so that the UDP server and the TCP loop
/// share one rate limiter.
struct SharedZone(Arc<StatusZone>);

#[async_trait::async_trait]
impl RequestHandler for SharedZone {
    async fn handle_request<R: ResponseHandler, T: Time>(
        &self,
        request: &Request,
        response: R,
    ) -> ResponseInfo {
        self.0.handle_request::<R, T>(request, response).await
    }
}

async fn serve_tcp(
    listener: TcpListener,
    handler: Arc<StatusZone>,
    limits: DnsLimits,
    stop: tokio_util::sync::CancellationToken,
) {
    let slots = Arc::new(Semaphore::new(limits.max_tcp_connections));
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(error) => {
                    tracing::debug!(%error, "DNS TCP accept failed");
                    continue;
                }
            },
            () = stop.cancelled() => return,
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let handler = handler.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let connection = tcp_connection(stream, peer, &handler, limits);
            tokio::select! {
                _ = tokio::time::timeout(limits.tcp_lifetime, connection) => {}
                () = stop.cancelled() => {}
            }
        });
    }
}

async fn tcp_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    handler: &StatusZone,
    limits: DnsLimits,
) {
    use futures_util::StreamExt;
    let (messages, sender) =
        DnsTcpStream::from_stream_with_buffer_size(AsyncIoTokioAsStd(stream), peer, 4);
    let mut messages = TimeoutStream::new(messages, limits.tcp_idle);
    let mut answered = 0;
    while answered < limits.max_queries_per_connection {
        let Some(Ok(message)) = messages.next().await else {
            return;
        };
        answered += 1;
        let (bytes, src) = message.into_parts();
        let respond = ResponseHandle::new(src, sender.clone(), Transport::Tcp);
        match Request::from_bytes(bytes.clone(), src, Transport::Tcp) {
            Ok(request) => {
                if request.metadata.message_type == hickory_server::proto::op::MessageType::Query {
                    handler
                        .handle_request::<_, TokioTime>(&request, respond)
                        .await;
                }
            }
            Err(_) => {
                // A header we can read but a body we cannot: FORMERR, as
                // hickory's own loop answers (RFC 1035 section 4.1.1).
                let Ok(header) = Header::read(&mut BinDecoder::new(&bytes)) else {
                    return;
                };
                let Ok(queries) = Queries::read(&mut BinDecoder::new(&[]), 0) else {
                    return;
                };
                let mut respond = respond;
                let message = MessageResponseBuilder::new(&queries, None)
                    .error_msg(&header.metadata, ResponseCode::FormErr);
                if respond.send_response(message).await.is_err() {
                    return;
                }
            }
        }
    }
    // Let the last answer leave before the stream is dropped.
    while let Some(Ok(_)) = tokio::time::timeout(Duration::from_millis(50), messages.next())
        .await
        .ok()
        .flatten()
    {}
}
