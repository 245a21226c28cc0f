//! Live listeners for the protocols that are not HTTP: a DNS server
//! ([`dns`]), an SMTP server ([`smtp`]), an FTP control connection
//! ([`ftp`]) and a SIP user agent server ([`sip`]), whose answers are chosen
//! by the name asked for, the recipient written, a command's argument or
//! the Request-URI, so that a resolver, a mailer or any other client can be
//! tested against every code of the catalog.
//!
//! They sit on the transport floor beside the web server: they read the
//! catalog, and share only the live endpoints' per-client rate limiter
//! ([`crate::web::live::Limits`]) with the web layer. Each is off unless its
//! address is given (`serve --dns-addr`, `--smtp-addr`, `--ftp-addr`,
//! `--sip-addr`), holds nothing but bounded per-connection state, and never
//! forwards, relays or stores.

pub mod dns;
pub mod ftp;
mod line;
pub mod sip;
pub mod smtp;

use crate::catalog::Protocol;
use std::net::IpAddr;

/// Requests (DNS queries, SMTP connections) per second per client address
/// for a listener on `addr`: as the live HTTP endpoints, none on loopback
/// unless asked, [`crate::web::live::DEFAULT_RATE`] elsewhere, and `Some(0)`
/// turns the limit off.
pub fn rate_limiter(rate_per_second: Option<u32>, addr: IpAddr) -> crate::web::live::Limits {
    crate::web::live::Limits::new(
        crate::web::live::LiveConfig {
            rate_per_second,
            ..Default::default()
        }
        .for_address(addr),
    )
}

/// Where the DNS and SMTP listeners of a running instance can be reached,
/// for the "Try it live" commands of code pages: host (as a client writes
/// it) and port.
#[derive(Clone, Debug, Default)]
pub struct Endpoints {
    pub dns: Option<(String, u16)>,
    pub smtp: Option<(String, u16)>,
    pub ftp: Option<(String, u16)>,
    pub sip: Option<(String, u16)>,
}

impl Endpoints {
    /// The host a client uses for a listener bound to `addr`: its address,
    /// or, for an unspecified one (`0.0.0.0`, `::`), the host of the site's
    /// public origin `base_url`.
    pub fn host_for(addr: std::net::SocketAddr, base_url: &str) -> String {
        if addr.ip().is_unspecified() {
            let rest = base_url
                .split_once("://")
                .map_or(base_url, |(_, rest)| rest);
            let authority = rest.split('/').next().unwrap_or(rest);
            match authority.strip_prefix('[') {
                Some(v6) => v6.split(']').next().unwrap_or(v6).to_string(),
                None => authority
                    .rsplit_once(':')
                    .map_or(authority, |(host, _)| host)
                    .to_string(),
            }
        } else {
            addr.ip().to_string()
        }
    }
}

/// A ready command that makes a listener answer with one code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TryIt {
    /// The command line (`dig @127.0.0.1 -p 5353 nxdomain.status.test`).
    pub command: String,
    /// One sentence on what the command shows.
    pub note: String,
}

/// The `dig` or `swaks` command that shows `entry` live, when its protocol's
/// listener runs and the listener can send the code: DNS RCODEs and
/// Extended DNS Errors; SMTP basic codes of classes 4 and 5 and enhanced
/// codes (in class 5, or in the class `entry` is read in).
pub fn try_it(entry: &crate::catalog::Entry, endpoints: &Endpoints) -> Option<TryIt> {
    use crate::catalog::Kind;
    match (entry.protocol, entry.kind) {
        (Protocol::Dns, Some(kind)) => {
            let (host, port) = endpoints.dns.as_ref()?;
            let name = match kind {
                Kind::Rcode => format!("{}.{}", entry.id, dns::ZONE.trim_end_matches('.')),
                Kind::Ede => {
                    // The RCODE the catalog relates the error to, else SERVFAIL.
                    let rcode = entry
                        .related
                        .iter()
                        .find(|id| {
                            crate::catalog::catalog()
                                .get(Protocol::Dns, id)
                                .is_some_and(|e| e.kind == Some(Kind::Rcode))
                        })
                        .map_or("servfail", String::as_str);
                    format!("{}.{rcode}.{}", entry.id, dns::ZONE.trim_end_matches('.'))
                }
                _ => return None,
            };
            Some(TryIt {
                command: format!("dig @{host} -p {port} {name}"),
                note: format!(
                    "The server's zone {} answers every RCODE by name or number; ede-N adds an Extended DNS Error when the query carries EDNS (dig's default, +noedns turns it off); +tcp asks over TCP.",
                    dns::ZONE
                ),
            })
        }
        (Protocol::Smtp, Some(kind)) => {
            let (host, port) = endpoints.smtp.as_ref()?;
            let recipient = match kind {
                Kind::Basic => {
                    let code: u16 = entry.code.parse().ok()?;
                    if !matches!(code / 100, 4 | 5) {
                        return None;
                    }
                    format!("{code}")
                }
                Kind::Enhanced => {
                    let mut parts = entry.code.split('.');
                    let class = match parts.next()? {
                        "X" | "5" => 5,
                        "4" => 4,
                        _ => return None,
                    };
                    let rest: Vec<&str> = parts.collect();
                    format!("{class}50-{class}.{}", rest.join("."))
                }
                _ => return None,
            };
            Some(TryIt {
                command: format!(
                    "swaks --server {} --to {recipient}@example.com",
                    bracketed(host, *port)
                ),
                note: "The recipient's local part picks the reply at RCPT; data-CODE-X.Y.Z@ answers at the end of DATA instead. Other recipients are accepted, and nothing is relayed or stored.".into(),
            })
        }
        (Protocol::Sip, _) => {
            let (host, port) = endpoints.sip.as_ref()?;
            let code: u16 = entry.code.parse().ok()?;
            if code < 200 {
                return None;
            }
            Some(TryIt {
                command: format!("sipsak -vv -s sip:{code}@{}", bracketed(host, *port)),
                note: "The Request-URI's user part picks the final response of OPTIONS, and of INVITE from 300 up; the server is stateless, over UDP, and never starts a call.".into(),
            })
        }
        (Protocol::Ftp, _) => {
            let (host, port) = endpoints.ftp.as_ref()?;
            match ftp::asked(&entry.code)? {
                Ok(_) => Some(TryIt {
                    command: format!(
                        "curl -v ftp://{}/ -Q \"CWD {}\"",
                        bracketed(host, *port),
                        entry.code
                    ),
                    note: "Any command whose argument is a reply code gets that reply (USER 530, RETR 451); the server opens no data connections and holds no files.".into(),
                }),
                Err(_) => None,
            }
        }
        _ => None,
    }
}

/// `host:port`, with an IPv6 address in brackets.
fn bracketed(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}
