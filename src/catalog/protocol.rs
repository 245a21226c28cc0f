//! The protocols the catalog covers, and the class (the family of codes) each
//! code belongs to. Class names follow each protocol's own specification, so
//! they live here rather than in the data files.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Http,
    Smtp,
    Grpc,
    Websocket,
    Ftp,
    Sip,
    Dns,
}

impl Protocol {
    pub const ALL: [Protocol; 7] = [
        Protocol::Http,
        Protocol::Smtp,
        Protocol::Grpc,
        Protocol::Websocket,
        Protocol::Ftp,
        Protocol::Sip,
        Protocol::Dns,
    ];

    /// The lowercase name used in URLs, the API and on the command line.
    pub fn slug(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Smtp => "smtp",
            Protocol::Grpc => "grpc",
            Protocol::Websocket => "websocket",
            Protocol::Ftp => "ftp",
            Protocol::Sip => "sip",
            Protocol::Dns => "dns",
        }
    }

    /// The name people write in prose.
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Smtp => "SMTP",
            Protocol::Grpc => "gRPC",
            Protocol::Websocket => "WebSocket",
            Protocol::Ftp => "FTP",
            Protocol::Sip => "SIP",
            Protocol::Dns => "DNS",
        }
    }

    /// What one item of this protocol is called ("status code", "reply code" ...).
    pub fn code_noun(self) -> &'static str {
        match self {
            Protocol::Http => "status code",
            Protocol::Smtp | Protocol::Ftp => "reply code",
            Protocol::Grpc => "status code",
            Protocol::Websocket => "close code",
            Protocol::Sip => "response code",
            Protocol::Dns => "response code",
        }
    }

    pub fn from_slug(s: &str) -> Option<Protocol> {
        let lower = s.trim().to_ascii_lowercase();
        Protocol::ALL
            .into_iter()
            .find(|p| p.slug() == lower || (lower == "ws" && *p == Protocol::Websocket))
    }

    /// The class of a code, where the protocol groups its codes into classes.
    pub fn class_of(self, code: &str, kind: Option<&str>) -> Option<Class> {
        let first = code.chars().next()?;
        match self {
            Protocol::Http => {
                if code.len() != 3 {
                    return None;
                }
                let name = match first {
                    '1' => "Informational",
                    '2' => "Successful",
                    '3' => "Redirection",
                    '4' => "Client Error",
                    '5' => "Server Error",
                    _ => return None,
                };
                Some(Class::new(format!("{first}xx"), name))
            }
            Protocol::Sip => {
                let name = match first {
                    '1' => "Provisional",
                    '2' => "Successful",
                    '3' => "Redirection",
                    '4' => "Request Failure",
                    '5' => "Server Failure",
                    '6' => "Global Failure",
                    _ => return None,
                };
                Some(Class::new(format!("{first}xx"), name))
            }
            Protocol::Smtp | Protocol::Ftp => {
                if kind.is_some_and(|k| k != "basic") {
                    return None;
                }
                let name = match first {
                    '1' => "Positive Preliminary",
                    '2' => "Positive Completion",
                    '3' => "Positive Intermediate",
                    '4' => "Transient Negative Completion",
                    '5' => "Permanent Negative Completion",
                    '6' if self == Protocol::Ftp => "Protected",
                    _ => return None,
                };
                Some(Class::new(format!("{first}yz"), name))
            }
            Protocol::Grpc | Protocol::Websocket | Protocol::Dns => None,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A family of codes such as HTTP `4xx Client Error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Class {
    /// `4xx`, `5yz` ...
    pub key: String,
    /// `Client Error` ...
    pub name: String,
}

impl Class {
    pub fn new(key: String, name: &str) -> Class {
        Class {
            key,
            name: name.to_string(),
        }
    }

    /// "4xx Client Error"
    pub fn label(&self) -> String {
        format!("{} {}", self.key, self.name)
    }
}
