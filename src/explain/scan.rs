//! The line recognisers. Each one reads a code only where its context says
//! it is a code: the shape of a status line, a key (`status:`, `dsn=`,
//! `Diagnostic-Code:`, `grpc-status:`), the field of a known log format, or
//! a reply line inside an SMTP or FTP session. A bare number is never enough.
//!
//! One pass over the lines, plus look-ahead over the header block after an
//! HTTP or SIP status line (each header line is read at most twice), so the
//! work is linear in the input.

use super::RawFinding;
use crate::catalog::Protocol;
use regex::Regex;
use std::sync::LazyLock;

macro_rules! re {
    ($name:ident, $pattern:expr) => {
        static $name: LazyLock<Regex> =
            LazyLock::new(|| Regex::new($pattern).expect("a valid pattern"));
    };
}

// HTTP.
re!(
    HTTP_STATUS,
    r"^\s*(?:< |<- )?HTTP/([0-9](?:\.[0-9])?) ([1-5][0-9]{2})(?: (.*))?$"
);
re!(HTTP_CONNECT, r"^\s*(?:> )?CONNECT (\S+) HTTP/[0-9.]+\s*$");
re!(
    HTTP_REQUEST,
    r"^\s*(?:> )?(?:GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH) \S+ HTTP/[0-9.]+\s*$"
);
re!(
    CURL_PROXY,
    r"(?:Received HTTP code ([0-9]{3}) from proxy after CONNECT|CONNECT tunnel failed, response ([0-9]{3})|Proxy replied ([0-9]{3}) to CONNECT request)"
);
re!(CURL_FAIL, r"The requested URL returned error: ([0-9]{3})\b");
re!(URLLIB_ERROR, r"\bHTTPError: HTTP Error ([1-5][0-9]{2}): ");
re!(
    REQUESTS_ERROR,
    r"\bHTTPError: ([1-5][0-9]{2}) (?:Client|Server) Error\b"
);
re!(
    WGET_RESPONSE,
    r"\brequest sent, awaiting response\.\.\. ([1-5][0-9]{2})\b"
);
re!(WGET_ERROR, r"\bERROR ([1-5][0-9]{2}): ");
re!(
    HEADER_LINE,
    r"^\s*(?:< )?([A-Za-z0-9!#$%&'*+.^_`|~-]+):[ \t]*(.*)$"
);
re!(
    WS_HANDSHAKE,
    r"Unexpected (?:response code|server response): ([1-5][0-9]{2})\b"
);
// Access logs: nginx and Apache combined, Envoy's default format.
re!(
    ACCESS_LOG,
    r#"\] "(?:[A-Z]+ \S+(?: HTTP/[0-9.]+)?|-)" ([1-5][0-9]{2}) (\S+)"#
);
re!(
    ALB_LOG,
    r"^(?:http|https|h2|grpcs|ws|wss) [0-9]{4}-[0-9]{2}-[0-9]{2}T\S+ \S+ \S+ \S+ \S+ \S+ \S+ ([0-9]{3}|-) ([0-9]{3}|-) "
);
re!(ENVOY_FLAGS, r"^(?:[A-Z]{2,5})(?:,[A-Z]{2,5})*$");

// SMTP.
re!(
    SMTP_WITH_ENHANCED,
    r"(?:^|[^0-9.])([245][0-9]{2})[ -]([245]\.[0-9]{1,3}\.[0-9]{1,3})\b"
);
re!(
    SMTP_ANCHORED,
    r"(?:\bhost \S+ said: |SMTP error from remote (?:mail server|MTA) after [^\n]*?: |^Diagnostic-Code:\s*smtp;\s*|Remote Server returned ')([245][0-9]{2})(?:[ -]|$|')"
);
re!(
    EXIM_AFTER,
    r"SMTP error from remote (?:mail server|MTA) after [^\n]*:\s*$"
);
re!(
    DSN_STATUS,
    r"(?i)^\s*status:\s*([245]\.[0-9]{1,3}\.[0-9]{1,3})\b"
);
re!(
    SMTPLIB,
    r#"\(([245][0-9]{2}), b['"](?:([245]\.[0-9]{1,3}\.[0-9]{1,3})\b)?"#
);
re!(MAIL_CLIENT_RESPONDED, r"\bserver responded:\s*(.*)$");
re!(
    LEADING_CODE,
    r"^\s*(?:([245][0-9]{2})(?:[ -]|$)|([245]\.[0-9]{1,3}\.[0-9]{1,3})\b)"
);
re!(POSTFIX_DSN, r"\bdsn=([245]\.[0-9]{1,3}\.[0-9]{1,3})\b");
re!(REMOTE_MTA, r"(?i)^\s*Remote-MTA:\s*(?:dns;\s*)?(.+?)\s*$");
re!(
    REPORTING_MTA,
    r"(?i)^\s*Reporting-MTA:\s*(?:dns;\s*)?(.+?)\s*$"
);
re!(GENERATING_SERVER, r"^\s*Generating server:\s*(\S+)");
re!(SAID_HOST, r"\bhost (\S+?)(?:\[[^\]]*\])? said:");
re!(EXIM_HOST, r"\bH=(\S+)");
re!(
    POSTFIX_CONNECT,
    r"\bconnect to ([^\s\[]+)\[[^\]]*\]:[0-9]+: "
);
re!(POSTFIX_RELAY, r"\brelay=([^,\s]+)");
// Reply lines of a session: prefixes of curl, swaks, sendmail, lftp,
// FileZilla, RFC examples; then exactly three digits and a space, a hyphen
// or the end of the line.
re!(
    REPLY_LINE,
    r"^(?:<(?:-+|~|\*\*|~\*|<<|---)? *|S: *|.*?\bResponse:\s*)?([1-6][0-9]{2})(?:([ -])(.*))?$"
);
re!(
    VSFTPD_RESPONSE,
    r#"FTP response: Client "[^"]*", "([1-6][0-9]{2})[ -]"#
);
re!(
    FTP_CURL,
    r"\b(?:RETR|STOR|PASV|EPSV|PORT|EPRT|TYPE|CWD|SIZE|MDTM|REST|USER|PASS|LIST|NLST) response: ([1-6][0-9]{2})\b|(?:Access denied|Login failed|Access failed): ([1-6][0-9]{2})\b"
);
re!(
    SMTP_COMMAND,
    r"(?i)^\s*(?:> |-> |~> |C: |>>> |send: '|.*?\bCommand:\s*)?(?:EHLO|HELO|MAIL FROM:|RCPT TO:|DATA$|STARTTLS)"
);
re!(
    FTP_COMMAND,
    r"(?i)^\s*(?:> |---> |C: |.*?\bCommand:\s*|ftp> |FTP command: .*)?(?:USER |PASS |RETR |STOR |PASV|EPSV|LIST|CWD |TYPE |PWD|SYST|FEAT|NLST|MLSD|PORT |EPRT )"
);
re!(
    SMTP_WORD,
    r"(?i)\bE?SMTP\b|\bPostfix\b|\bExim\b|\bsendmail\b"
);
re!(FTP_PROMPT, r"^\s*ftp> \S|^User \([^)]*\):|^Name \([^)]*\):");
re!(DATA_END, r"^\s*(?:> |-> |~> |C: |>>> )?\.\s*$");
re!(FTP_WORD, r"(?i)ftp");
re!(ANY_COMMAND, r"^\s*(?:> |-> |~> |C: |>>> |---> )\S");

// DNS.
re!(DIG_STATUS, r"->>HEADER<<-.*?\b(?:status|rcode): ([A-Z]+)\b");
re!(DIG_EDE, r"^;;? EDE: ([0-9]{1,5})\b");
re!(NSLOOKUP, r"^\*\* server can't find \S+: ([A-Z]+)\s*$");
re!(
    NSLOOKUP_WINDOWS,
    r"^\*\*\* .* can't find .*: (Non-existent domain|Server failed|Query refused|Not implemented)\s*$"
);
re!(HOST_CMD, r"not found: ([0-9]{1,4})\(([A-Z]+)\)");
re!(DNSPYTHON, r"\bdns\.resolver\.NXDOMAIN\b");
re!(
    DIG_SERVER,
    r"^;; (?:SERVER: |From )(\S+?)(?:#[0-9]+|@[0-9]+)?(?:\(|\s|$)"
);
re!(NSLOOKUP_SERVER, r"^Server:\s+(\S+)\s*$");

// gRPC.
re!(GRPC_GO, r"rpc error: code = ([A-Za-z]+) desc = ");
re!(
    GRPC_JAVA,
    r"\bStatus(?:RuntimeException|Exception): ([A-Z_]{2,})(?::|$)"
);
re!(GRPC_JAVA_STATUS, r"\bStatus\{code=([A-Z_]{2,}),");
re!(GRPC_PYTHON, r"\bStatusCode\.([A-Z_]{2,})\b");
re!(GRPC_CSHARP, r#"\bStatusCode="([A-Za-z]+)""#);
re!(GRPC_NODE, r"(?:^|[^0-9])([0-9]{1,2}) ([A-Z_]{2,}): ");
re!(GRPC_NODE_CODE, r"^\s*code: ([0-9]{1,2}),?\s*$");
re!(GRPC_GRPCURL, r"^\s*Code: ([A-Za-z]+)\s*$");
re!(
    GRPC_STATUS_KEY,
    r"(?i)\bgrpc[-_]status[:=]\s*([0-9]{1,2})\b"
);
re!(GRPC_LOG_KEY, r#"\bgrpc\.code"?\s*[:=]\s*"?([A-Za-z_]+)"#);
re!(GRPC_TONIC, r"\bstatus: ([A-Z][A-Za-z]+), message: ");
re!(GRPC_PEER, r"Error received from peer (\S+?)[ ,{]");
re!(
    GRPC_NO_CONNECTION,
    r"(?i)failed to connect to all addresses|connection error|name resolver|connection refused|io exception"
);

// WebSocket.
re!(WS_CLOSE_EVENT, r"\bcode[=: ]\s*([1-4][0-9]{3})\b");
re!(WS_CLOSE_WORD, r"(?i)close|websocket");
re!(WS_GORILLA, r"websocket: close ([1-4][0-9]{3})\b");
re!(WS_PYTHON, r"\b(received|sent) ([1-4][0-9]{3}) \(");
re!(WS_CLOSE_CODE, r"(?i)\bclose code:? ([1-4][0-9]{3})\b");

// SIP.
re!(
    SIP_STATUS,
    r"^\s*(?:<<< |>>> |<-+ |-+> )?SIP/2\.0 ([1-6][0-9]{2})\b"
);
re!(
    SIP_ASTERISK,
    r#"Got SIP response ([1-6][0-9]{2}) "[^"]*" back from (\S+)"#
);
re!(
    SIP_REASON,
    r"(?i)^\s*Reason:\s*SIP\s*;\s*cause=([1-6][0-9]{2})\b"
);

/// What a transcript's bare reply lines belong to, if anything.
fn session_protocol(lines: &[&str]) -> Option<Protocol> {
    // Commands make a session; words only weigh between two candidates.
    let (mut smtp, mut ftp) = (0usize, 0usize);
    let (mut smtp_commands, mut ftp_commands) = (false, false);
    for line in lines {
        if SMTP_COMMAND.is_match(line) {
            smtp += 2;
            smtp_commands = true;
        } else if FTP_COMMAND.is_match(line) || FTP_PROMPT.is_match(line) {
            ftp += 2;
            ftp_commands = true;
        }
        if SMTP_WORD.is_match(line) {
            smtp += 1;
        }
        if FTP_WORD.is_match(line) {
            ftp += 1;
        }
    }
    match (smtp_commands, ftp_commands) {
        (false, false) => None,
        (true, false) => Some(Protocol::Smtp),
        (false, true) => Some(Protocol::Ftp),
        (true, true) => match smtp.cmp(&ftp) {
            std::cmp::Ordering::Greater => Some(Protocol::Smtp),
            std::cmp::Ordering::Less => Some(Protocol::Ftp),
            std::cmp::Ordering::Equal => None,
        },
    }
}

/// Where a code came from, for the hop of findings near it.
#[derive(Debug)]
struct Clue {
    line: usize,
    protocol: Protocol,
    /// Lower is preferred.
    rank: u8,
    reach: Reach,
    text: String,
}

/// Which findings a clue can name the hop of.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reach {
    /// Findings on its own line only (a log line names its own host).
    Line,
    /// Findings within the window on either side (a DSN block).
    Around,
    /// Findings above it (dig prints its server after the answer).
    Above,
    /// Findings below it (nslookup prints its server first).
    Below,
}

struct Scanner<'a> {
    lines: Vec<&'a str>,
    out: Vec<RawFinding>,
    clues: Vec<Clue>,
    session: Option<Protocol>,
    /// The code of an open multi-line reply (`250-...`).
    multi: Option<String>,
    multi_age: usize,
    /// The target of a CONNECT not answered yet.
    connect: Option<String>,
    /// A request line was seen since the last response.
    requested: bool,
    exim_pending: bool,
    responded_pending: bool,
    /// Inside a message body sent after `354`: its lines are not replies.
    in_data: bool,
    node_grpc_until: usize,
    grpcurl_error: bool,
    reporting_mta: Option<String>,
}

/// Every code in `text`, recognised line by line.
pub(super) fn scan(text: &str) -> Vec<RawFinding> {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let session = session_protocol(&lines);
    let mut s = Scanner {
        lines,
        out: Vec::new(),
        clues: Vec::new(),
        session,
        multi: None,
        multi_age: 0,
        connect: None,
        requested: false,
        exim_pending: false,
        responded_pending: false,
        in_data: false,
        node_grpc_until: 0,
        grpcurl_error: false,
        reporting_mta: None,
    };
    for i in 0..s.lines.len() {
        s.line(i);
    }
    s.assign_hops();
    s.out
}

impl Scanner<'_> {
    fn push(&mut self, f: RawFinding) {
        self.out.push(f);
    }

    /// A hop clue for findings on the same line only.
    fn clue(&mut self, line: usize, protocol: Protocol, rank: u8, text: String) {
        let reach = if rank == 0 {
            Reach::Line
        } else {
            Reach::Around
        };
        self.clue_at(line, protocol, rank, reach, text);
    }

    fn clue_at(&mut self, line: usize, protocol: Protocol, rank: u8, reach: Reach, text: String) {
        self.clues.push(Clue {
            line,
            protocol,
            rank,
            reach,
            text: crate::text::shorten(&text, super::MAX_LINE_CHARS),
        });
    }

    fn line(&mut self, i: usize) {
        let text = self.lines[i];
        let no = i + 1;
        if self.reply_line(i) {
            return;
        }
        self.http(i);
        self.smtp(no, text);
        self.dns(no, text);
        self.grpc(no, text);
        self.websocket(no, text);
        self.sip(i);
    }

    /// Reply lines of an SMTP or FTP session, and multi-line replies of any
    /// kind. Returns true when the line is the continuation of a reply, which
    /// no other recogniser should read again.
    fn reply_line(&mut self, i: usize) -> bool {
        let text = self.lines[i];
        let no = i + 1;
        if let Some(c) = VSFTPD_RESPONSE.captures(text) {
            self.push(RawFinding::new(Protocol::Ftp, &c[1], no, text).source("vsftpd-log"));
            return true;
        }
        if self.session == Some(Protocol::Ftp)
            && let Some(c) = FTP_CURL.captures(text)
        {
            let code = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
            self.push(RawFinding::new(Protocol::Ftp, code, no, text).source("curl-ftp"));
        }
        if self.in_data {
            if DATA_END.is_match(text) {
                self.in_data = false;
            }
            return false;
        }
        if ANY_COMMAND.is_match(text) {
            self.multi = None;
            return false;
        }
        let Some(c) = REPLY_LINE.captures(text) else {
            if self.multi.is_some() {
                self.multi_age += 1;
                // FTP lets a multi-line reply carry free text lines.
                if self.multi_age > 100 {
                    self.multi = None;
                }
                return self.session == Some(Protocol::Ftp);
            }
            return false;
        };
        let code = c[1].to_string();
        let sep = c.get(2).map_or("", |m| m.as_str());
        let rest = c.get(3).map_or("", |m| m.as_str());
        let enhanced = has_reply_with_enhanced_code(text);
        if let Some(open) = &self.multi {
            if *open == code {
                if sep != "-" {
                    self.multi = None;
                }
                return true;
            }
            if self.session == Some(Protocol::Ftp) && sep != " " {
                // Free text inside an FTP multi-line reply.
                return true;
            }
        }
        let protocol = match self.session {
            Some(p) => p,
            None if enhanced => Protocol::Smtp,
            None => return false,
        };
        if rest.trim_start().starts_with("bytes") {
            return false;
        }
        if protocol == Protocol::Smtp && !(b'2'..=b'5').contains(&code.as_bytes()[0]) {
            return false;
        }
        self.multi = (sep == "-").then(|| code.clone());
        self.multi_age = 0;
        let source = if protocol == Protocol::Smtp {
            "smtp-reply"
        } else {
            "ftp-reply"
        };
        self.in_data = protocol == Protocol::Smtp && code == "354";
        self.push(RawFinding::new(protocol, code, i + 1, text).source(source));
        if protocol == Protocol::Smtp {
            self.smtp(no, text);
        }
        true
    }

    fn http(&mut self, i: usize) {
        let text = self.lines[i];
        let no = i + 1;
        if let Some(c) = HTTP_CONNECT.captures(text) {
            self.connect = Some(c[1].to_string());
            self.requested = true;
            return;
        }
        if HTTP_REQUEST.is_match(text) {
            self.requested = true;
            return;
        }
        if let Some(c) = HTTP_STATUS.captures(text) {
            let version = c[1].to_string();
            let code = c[2].to_string();
            let hop = self.http_head(i, &version, &code);
            self.push(
                RawFinding::new(Protocol::Http, code, no, text)
                    .source("http-status-line")
                    .hop(hop),
            );
            self.requested = false;
            return;
        }
        if let Some(c) = CURL_PROXY.captures(text) {
            let code = c
                .get(1)
                .or(c.get(2))
                .or(c.get(3))
                .map_or("", |m| m.as_str());
            self.push(
                RawFinding::new(Protocol::Http, code, no, text)
                    .source("curl")
                    .hop(Some("the proxy, answering CONNECT".to_string())),
            );
        }
        if let Some(c) = CURL_FAIL.captures(text) {
            self.push(RawFinding::new(Protocol::Http, &c[1], no, text).source("curl"));
        }
        if let Some(c) = URLLIB_ERROR.captures(text) {
            self.push(RawFinding::new(Protocol::Http, &c[1], no, text).source("python-urllib"));
        }
        if let Some(c) = REQUESTS_ERROR.captures(text) {
            self.push(RawFinding::new(Protocol::Http, &c[1], no, text).source("python-requests"));
        }
        if let Some(c) = WGET_RESPONSE
            .captures(text)
            .or_else(|| WGET_ERROR.captures(text))
        {
            self.push(RawFinding::new(Protocol::Http, &c[1], no, text).source("wget"));
        }
        if let Some(c) = WS_HANDSHAKE.captures(text) {
            self.push(
                RawFinding::new(Protocol::Http, &c[1], no, text)
                    .source("websocket-handshake")
                    .hop(Some(
                        "the server, refusing the WebSocket upgrade".to_string(),
                    )),
            );
        }
        if let Some(c) = ACCESS_LOG.captures(text) {
            let next = &c[2];
            let hop = if next != "-" && ENVOY_FLAGS.is_match(next) {
                Some(envoy_flags(next))
            } else {
                None
            };
            let source = if hop.is_some() {
                "envoy-log"
            } else {
                "access-log"
            };
            self.push(
                RawFinding::new(Protocol::Http, &c[1], no, text)
                    .source(source)
                    .hop(hop),
            );
        }
        if let Some(c) = ALB_LOG.captures(text) {
            let (elb, target) = (&c[1], &c[2]);
            let fields: Vec<&str> = text.split(' ').collect();
            let target_addr = fields.get(4).copied().unwrap_or("-");
            if elb != "-" {
                let hop = if target == "-" {
                    "the load balancer itself: no target answered".to_string()
                } else if target == elb {
                    format!("the target {target_addr}, passed on by the load balancer")
                } else {
                    format!("the load balancer (the target answered {target})")
                };
                self.push(
                    RawFinding::new(Protocol::Http, elb, no, text)
                        .source("alb-log")
                        .hop(Some(hop)),
                );
            }
            if target != "-" && target != elb {
                self.push(
                    RawFinding::new(Protocol::Http, target, no, text)
                        .source("alb-log")
                        .hop(Some(format!("the target {target_addr}"))),
                );
            }
        }
    }

    /// Reads the header block after an HTTP status line with `httparse` and
    /// says which hop answered: a proxy answering CONNECT, or what the
    /// `Server` and `Via` headers name.
    fn http_head(&mut self, i: usize, version: &str, code: &str) -> Option<String> {
        let status_line = self.lines[i].trim().trim_start_matches("< ");
        let mut head = String::new();
        for line in self.lines.iter().skip(i + 1).take(200) {
            let line = line.trim_end();
            if !HEADER_LINE.is_match(line) {
                break;
            }
            head.push_str(line.trim_start().trim_start_matches("< "));
            head.push_str("\r\n");
        }
        head.push_str("\r\n");
        let mut storage = [httparse::EMPTY_HEADER; 100];
        let headers: Vec<(String, String)> = if version.starts_with("1.") {
            let bytes = format!("{status_line}\r\n{head}");
            let mut response = httparse::Response::new(&mut storage);
            match response.parse(bytes.as_bytes()) {
                Ok(httparse::Status::Complete(_))
                    if response.code.map(|c| c.to_string()) == Some(code.to_string()) =>
                {
                    header_pairs(response.headers)
                }
                _ => Vec::new(),
            }
        } else {
            match httparse::parse_headers(head.as_bytes(), &mut storage) {
                Ok(httparse::Status::Complete((_, parsed))) => header_pairs(parsed),
                _ => Vec::new(),
            }
        };
        let find = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        if let Some(target) = self.connect.take() {
            let mut hop = format!("the proxy, answering CONNECT {target}");
            if let Some(server) = find("server") {
                hop.push_str(&format!(" (Server: {server})"));
            } else if let Some(via) = find("via") {
                hop.push_str(&format!(" (Via: {via})"));
            }
            return Some(hop);
        }
        if find("proxy-authenticate").is_some() {
            return Some("a proxy (it sent Proxy-Authenticate)".to_string());
        }
        let mut parts = Vec::new();
        if let Some(server) = find("server") {
            parts.push(format!("Server: {server}"));
        }
        if let Some(via) = find("via") {
            parts.push(format!("Via: {via}"));
        }
        (!parts.is_empty()).then(|| parts.join("; "))
    }

    fn smtp(&mut self, no: usize, text: &str) {
        if self.exim_pending {
            self.exim_pending = false;
            if let Some(c) = REPLY_LINE.captures(text.trim_start()) {
                self.push(RawFinding::new(Protocol::Smtp, &c[1], no, text).source("exim"));
            }
        }
        if EXIM_AFTER.is_match(text) {
            self.exim_pending = true;
        }
        // A mail client's error dialog: "The mail server responded: 5.7.1 ...",
        // on the same line or the next.
        if self.responded_pending {
            self.responded_pending = false;
            self.leading_code(no, text, "mail-client");
        }
        if let Some(c) = MAIL_CLIENT_RESPONDED.captures(text) {
            if c[1].trim().is_empty() {
                self.responded_pending = true;
            } else {
                let rest = c[1].to_string();
                self.leading_code_in(no, text, &rest, "mail-client");
            }
        }
        // `550 5.1.1`: a reply with its enhanced code, of the same class.
        for c in SMTP_WITH_ENHANCED.captures_iter(text) {
            if c[1].as_bytes()[0] == c[2].as_bytes()[0] {
                self.push(RawFinding::new(Protocol::Smtp, &c[1], no, text).source("smtp-reply"));
                self.push(RawFinding::new(Protocol::Smtp, &c[2], no, text).source("smtp-reply"));
            }
        }
        for c in SMTP_ANCHORED.captures_iter(text) {
            self.push(RawFinding::new(Protocol::Smtp, &c[1], no, text).source("smtp-reply"));
        }
        for c in SMTPLIB.captures_iter(text) {
            self.push(RawFinding::new(Protocol::Smtp, &c[1], no, text).source("smtplib"));
            if let Some(enhanced) = c.get(2) {
                self.push(
                    RawFinding::new(Protocol::Smtp, enhanced.as_str(), no, text).source("smtplib"),
                );
            }
        }
        if let Some(c) = DSN_STATUS.captures(text) {
            self.push(RawFinding::new(Protocol::Smtp, &c[1], no, text).source("dsn-status"));
        }
        if let Some(c) = POSTFIX_DSN.captures(text) {
            self.push(RawFinding::new(Protocol::Smtp, &c[1], no, text).source("postfix-log"));
        }
        if let Some(c) = REMOTE_MTA.captures(text) {
            self.clue(no, Protocol::Smtp, 1, format!("Remote-MTA {}", &c[1]));
        }
        if let Some(c) = REPORTING_MTA.captures(text) {
            self.reporting_mta = Some(crate::text::shorten(&c[1], 80));
        }
        if let Some(c) = GENERATING_SERVER.captures(text) {
            self.clue(
                no,
                Protocol::Smtp,
                3,
                format!("{}, which generated the report", &c[1]),
            );
        }
        if let Some(c) = SAID_HOST.captures(text) {
            self.clue(
                no,
                Protocol::Smtp,
                0,
                format!("the remote server {}", &c[1]),
            );
        } else if let Some(c) = EXIM_HOST.captures(text) {
            self.clue(
                no,
                Protocol::Smtp,
                0,
                format!("the remote server {}", &c[1]),
            );
        } else if let Some(c) = POSTFIX_CONNECT.captures(text) {
            let hop = format!("no connection could be made to {}", &c[1]);
            self.clue(no, Protocol::Smtp, 0, hop);
        } else if let Some(c) = POSTFIX_RELAY.captures(text)
            && &c[1] != "none"
        {
            self.clue(no, Protocol::Smtp, 0, format!("the relay {}", &c[1]));
        }
    }

    /// A reply or enhanced code at the start of `text`.
    fn leading_code(&mut self, no: usize, text: &str, source: &'static str) {
        self.leading_code_in(no, text, text, source);
    }

    fn leading_code_in(&mut self, no: usize, line: &str, part: &str, source: &'static str) {
        if let Some(c) = LEADING_CODE.captures(part) {
            let code = c.get(1).or(c.get(2)).map_or("", |m| m.as_str());
            self.push(RawFinding::new(Protocol::Smtp, code, no, line).source(source));
        }
    }

    fn dns(&mut self, no: usize, text: &str) {
        if let Some(c) = DIG_STATUS.captures(text) {
            self.push(RawFinding::new(Protocol::Dns, &c[1], no, text).source("dig"));
        }
        if let Some(c) = DIG_EDE.captures(text) {
            self.push(
                RawFinding::new(Protocol::Dns, format!("ede:{}", &c[1]), no, text).source("dig"),
            );
        }
        if let Some(c) = NSLOOKUP.captures(text) {
            self.push(RawFinding::new(Protocol::Dns, &c[1], no, text).source("nslookup"));
        }
        if let Some(c) = NSLOOKUP_WINDOWS.captures(text) {
            let name = match &c[1] {
                "Non-existent domain" => "NXDOMAIN",
                "Server failed" => "SERVFAIL",
                "Query refused" => "REFUSED",
                _ => "NOTIMP",
            };
            self.push(RawFinding::new(Protocol::Dns, name, no, text).source("nslookup"));
        }
        if let Some(c) = HOST_CMD.captures(text) {
            self.push(RawFinding::new(Protocol::Dns, &c[2], no, text).source("host"));
        }
        if DNSPYTHON.is_match(text) {
            self.push(RawFinding::new(Protocol::Dns, "NXDOMAIN", no, text).source("dnspython"));
        }
        if let Some(c) = DIG_SERVER.captures(text) {
            self.clue_at(
                no,
                Protocol::Dns,
                1,
                Reach::Above,
                format!("the DNS server {}", &c[1]),
            );
        } else if let Some(c) = NSLOOKUP_SERVER.captures(text) {
            self.clue_at(
                no,
                Protocol::Dns,
                1,
                Reach::Below,
                format!("the DNS server {}", &c[1]),
            );
        }
    }

    fn grpc(&mut self, no: usize, text: &str) {
        let found = |code: &str, source: &'static str, s: &mut Self| {
            if super::grpc_entry(code).is_some() {
                s.push(RawFinding::new(Protocol::Grpc, code, no, text).source(source));
            }
        };
        if let Some(c) = GRPC_GO.captures(text) {
            found(&c[1], "grpc-go", self);
        }
        if let Some(c) = GRPC_JAVA.captures(text) {
            found(&c[1], "grpc-java", self);
        }
        if let Some(c) = GRPC_JAVA_STATUS.captures(text) {
            found(&c[1], "grpc-java", self);
        }
        if let Some(c) = GRPC_PYTHON.captures(text) {
            found(&c[1], "grpcio", self);
        }
        if let Some(c) = GRPC_CSHARP.captures(text) {
            found(&c[1], "grpc-dotnet", self);
        }
        if let Some(c) = GRPC_LOG_KEY.captures(text) {
            found(&c[1], "grpc-log", self);
        }
        if let Some(c) = GRPC_TONIC.captures(text) {
            found(&c[1], "tonic", self);
        }
        if let Some(c) = GRPC_STATUS_KEY.captures(text) {
            found(&c[1], "grpc-status", self);
        }
        for c in GRPC_NODE.captures_iter(text) {
            // `14 UNAVAILABLE:` only when the number is that name's code.
            if let Some(e) = super::grpc_entry(&c[2])
                && e.code == c[1]
            {
                found(&c[1], "grpc-js", self);
                self.node_grpc_until = no + 12;
            }
        }
        if no <= self.node_grpc_until
            && let Some(c) = GRPC_NODE_CODE.captures(text)
        {
            found(&c[1], "grpc-js", self);
            self.node_grpc_until = 0;
        }
        if self.grpcurl_error
            && let Some(c) = GRPC_GRPCURL.captures(text)
        {
            found(&c[1], "grpcurl", self);
        }
        self.grpcurl_error = text.trim() == "ERROR:";
        if let Some(c) = GRPC_PEER.captures(text) {
            let hop = format!("the server at {}", &c[1]);
            self.clue_at(no, Protocol::Grpc, 0, Reach::Around, hop);
        } else if GRPC_NO_CONNECTION.is_match(text) {
            self.clue(
                no,
                Protocol::Grpc,
                1,
                "the client's own channel: no connection to a server was made".to_string(),
            );
        }
    }

    fn websocket(&mut self, no: usize, text: &str) {
        let mut codes: Vec<(String, &'static str, Option<String>)> = Vec::new();
        if let Some(c) = WS_GORILLA.captures(text) {
            codes.push((c[1].to_string(), "gorilla-websocket", None));
        }
        for c in WS_PYTHON
            .captures_iter(text)
            .filter(|_| WS_CLOSE_WORD.is_match(text))
        {
            let hop = if &c[1] == "received" {
                "the peer, in its close frame"
            } else {
                "this side, in its close frame"
            };
            codes.push((c[2].to_string(), "python-websockets", Some(hop.to_string())));
        }
        if let Some(c) = WS_CLOSE_CODE.captures(text) {
            codes.push((c[1].to_string(), "websocket-close", None));
        }
        if WS_CLOSE_WORD.is_match(text)
            && let Some(c) = WS_CLOSE_EVENT.captures(text)
        {
            codes.push((c[1].to_string(), "websocket-close", None));
        }
        for (code, source, hop) in codes {
            let hop = hop.or_else(|| {
                matches!(code.as_str(), "1005" | "1006" | "1015")
                    .then(|| "this side's library: the code is never sent on the wire".to_string())
            });
            self.push(
                RawFinding::new(Protocol::Websocket, code, no, text)
                    .source(source)
                    .hop(hop),
            );
        }
    }

    fn sip(&mut self, i: usize) {
        let text = self.lines[i];
        let no = i + 1;
        if let Some(c) = SIP_STATUS.captures(text) {
            let mut hop = None;
            for line in self.lines.iter().skip(i + 1).take(60) {
                let Some(h) = HEADER_LINE.captures(line) else {
                    break;
                };
                let name = h[1].to_ascii_lowercase();
                if name == "server" || name == "user-agent" {
                    hop = Some(format!("{}: {}", &h[1], h[2].trim()));
                    break;
                }
            }
            self.push(
                RawFinding::new(Protocol::Sip, &c[1], no, text)
                    .source("sip-status-line")
                    .hop(hop),
            );
        }
        if let Some(c) = SIP_ASTERISK.captures(text) {
            self.push(
                RawFinding::new(Protocol::Sip, &c[1], no, text)
                    .source("asterisk")
                    .hop(Some(format!("the peer {}", &c[2]))),
            );
        }
        if let Some(c) = SIP_REASON.captures(text) {
            self.push(RawFinding::new(Protocol::Sip, &c[1], no, text).source("sip-reason"));
        }
    }

    /// Gives each finding without a hop the nearest clue of its protocol:
    /// the same line first, then within a few lines (the block of a DSN, the
    /// lines of a gRPC error), then, for SMTP, the Reporting-MTA.
    fn assign_hops(&mut self) {
        // Clues were recorded line by line, so they are sorted by line and
        // each finding looks only at the few within its window.
        let generating = self
            .clues
            .iter()
            .find(|c| c.protocol == Protocol::Smtp && c.rank == 3)
            .map(|c| c.text.clone());
        for f in self.out.iter_mut().filter(|f| f.hop.is_none()) {
            let window = match f.protocol {
                Protocol::Smtp => 12,
                Protocol::Grpc => 6,
                Protocol::Dns => 40,
                _ => 0,
            };
            let from = self
                .clues
                .partition_point(|c| c.line < f.line.saturating_sub(window));
            let to = self.clues.partition_point(|c| c.line <= f.line + window);
            let best = self.clues[from..to]
                .iter()
                .filter(|c| c.protocol == f.protocol)
                .filter(|c| match c.reach {
                    Reach::Line => c.line == f.line,
                    Reach::Around => true,
                    Reach::Above => c.line >= f.line,
                    Reach::Below => c.line <= f.line,
                })
                .min_by_key(|c| (c.line != f.line, c.rank, c.line.abs_diff(f.line)));
            f.hop = best.map(|c| c.text.clone());
            if f.protocol == Protocol::Smtp
                && let Some(reporting) = &self.reporting_mta
            {
                f.hop = Some(match f.hop.take() {
                    Some(h) if h.starts_with("Remote-MTA") => {
                        format!("{h}, as reported by {reporting}")
                    }
                    Some(h) => h,
                    None => format!("reported by {reporting}"),
                });
            }
            if f.hop.is_none() && f.protocol == Protocol::Smtp {
                f.hop = generating.clone();
            }
        }
    }
}

/// Whether the text holds `550 5.1.1`: a reply code and an enhanced code of
/// the same class.
fn has_reply_with_enhanced_code(text: &str) -> bool {
    SMTP_WITH_ENHANCED
        .captures_iter(text)
        .any(|c| c[1].as_bytes()[0] == c[2].as_bytes()[0])
}

fn header_pairs(headers: &[httparse::Header<'_>]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|h| !h.name.is_empty())
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).trim().to_string(),
            )
        })
        .collect()
}

/// Envoy's response flags in words: they say which hop failed.
fn envoy_flags(flags: &str) -> String {
    let words: Vec<String> = flags
        .split(',')
        .map(|f| {
            let meaning = match f {
                "UH" => "no healthy upstream host",
                "UF" => "upstream connection failure",
                "UO" => "upstream overflow (circuit breaker)",
                "NR" => "no route configured",
                "URX" => "upstream retry limit reached",
                "UT" => "upstream request timeout",
                "UC" => "upstream connection terminated",
                "UR" => "upstream remote reset",
                "LR" => "connection local reset",
                "DC" => "downstream connection terminated",
                "LH" => "local health check failed",
                "RL" => "rate limited locally",
                "UAEX" => "refused by the external authorization service",
                "RLSE" => "rate limit service error",
                "DI" => "delay injected by fault filter",
                "FI" => "aborted by fault injection",
                "NC" => "no cluster found",
                "SI" => "stream idle timeout",
                "DPE" => "downstream protocol error",
                "UPE" => "upstream protocol error",
                "UMSDR" => "upstream max stream duration reached",
                "OM" => "overload manager",
                _ => "",
            };
            if meaning.is_empty() {
                f.to_string()
            } else {
                format!("{f}: {meaning}")
            }
        })
        .collect();
    format!("Envoy (response flags {})", words.join(", "))
}

#[cfg(test)]
mod tests {
    use super::scan;
    use crate::catalog::Protocol::{self, *};

    /// The distinct (line, protocol, code) found, in order.
    fn found(text: &str) -> Vec<(usize, Protocol, String)> {
        let mut out: Vec<(usize, Protocol, String)> = Vec::new();
        for f in scan(text) {
            let key = (f.line, f.protocol, f.code);
            if !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }

    fn has(text: &str, line: usize, protocol: Protocol, code: &str) {
        let all = found(text);
        assert!(
            all.contains(&(line, protocol, code.to_string())),
            "{protocol:?} {code} not found on line {line} in {all:?}"
        );
    }

    fn none(text: &str) {
        assert_eq!(found(text), vec![], "{text}");
    }

    #[test]
    fn http_status_lines_and_their_hop() {
        has("< HTTP/2 407", 1, Http, "407");
        has(
            "HTTP/1.1 404 Not Found\r\nServer: nginx\r\n",
            1,
            Http,
            "404",
        );
        let t = "> CONNECT api.example.com:443 HTTP/1.1\n>\n< HTTP/1.1 407 Proxy Authentication Required\n< Server: squid\n<";
        let f = scan(t);
        assert_eq!(
            f[0].hop.as_deref(),
            Some("the proxy, answering CONNECT api.example.com:443 (Server: squid)")
        );
        let t = "< HTTP/2 502\n< server: envoy\n< via: 1.1 edge.example.net\n<";
        assert_eq!(
            scan(t)[0].hop.as_deref(),
            Some("Server: envoy; Via: 1.1 edge.example.net")
        );
        none("the HTTP/2 200 answer came back");
        none("< content-length: 404");
    }

    #[test]
    fn tool_messages_quoting_http_codes() {
        has(
            "* Received HTTP code 407 from proxy after CONNECT",
            1,
            Http,
            "407",
        );
        has(
            "curl: (56) CONNECT tunnel failed, response 407",
            1,
            Http,
            "407",
        );
        has(
            "curl: (22) The requested URL returned error: 429",
            1,
            Http,
            "429",
        );
        has(
            "requests.exceptions.HTTPError: 503 Server Error: x for url: https://example.com/",
            1,
            Http,
            "503",
        );
        has(
            "HTTP request sent, awaiting response... 301 Moved Permanently",
            1,
            Http,
            "301",
        );
        has(
            "Error during WebSocket handshake: Unexpected response code: 401",
            1,
            Http,
            "401",
        );
    }

    #[test]
    fn access_logs() {
        let nginx = r#"192.0.2.1 - - [01/Mar/2025:10:00:00 +0000] "GET /a HTTP/1.1" 404 404 "-" "curl/8.5.0""#;
        assert_eq!(found(nginx), vec![(1, Http, "404".to_string())]);
        let envoy = r#"[2025-03-01T10:00:00.000Z] "GET /a HTTP/1.1" 503 UF 0 91 3 - "192.0.2.1" "curl" "id" "a.example" "10.0.0.1:80""#;
        let f = scan(envoy);
        assert_eq!(f[0].code, "503");
        assert!(
            f[0].hop
                .as_deref()
                .unwrap()
                .contains("UF: upstream connection failure")
        );
        let alb = "https 2025-03-01T10:00:00.000000Z app/lb/1 192.0.2.1:1000 10.0.0.1:80 0.001 -1 -1 502 - 10 20 \"GET https://a.example:443/ HTTP/1.1\" \"curl\"";
        let f = scan(alb);
        assert_eq!((f.len(), f[0].code.as_str()), (1, "502"));
        assert!(f[0].hop.as_deref().unwrap().contains("no target answered"));
        none(r#"[01/Mar/2025:10:00:00 +0000] "GET /a HTTP/1.1" 0 DC 0 0"#);
    }

    #[test]
    fn smtp_replies_bounces_and_logs() {
        has(
            "said: 550 5.1.1 <b@example.net>: User unknown",
            1,
            Smtp,
            "550",
        );
        has(
            "said: 550 5.1.1 <b@example.net>: User unknown",
            1,
            Smtp,
            "5.1.1",
        );
        has("Status: 4.4.1", 1, Smtp, "4.4.1");
        has(
            "Diagnostic-Code: smtp; 554 Transaction failed",
            1,
            Smtp,
            "554",
        );
        has(
            "to=<b@example.net>, relay=none, delay=31, dsn=4.4.1, status=deferred",
            1,
            Smtp,
            "4.4.1",
        );
        has(
            "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound'",
            1,
            Smtp,
            "5.1.10",
        );
        has(
            "SMTP error from remote mail server after RCPT TO:<b@example.net>:\n    550 User unknown",
            2,
            Smtp,
            "550",
        );
        has(
            "{'b@example.net': (550, b'5.1.1 <b@example.net>: rejected')}",
            1,
            Smtp,
            "5.1.1",
        );
        // A basic code and an enhanced code of different classes are not a reply.
        none("version 250 5.1.1 released");
        none("X-Postfix-Queue-ID: 4F2A31C0A2B\nStatus: RO");
        none("She said: 500 people came\n#500 errors are retried\nsee section #4.1.1");
    }

    #[test]
    fn smtp_sessions_count_a_multiline_reply_once() {
        let t = "EHLO c.example.org\n250-mx.example.net\n250-SIZE 10240000\n250 8BITMIME\nMAIL FROM:<a@example.org>\n250 2.1.0 Ok";
        let f = found(t);
        assert_eq!(
            f,
            vec![
                (2, Smtp, "250".to_string()),
                (6, Smtp, "250".to_string()),
                (6, Smtp, "2.1.0".to_string())
            ]
        );
        // Without a session, bare numbers at the start of a line are not replies.
        none("250 rows written\n404 errors ignored");
        none("SMTP error report\n250 rows written");
        // Nor are the lines of a message body sent after 354.
        let t = "DATA\n354 End data with <CR><LF>.<CR><LF>\nSubject: stock\n\n404 items shipped\n.\n250 2.0.0 Ok: queued";
        assert_eq!(
            found(t),
            vec![
                (2, Smtp, "354".to_string()),
                (7, Smtp, "250".to_string()),
                (7, Smtp, "2.0.0".to_string())
            ]
        );
    }

    #[test]
    fn ftp_sessions() {
        let t = "220 (vsFTPd 3.0.5)\nUSER anonymous\n331 Please specify the password.\nPASS x\n230-Welcome\n230-  404 GB free\n230 Login successful.\nftp: 2025 bytes received in 0.01Seconds";
        assert_eq!(
            found(t),
            vec![
                (1, Ftp, "220".to_string()),
                (3, Ftp, "331".to_string()),
                (5, Ftp, "230".to_string())
            ]
        );
        has(
            "Response:\t530 Login incorrect.\nCommand:\tUSER x\nStatus:\tConnecting to 192.0.2.1:21",
            1,
            Ftp,
            "530",
        );
        has(
            r#"Mon Mar 10 08:00:00 2025 [pid 404] FTP response: Client "192.0.2.8", "550 No such file.""#,
            1,
            Ftp,
            "550",
        );
    }

    #[test]
    fn dns_answers() {
        has(
            ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 41235",
            1,
            Dns,
            "NXDOMAIN",
        );
        has(
            ";; ->>HEADER<<- opcode: QUERY; status: SERVFAIL; id: 3",
            1,
            Dns,
            "SERVFAIL",
        );
        has("; EDE: 18 (Prohibited)", 1, Dns, "ede:18");
        has(";; EDE: 3 (Stale Answer): 'x'", 1, Dns, "ede:3");
        has(
            "** server can't find nx.example.test: NXDOMAIN",
            1,
            Dns,
            "NXDOMAIN",
        );
        has(
            "*** dc.example.test can't find x.example.test: Non-existent domain",
            1,
            Dns,
            "NXDOMAIN",
        );
        has(
            "Host nx.example.test not found: 3(NXDOMAIN)",
            1,
            Dns,
            "NXDOMAIN",
        );
        has(
            "dns.resolver.NXDOMAIN: The DNS query name does not exist: x.example.test.",
            1,
            Dns,
            "NXDOMAIN",
        );
        none(
            ";; Version: 0; flags: ; UDP size: 1232 B; ext-rcode: NOERROR\n;; Query time: 404 msec",
        );
        // dig names its server after the answer, nslookup before it.
        let t = ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: 1\n;; SERVER: 192.0.2.53#53(192.0.2.53) (UDP)\n\n;; ->>HEADER<<- opcode: QUERY, status: SERVFAIL, id: 2\n;; SERVER: 198.51.100.53#53(198.51.100.53) (UDP)\nServer:\t\t203.0.113.53\nAddress:\t203.0.113.53#53\n\n** server can't find x.example.test: REFUSED";
        let hops: Vec<String> = scan(t).into_iter().map(|f| f.hop.unwrap()).collect();
        assert_eq!(
            hops,
            [
                "the DNS server 192.0.2.53",
                "the DNS server 198.51.100.53",
                "the DNS server 203.0.113.53"
            ]
        );
    }

    #[test]
    fn grpc_errors_of_each_library() {
        has(
            "rpc error: code = Unavailable desc = connection refused",
            1,
            Grpc,
            "Unavailable",
        );
        has(
            "io.grpc.StatusRuntimeException: PERMISSION_DENIED: no",
            1,
            Grpc,
            "PERMISSION_DENIED",
        );
        has(
            "Status{code=RESOURCE_EXHAUSTED, description=quota, cause=null}",
            1,
            Grpc,
            "RESOURCE_EXHAUSTED",
        );
        has("\tstatus = StatusCode.UNAVAILABLE", 1, Grpc, "UNAVAILABLE");
        has(
            r#"Status(StatusCode="DeadlineExceeded", Detail="x")"#,
            1,
            Grpc,
            "DeadlineExceeded",
        );
        has(
            "Error: 14 UNAVAILABLE: No connection established",
            1,
            Grpc,
            "14",
        );
        has(
            "ERROR:\n  Code: NotFound\n  Message: x",
            2,
            Grpc,
            "NotFound",
        );
        has("< grpc-status: 16", 1, Grpc, "16");
        has(
            r#"{created_time:"2025-03-07", grpc_status:14, grpc_message:"x"}"#,
            1,
            Grpc,
            "14",
        );
        has(
            r#"status: Unavailable, message: "error trying to connect", details: []"#,
            1,
            Grpc,
            "Unavailable",
        );
        // The number must be the code of the name; unknown names are no code.
        none("Error: 15 UNAVAILABLE: nope");
        none("rpc error: code = Sideways desc = x");
        none("  Code: NotFound");
    }

    #[test]
    fn websocket_closes() {
        has(
            "CloseEvent {isTrusted: true, wasClean: false, code: 1006, reason: ''}",
            1,
            Websocket,
            "1006",
        );
        has(
            "websocket: close 1008 (policy violation): token expired",
            1,
            Websocket,
            "1008",
        );
        has(
            "ConnectionClosedError: received 1011 (internal error) keepalive ping timeout",
            1,
            Websocket,
            "1011",
        );
        has(
            "closed: CloseStatus[code=1009, reason=too big]",
            1,
            Websocket,
            "1009",
        );
        has("client 3 closed, close code 1001", 1, Websocket, "1001");
        none("hub: 1009 messages relayed, queue code 1234 ok");
        none("sent 1024 (1.0 KiB), received 2048 (2.0 KiB)");
    }

    #[test]
    fn sip_status_lines_and_reason_headers() {
        let t = "SIP/2.0 486 Busy Here\nVia: SIP/2.0/UDP 192.0.2.1:5060\nCSeq: 102 INVITE\nServer: pbx.example.com\n";
        let f = scan(t);
        assert_eq!((f.len(), f[0].code.as_str()), (1, "486"));
        assert_eq!(f[0].hop.as_deref(), Some("Server: pbx.example.com"));
        has(
            "Reason: SIP;cause=200;text=\"Call completed elsewhere\"",
            1,
            Sip,
            "200",
        );
        has(
            r#"Got SIP response 503 "Service Unavailable" back from 198.51.100.7:5060"#,
            1,
            Sip,
            "503",
        );
        none(
            "Reason: Q.850;cause=16\nWarning: 399 pbx.example.com \"x\"\nINVITE sip:2025@example.com SIP/2.0",
        );
    }
}
