//! The shape of one catalog entry, as the data files write it and as the rest
//! of the program reads it.

use super::protocol::{Class, ClassDef, Kind, Outcome, Protocol};
use super::reference::SpecRef;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Standard,
    Temporary,
    Unused,
    Unofficial,
    Deprecated,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Standard => "standard",
            Status::Temporary => "temporary",
            Status::Unused => "unused",
            Status::Unofficial => "unofficial",
            Status::Deprecated => "deprecated",
        }
    }
}

/// Who produces a code: a role in the protocol's own terms. Each protocol
/// has its own set of roles (HTTP: origin, proxy, gateway, library).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Sender {
    Origin,
    Proxy,
    Gateway,
    Library,
    Server,
    Submission,
    Relay,
    Application,
    Client,
    Browser,
    /// A SIP user agent server: the called party.
    Uas,
    Registrar,
    RedirectServer,
    Authoritative,
    Resolver,
    Forwarder,
}

impl Sender {
    /// The roles that may produce a code of `protocol`.
    pub fn of(protocol: Protocol) -> &'static [Sender] {
        use Sender::*;
        match protocol {
            Protocol::Http => &[Origin, Proxy, Gateway, Library],
            Protocol::Smtp => &[Server, Submission, Relay],
            Protocol::Grpc => &[Application, Library, Proxy],
            Protocol::Websocket => &[Server, Client, Browser, Proxy],
            Protocol::Ftp => &[Server, Proxy],
            Protocol::Sip => &[Uas, Proxy, Registrar, RedirectServer],
            Protocol::Dns => &[Authoritative, Resolver, Forwarder],
        }
    }

    /// The role in prose, in the terms of `protocol` (a proxy in HTTP is a
    /// forward proxy, in gRPC one such as Envoy).
    pub fn label(self, protocol: Protocol) -> &'static str {
        match (protocol, self) {
            (Protocol::Http, Sender::Origin) => "origin server",
            (Protocol::Http, Sender::Proxy) => "forward proxy",
            (Protocol::Http, Sender::Gateway) => "gateway, load balancer or CDN",
            (Protocol::Http, Sender::Library) => "the HTTP library itself",
            (Protocol::Smtp, Sender::Server) => "receiving mail server",
            (Protocol::Smtp, Sender::Submission) => "submission server",
            (Protocol::Smtp, Sender::Relay) => "relaying or bouncing MTA",
            (Protocol::Grpc, Sender::Application) => "the service's own code",
            (Protocol::Grpc, Sender::Library) => "the gRPC library itself",
            (Protocol::Grpc, Sender::Proxy) => "a proxy such as Envoy",
            (_, Sender::Server) => "server",
            (_, Sender::Client) => "client",
            (_, Sender::Browser) => "the browser, locally",
            (_, Sender::Proxy) => "proxy",
            (_, Sender::Uas) => "the called user agent",
            (_, Sender::Registrar) => "registrar",
            (_, Sender::RedirectServer) => "redirect server",
            (_, Sender::Authoritative) => "authoritative server",
            (_, Sender::Resolver) => "recursive resolver",
            (_, Sender::Forwarder) => "forwarder",
            _ => "unspecified",
        }
    }
}

/// What a client should do next after receiving the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Retry {
    NotNeeded,
    FollowRedirect,
    AfterCredentials,
    AfterDelay,
    SameRequest,
    WithBackoff,
    AfterChanges,
    DoNotRetry,
}

impl Retry {
    /// A phrase that completes "the client should ...".
    pub fn advice(self) -> &'static str {
        match self {
            Retry::NotNeeded => "carry on, since nothing needs repeating",
            Retry::FollowRedirect => "follow the redirection it points to",
            Retry::AfterCredentials => "repeat the request with valid credentials",
            Retry::AfterDelay => "wait for the advertised delay, then repeat the request unchanged",
            Retry::SameRequest => "repeat the same request, on a new connection if need be",
            Retry::WithBackoff => "retry idempotent requests with exponential backoff",
            Retry::AfterChanges => "correct the request before sending it again",
            Retry::DoNotRetry => "not repeat the request, since the answer will not change",
        }
    }

    /// How the exchange went, judged by the advice alone (for codes
    /// outside any class).
    pub fn outcome(self) -> Outcome {
        match self {
            Retry::NotNeeded => Outcome::Success,
            Retry::FollowRedirect => Outcome::Redirection,
            Retry::AfterCredentials | Retry::AfterChanges | Retry::DoNotRetry => {
                Outcome::RequestFault
            }
            Retry::AfterDelay | Retry::WithBackoff | Retry::SameRequest => Outcome::Failure,
        }
    }

    /// A short label for tables.
    pub fn label(self) -> &'static str {
        match self {
            Retry::NotNeeded => "no retry needed",
            Retry::FollowRedirect => "follow the redirect",
            Retry::AfterCredentials => "retry with credentials",
            Retry::AfterDelay => "retry after a delay",
            Retry::SameRequest => "retry the same request",
            Retry::WithBackoff => "retry with backoff",
            Retry::AfterChanges => "retry only after fixing the request",
            Retry::DoNotRetry => "do not retry",
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Fix {
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub client: Option<String>,
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub server: Option<String>,
    #[serde(default)]
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub operator: Option<String>,
}

impl Fix {
    /// The pieces of advice that are present, labelled by audience.
    pub fn parts(&self) -> Vec<(&'static str, &str)> {
        [
            ("Client", &self.client),
            ("Server", &self.server),
            ("Operator", &self.operator),
        ]
        .into_iter()
        .filter_map(|(who, text)| text.as_deref().map(|t| (who, t)))
        .collect()
    }
}

/// A short exchange as it appears on the wire or in a tool.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub request: String,
    pub response: String,
}

/// One table of a data file, exactly as written there.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawEntry {
    pub id: Option<String>,
    pub code: String,
    pub phrase: String,
    pub reference: String,
    pub status: Status,
    pub kind: Option<Kind>,
    pub vendor: Option<String>,
    pub summary: String,
    pub description: String,
    pub when_you_see_it: String,
    pub fix: Fix,
    pub example: Option<Example>,
    #[serde(default)]
    pub headers: Vec<String>,
    pub cacheable: Option<bool>,
    pub method_preserved: Option<bool>,
    #[serde(default)]
    pub related: Vec<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub sent_by: Vec<Sender>,
    pub retry: Retry,
    #[serde(default)]
    pub constants: BTreeMap<String, super::constants::RawConstant>,
    pub http_mapping: Option<u16>,
    pub sendable: Option<bool>,
    pub long_name: Option<String>,
    pub basic_codes: Option<String>,
    pub known_as: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    pub code: Vec<RawEntry>,
}

/// One status code of one protocol, with everything the catalog knows of it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
pub struct Entry {
    pub protocol: Protocol,
    /// Unique within the protocol; the last part of the code's URL.
    pub id: String,
    pub code: String,
    /// The reason phrase as its registry writes it ("(Unused)" for 418).
    pub phrase: String,
    /// The name people know a code by when its registry phrase says
    /// something else: HTTP 418 is registered "(Unused)" and known as
    /// "I'm a teapot" (RFC 2324, section 2.3.2). Pages lead with it and
    /// show the registry phrase beside it.
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub known_as: Option<String>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub kind: Option<Kind>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub class: Option<Class>,
    pub status: Status,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub vendor: Option<String>,
    pub reference: String,
    pub spec: Vec<SpecRef>,
    pub summary: String,
    pub description: String,
    pub when_you_see_it: String,
    pub how_to_fix: Fix,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub example: Option<Example>,
    pub headers: Vec<String>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub cacheable: Option<bool>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub method_preserved: Option<bool>,
    pub related: Vec<String>,
    pub aliases: Vec<String>,
    pub sent_by: Vec<Sender>,
    pub retry: Retry,
    /// Ecosystem key → the name to use with the library's newest covered
    /// release. Kept simple for existing consumers; `constants_detail` has
    /// every name with its version range.
    pub constants: BTreeMap<String, String>,
    /// Per ecosystem, in display order: the library, the releases our data
    /// covers, and every name with the versions it holds in (current first).
    pub constants_detail: Vec<super::constants::Constants>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub http_mapping: Option<u16>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub sendable: Option<bool>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub long_name: Option<String>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub basic_codes: Option<String>,
    /// For an SMTP enhanced code read in one class (5.7.1): the registered
    /// entry it comes from (X.7.1) and what the class adds.
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub base_id: Option<String>,
    #[cfg_attr(prebuilt_catalog, serde(skip_serializing_if = "Option::is_none"))]
    pub class_note: Option<String>,
}

impl Entry {
    /// Builds an entry from its table; constants of ecosystems that
    /// `ecosystems` does not define for the protocol come back as problems.
    pub(crate) fn from_raw(
        protocol: Protocol,
        raw: RawEntry,
        ecosystems: &[super::constants::Ecosystem],
        problems: &mut Vec<String>,
    ) -> Entry {
        let id = raw.id.unwrap_or_else(|| raw.code.clone());
        let mut raw_constants = raw.constants;
        let mut constants_detail = Vec::new();
        for eco in super::constants::ecosystems_of(ecosystems, protocol) {
            if let Some(c) = raw_constants.remove(&eco.key) {
                let mut names = c.into_names();
                for n in &mut names {
                    n.note = n.describe(eco.since.as_deref());
                }
                for p in super::constants::problems(eco, &names) {
                    problems.push(format!("{} {id}: {p}", protocol.name()));
                }
                if !names.is_empty() {
                    constants_detail.push(super::constants::Constants {
                        ecosystem: eco.key.clone(),
                        label: eco.label.clone(),
                        library: eco.library.clone(),
                        versions: eco.versions(),
                        names,
                    });
                }
            }
        }
        for key in raw_constants.keys() {
            problems.push(format!(
                "{} {id}: unknown ecosystem {key:?} in constants",
                protocol.name()
            ));
        }
        let constants = constants_detail
            .iter()
            .map(|c| (c.ecosystem.clone(), c.current().name.clone()))
            .collect();
        let class = protocol.class_of(&raw.code, raw.kind);
        Entry {
            protocol,
            id,
            spec: super::reference::parse(&raw.reference),
            class,
            code: raw.code,
            phrase: raw.phrase,
            kind: raw.kind,
            status: raw.status,
            vendor: raw.vendor,
            reference: raw.reference,
            summary: raw.summary,
            description: raw.description,
            when_you_see_it: raw.when_you_see_it,
            how_to_fix: raw.fix,
            example: raw.example,
            headers: raw.headers,
            cacheable: raw.cacheable,
            method_preserved: raw.method_preserved,
            related: raw.related,
            aliases: raw.aliases,
            sent_by: raw.sent_by,
            retry: raw.retry,
            constants,
            constants_detail,
            http_mapping: raw.http_mapping,
            sendable: raw.sendable,
            long_name: raw.long_name,
            basic_codes: raw.basic_codes,
            known_as: raw.known_as,
            base_id: None,
            class_note: None,
        }
    }

    /// This SMTP enhanced code (X.7.1) read in the class of `class_entry`
    /// (5.X.X): 5.7.1, with the class's retry advice and meaning.
    pub(crate) fn in_enhanced_class(&self, class_entry: &Entry) -> Entry {
        let digit = &class_entry.code[..1];
        let code = self.code.replacen('X', digit, 1);
        let mut variant = self.clone();
        variant.id = code.clone();
        variant.code = code;
        variant.class = Some(Class::new(class_entry.code.clone(), &class_entry.phrase));
        variant.retry = class_entry.retry;
        variant.base_id = Some(self.id.clone());
        variant.class_note = Some(class_entry.summary.clone());
        variant
    }

    /// "HTTP 407"; Extended DNS Errors are "DNS EDE 18", since they share
    /// numbers with RCODEs.
    pub fn label(&self) -> String {
        match self.kind {
            Some(Kind::Ede) => format!("{} EDE {}", self.protocol.name(), self.code),
            _ => format!("{} {}", self.protocol.name(), self.code),
        }
    }

    /// The code as lists show it: "407", and "EDE 18" for an Extended DNS
    /// Error, which shares its numbers with the RCODEs.
    pub fn display_code(&self) -> String {
        match self.kind {
            Some(Kind::Ede) => format!("EDE {}", self.code),
            _ => self.code.clone(),
        }
    }

    /// "407 Proxy Authentication Required", with the vendor for vendor codes;
    /// Extended DNS Errors say so ("EDE 0 Other Error"), so that they never
    /// read as the RCODE of the same number ("0 NoError").
    pub fn title(&self) -> String {
        if self.kind == Some(Kind::Ede) {
            return format!("{} {}", self.display_code(), self.phrase);
        }
        match &self.vendor {
            Some(v) => format!("{} {} ({v})", self.code, self.phrase),
            None if self.phrase.is_empty() => self.code.clone(),
            None => format!("{} {}", self.code, self.phrase),
        }
    }

    /// The row of the protocol's class table for this code, when the code
    /// has a class (SMTP enhanced codes read in a class included).
    pub fn class_def(&self) -> Option<&'static ClassDef> {
        self.class.as_ref()?;
        self.protocol.class_def(self.code.chars().next()?)
    }

    /// How the exchange went: the class's outcome; for codes outside any
    /// class, `Other` for unofficial HTTP codes and otherwise the retry
    /// advice's.
    pub fn outcome(&self) -> Outcome {
        match self.class_def() {
            Some(c) => c.outcome,
            None if self.protocol == Protocol::Http && self.status == Status::Unofficial => {
                Outcome::Other
            }
            None => self.retry.outcome(),
        }
    }

    /// The phrase folded into a URL-friendly name (`not-found`).
    pub fn name_slug(&self) -> String {
        super::fold_name(&self.phrase)
    }

    /// "a 4xx Client Error response", or the best wording the protocol allows.
    pub fn category_phrase(&self) -> String {
        match (&self.class, self.status) {
            (_, Status::Unofficial) => match &self.vendor {
                Some(v) => format!("an unofficial code used by {v}"),
                None => "an unofficial code".to_string(),
            },
            (Some(class), _) => {
                let label = class.label();
                format!(
                    "{} {label} {}",
                    crate::text::article_for(&label),
                    self.response_noun()
                )
            }
            (None, _) => format!("a {} {}", self.protocol.name(), self.protocol.code_noun()),
        }
    }

    fn response_noun(&self) -> &'static str {
        match self.protocol {
            Protocol::Smtp | Protocol::Ftp => "reply",
            _ => "response",
        }
    }

    /// Whether a response with this code may carry content, where the protocol
    /// says so (HTTP: never for 1xx, 204 and 304).
    pub fn body_allowed(&self) -> Option<bool> {
        match self.protocol {
            Protocol::Http => {
                Some(!(self.code.starts_with('1') || self.code == "204" || self.code == "304"))
            }
            _ => None,
        }
    }
}

/// A curated comparison note for two codes people confuse.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub protocol: Protocol,
    pub a: String,
    pub b: String,
    pub difference: String,
    pub rule: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawPairs {
    pub pair: Vec<Pair>,
}

/// One real-world situation and the code each protocol uses for it.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Situation {
    pub slug: String,
    pub title: String,
    pub summary: String,
    #[serde(rename(deserialize = "member"))]
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[cfg_attr(prebuilt_catalog, derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub protocol: Protocol,
    pub id: String,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawSituations {
    pub situation: Vec<Situation>,
}
