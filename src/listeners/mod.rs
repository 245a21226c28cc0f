//! Live listeners for the protocols that are not HTTP: a DNS server
//! ([`dns`]) and an SMTP server ([`smtp`]) whose answers are chosen by the
//! name asked for or the recipient written, so that a resolver library or a
//! mailer can be tested against every code of the catalog.
//!
//! They sit on the transport floor beside the web server: they read the
//! catalog and never anything the web layer owns. Each is off unless its
//! address is given (`serve --dns-addr`, `--smtp-addr`), holds nothing but
//! bounded per-connection state, and never forwards, relays or stores.

pub mod dns;
pub mod smtp;

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
