//! The protocols the catalog covers, and the class (the family of codes) each
//! code belongs to. Class names follow each protocol's own specification, so
//! they live here rather than in the data files.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
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

    /// The protocol's classes, from its specification (RFC 9110 section 15,
    /// RFC 5321 section 4.2.1, RFC 959 section 4.2, RFC 3261 section 21);
    /// empty for protocols that do not group their codes (gRPC, WebSocket,
    /// DNS). Every wording and colour of a class derives from this table.
    pub fn classes(self) -> &'static [ClassDef] {
        match self {
            Protocol::Http => HTTP_CLASSES,
            Protocol::Sip => SIP_CLASSES,
            Protocol::Smtp => SMTP_CLASSES,
            Protocol::Ftp => FTP_CLASSES,
            Protocol::Grpc | Protocol::Websocket | Protocol::Dns => &[],
        }
    }

    /// The row of the class table for a first digit.
    pub fn class_def(self, digit: char) -> Option<&'static ClassDef> {
        self.classes().iter().find(|c| c.digit == digit)
    }

    /// How a class key is written after its digit: `xx` (HTTP, SIP) or
    /// `yz` (SMTP, FTP, after their specifications' `xyz`).
    fn class_suffix(self) -> &'static str {
        match self {
            Protocol::Smtp | Protocol::Ftp => "yz",
            _ => "xx",
        }
    }

    /// The class of a code, where the protocol groups its codes into
    /// classes: HTTP codes of three digits, SIP codes, and SMTP and FTP
    /// reply codes (not SMTP's enhanced codes, `kind` other than basic).
    pub fn class_of(self, code: &str, kind: Option<Kind>) -> Option<Class> {
        if self == Protocol::Http && code.len() != 3 {
            return None;
        }
        if kind.is_some_and(|k| k != Kind::Basic) {
            return None;
        }
        let first = code.chars().next()?;
        let def = self.class_def(first)?;
        Some(Class::new(
            format!("{first}{}", self.class_suffix()),
            def.name,
        ))
    }
}

/// Which list of a protocol's registry an entry belongs to, where a
/// protocol keeps several: SMTP's reply codes (RFC 5321), enhanced status
/// classes and enhanced codes (RFC 3463), DNS RCODEs (RFC 1035 and the IANA
/// registry) and Extended DNS Errors (RFC 8914).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// An SMTP reply code such as 550.
    Basic,
    /// An SMTP enhanced status class: 2.X.X, 4.X.X or 5.X.X.
    EnhancedClass,
    /// An SMTP enhanced status code, registered as X.7.1.
    Enhanced,
    /// A DNS RCODE.
    Rcode,
    /// An Extended DNS Error.
    Ede,
}

impl Kind {
    /// What one entry of the kind is called in prose.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Basic => "basic reply code",
            Kind::Enhanced => "enhanced status code",
            Kind::EnhancedClass => "enhanced status class",
            Kind::Rcode => "RCODE",
            Kind::Ede => "Extended DNS Error",
        }
    }

    /// The kinds a protocol's entries have; empty where it has one list.
    pub fn of(protocol: Protocol) -> &'static [Kind] {
        match protocol {
            Protocol::Smtp => &[Kind::Basic, Kind::EnhancedClass, Kind::Enhanced],
            Protocol::Dns => &[Kind::Rcode, Kind::Ede],
            _ => &[],
        }
    }
}

/// The subjects of SMTP enhanced status codes (RFC 3463 section 3.1): the
/// middle number of X.7.1 and what it is about.
pub const SMTP_SUBJECTS: &[(&str, &str)] = &[
    ("0", "Other or undefined status"),
    ("1", "Addressing status"),
    ("2", "Mailbox status"),
    ("3", "Mail system status"),
    ("4", "Network and routing status"),
    ("5", "Mail delivery protocol status"),
    ("6", "Message content or media status"),
    ("7", "Security or policy status"),
];

/// The subject of an SMTP enhanced code (`X.7.1` or `5.7.1`): its middle
/// number and name, when RFC 3463 defines that subject.
pub fn smtp_subject(code: &str) -> Option<(&'static str, &'static str)> {
    let middle = code.split('.').nth(1)?;
    SMTP_SUBJECTS.iter().find(|(n, _)| *n == middle).copied()
}

/// How a class of codes (or, without classes, the advice to the client)
/// says the exchange went. Badges and terminal colours derive from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// An interim or preliminary answer: the final one follows.
    Progress,
    Success,
    /// The client has to look elsewhere.
    Redirection,
    /// Accepted, and more input is expected (SMTP and FTP 3yz).
    Intermediate,
    /// The request has to change before it can succeed.
    RequestFault,
    /// A failure that may clear up on a later attempt (SMTP and FTP 4yz).
    Transient,
    /// The server or the system failed, or refuses for good.
    Failure,
    /// Neither: unofficial codes outside the classes, FTP's protected replies.
    Other,
}

/// One class of a protocol, as its specification defines it.
#[derive(Debug, PartialEq, Eq)]
pub struct ClassDef {
    /// The first digit of every code of the class.
    pub digit: char,
    /// The specification's name (`Client Error`).
    pub name: &'static str,
    pub outcome: Outcome,
    /// What a code of the class signals, completing "... signals ...";
    /// None where the class says nothing a comparison can state.
    pub meaning: Option<&'static str>,
    /// Whether the answer is final, transient or progress, for protocols
    /// whose classes say so (SMTP, FTP, SIP).
    pub finality: Option<&'static str>,
}

const fn class(
    digit: char,
    name: &'static str,
    outcome: Outcome,
    meaning: Option<&'static str>,
    finality: Option<&'static str>,
) -> ClassDef {
    ClassDef {
        digit,
        name,
        outcome,
        meaning,
        finality,
    }
}

const INTERIM: &str = "an interim answer while the request is still being handled";
const SUCCEEDED: &str = "that the request succeeded";
const ELSEWHERE: &str = "that the client has to look elsewhere to complete the request";
const REQUEST_PROBLEM: &str = "a problem with the request that the client has to resolve";
const SERVER_FAILED: &str =
    "that the server, or a server acting for it, failed to handle the request";

/// RFC 9110 section 15.
const HTTP_CLASSES: &[ClassDef] = &[
    class('1', "Informational", Outcome::Progress, Some(INTERIM), None),
    class('2', "Successful", Outcome::Success, Some(SUCCEEDED), None),
    class(
        '3',
        "Redirection",
        Outcome::Redirection,
        Some(ELSEWHERE),
        None,
    ),
    class(
        '4',
        "Client Error",
        Outcome::RequestFault,
        Some(REQUEST_PROBLEM),
        None,
    ),
    class(
        '5',
        "Server Error",
        Outcome::Failure,
        Some(SERVER_FAILED),
        None,
    ),
];

const PROVISIONAL: Option<&str> = Some("provisional");
const FINAL: Option<&str> = Some("final");

/// RFC 3261 section 21.
const SIP_CLASSES: &[ClassDef] = &[
    class(
        '1',
        "Provisional",
        Outcome::Progress,
        Some(INTERIM),
        PROVISIONAL,
    ),
    class('2', "Successful", Outcome::Success, Some(SUCCEEDED), FINAL),
    class(
        '3',
        "Redirection",
        Outcome::Redirection,
        Some(ELSEWHERE),
        FINAL,
    ),
    class(
        '4',
        "Request Failure",
        Outcome::RequestFault,
        Some(REQUEST_PROBLEM),
        FINAL,
    ),
    class(
        '5',
        "Server Failure",
        Outcome::Failure,
        Some(SERVER_FAILED),
        FINAL,
    ),
    class(
        '6',
        "Global Failure",
        Outcome::Failure,
        Some("a final refusal that no other destination will change"),
        FINAL,
    ),
];

const PRELIMINARY: Option<&str> = Some("a preliminary reply: another reply follows");
const COMMAND_SUCCEEDED: Option<&str> = Some("that the command succeeded");
const MORE_INPUT: Option<&str> = Some("that the command was accepted and more input is expected");
const TRANSIENT: Option<&str> = Some("a transient failure that may clear up on a later attempt");
const PERMANENT: Option<&str> = Some("a permanent failure that repeating will not fix");
const MORE_COMMANDS: Option<&str> = Some("intermediate: more commands follow");
const SUCCESS: Option<&str> = Some("success");
const TRY_LATER: Option<&str> = Some("transient failure: try again later");
const DO_NOT_REPEAT: Option<&str> = Some("permanent failure: do not repeat as is");

/// RFC 5321 section 4.2.1 (and RFC 3463 section 3.1 for the class digit of
/// enhanced codes, which reads the same): the reply classes SMTP took from
/// FTP, which are FTP's first five.
const SMTP_CLASSES: &[ClassDef] = FTP_CLASSES.split_at(5).0;

/// RFC 959 section 4.2, and RFC 2228 section 4 for the protected replies.
const FTP_CLASSES: &[ClassDef] = &[
    class(
        '1',
        "Positive Preliminary",
        Outcome::Progress,
        PRELIMINARY,
        MORE_COMMANDS,
    ),
    class(
        '2',
        "Positive Completion",
        Outcome::Success,
        COMMAND_SUCCEEDED,
        SUCCESS,
    ),
    class(
        '3',
        "Positive Intermediate",
        Outcome::Intermediate,
        MORE_INPUT,
        MORE_COMMANDS,
    ),
    class(
        '4',
        "Transient Negative Completion",
        Outcome::Transient,
        TRANSIENT,
        TRY_LATER,
    ),
    class(
        '5',
        "Permanent Negative Completion",
        Outcome::Failure,
        PERMANENT,
        DO_NOT_REPEAT,
    ),
    class(
        '6',
        "Protected",
        Outcome::Other,
        None,
        Some("protected reply"),
    ),
];

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A family of codes such as HTTP `4xx Client Error`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
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
