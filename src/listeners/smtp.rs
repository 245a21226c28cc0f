//! The live SMTP listener (`serve --smtp-addr`): a receiving server whose
//! replies are chosen by the recipient's local part, so that a mailer can
//! be tested against temporary and permanent refusals, at RCPT or after
//! DATA, without a real mail system.
//!
//! Recipients:
//! - `CODE-X.Y.Z@any.domain` (`550-5.1.1@example.com`): RCPT is answered
//!   `550 5.1.1` with the enhanced code's phrase from the catalog;
//! - `data-CODE-X.Y.Z@...`: RCPT is accepted, and the end of DATA is
//!   answered `CODE X.Y.Z` (the first such recipient of the message wins);
//! - `CODE@...` or `data-CODE@...`: the same with the enhanced code
//!   `C.0.0` of the code's class;
//! - anything else is accepted, and the message is read and discarded.
//!
//! CODE is a basic reply code of the catalog of class 4 or 5 (and 250,
//! 251, 252 at RCPT); X.Y.Z an enhanced code of the catalog whose class
//! digit is CODE's (RFC 3463 section 2). A local part shaped like a code
//! that is not such a pair is refused with `553 5.1.3`, saying why. 421
//! closes the connection after the reply, as RFC 5321 section 3.8 says.
//!
//! EHLO offers SIZE, ENHANCEDSTATUSCODES, PIPELINING and 8BITMIME; not
//! STARTTLS or AUTH (both answer 502). Nothing is ever relayed or stored:
//! message bodies are counted and dropped line by line.
//!
//! Commands are parsed by `smtp-proto` (Stalwart's RFC 5321 parser). This
//! module reads lines itself so that the limits of RFC 5321 section
//! 4.5.3.1 hold before any parsing: command lines of at most
//! [`COMMAND_LINE_MAX`] octets and text lines of at most [`TEXT_LINE_MAX`],
//! with [`SmtpLimits`] bounding connections, recipients, commands, message
//! size and time.

use super::line::{Line, read_line};
use crate::catalog::{Kind, Protocol, catalog};
use smtp_proto::Request;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// The longest command line, CRLF included (RFC 5321 section 4.5.3.1.4).
pub const COMMAND_LINE_MAX: usize = 512;

/// The longest line of message text, CRLF included (RFC 5321 section
/// 4.5.3.1.6).
pub const TEXT_LINE_MAX: usize = 1000;

/// The name this server gives itself in its greeting and EHLO reply.
pub const HOSTNAME: &str = "statusatlas.test";

/// Bounds of the SMTP listener.
#[derive(Clone, Copy, Debug)]
pub struct SmtpLimits {
    /// Connections open at once; one more is greeted with 421 and closed.
    pub max_connections: usize,
    /// A connection silent for this long is closed (with 421 4.4.2).
    pub idle: Duration,
    /// A connection is closed this long after it opened (with 421 4.4.2).
    pub lifetime: Duration,
    /// The largest message, in octets (advertised as SIZE).
    pub max_message_bytes: usize,
    /// Recipients per message (RFC 5321 section 4.5.3.1.8 asks for at
    /// least 100).
    pub max_recipients: usize,
    /// Commands per connection; past it the server answers 421 and closes.
    pub max_commands: usize,
    /// Connections per second per client address (IPv4 address or IPv6
    /// /64); over it a connection is greeted with 421 and closed. `None`:
    /// none on loopback, 50 on other addresses; `Some(0)`: no limit.
    pub rate_per_second: Option<u32>,
}

impl Default for SmtpLimits {
    fn default() -> SmtpLimits {
        SmtpLimits {
            max_connections: 64,
            idle: Duration::from_secs(60),
            lifetime: Duration::from_secs(600),
            max_message_bytes: 1024 * 1024,
            max_recipients: 100,
            max_commands: 1000,
            rate_per_second: None,
        }
    }
}

/// One reply: basic code, enhanced code (class, subject, detail) and text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub code: u16,
    pub enhanced: (u8, u16, u16),
    pub text: String,
}

impl Reply {
    fn new(code: u16, subject: u16, detail: u16, text: &str) -> Reply {
        Reply {
            code,
            enhanced: ((code / 100) as u8, subject, detail),
            text: text.to_string(),
        }
    }

    /// The reply line, CRLF-terminated: `550 5.1.1 text`.
    pub fn line(&self) -> String {
        let (c, s, d) = self.enhanced;
        format!("{} {c}.{s}.{d} {}\r\n", self.code, self.text)
    }
}

/// When a recipient's reply is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// In answer to RCPT.
    Rcpt,
    /// In answer to the end of DATA.
    Data,
}

/// What a recipient asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Asked {
    /// Accepted, and the message discarded.
    Accept,
    /// A chosen reply, at RCPT or at the end of DATA.
    Reply(When, Reply),
    /// A local part shaped like a code that the catalog has no pair for;
    /// the text says why.
    Invalid(String),
}

/// The basic codes a recipient may choose at RCPT besides classes 4 and 5.
const RCPT_SUCCESS: [u16; 3] = [250, 251, 252];

/// Reads a recipient address (`550-5.1.1@example.com`): what it asks for,
/// checked against the catalog's SMTP codes.
pub fn asked(address: &str) -> Asked {
    let local = address.rsplit_once('@').map_or(address, |(l, _)| l);
    let local = local.to_ascii_lowercase();
    let (when, spec) = match local.strip_prefix("data-") {
        Some(rest) => (When::Data, rest),
        None => (When::Rcpt, local.as_str()),
    };
    let (code_text, enhanced_text) = match spec.split_once('-') {
        Some((c, e)) => (c, Some(e)),
        None => (spec, None),
    };
    if code_text.len() != 3 || !code_text.bytes().all(|b| b.is_ascii_digit()) {
        return Asked::Accept;
    }
    let invalid = |why: &str| {
        Asked::Invalid(format!(
            "{why}; write CODE-X.Y.Z@ (550-5.1.1@) or data-CODE-X.Y.Z@"
        ))
    };
    let Ok(code) = code_text.parse::<u16>() else {
        return Asked::Accept;
    };
    let basic = catalog()
        .get(Protocol::Smtp, code_text)
        .filter(|e| e.kind == Some(Kind::Basic));
    let class = code / 100;
    let allowed = match when {
        When::Rcpt => matches!(class, 4 | 5) || RCPT_SUCCESS.contains(&code),
        When::Data => matches!(class, 4 | 5) || code == 250,
    };
    if basic.is_none() || !allowed {
        return invalid(&format!(
            "{code} is not a reply code this test server sends there"
        ));
    }
    let (subject, detail) = match enhanced_text {
        None => (0, 0),
        Some(text) => match parse_enhanced(text) {
            Some((c, s, d)) if u16::from(c) == class => (s, d),
            Some(_) => return invalid("the enhanced code's class must match the reply code's"),
            None => return invalid("not an enhanced status code"),
        },
    };
    let Some(entry) = catalog().get(Protocol::Smtp, &format!("X.{subject}.{detail}")) else {
        return invalid(&format!(
            "{class}.{subject}.{detail} is not an enhanced status code of the catalog"
        ));
    };
    Asked::Reply(
        when,
        Reply {
            code,
            enhanced: (class as u8, subject, detail),
            text: format!("{} (asked for by the recipient)", entry.phrase),
        },
    )
}

/// `5.1.1` as (5, 1, 1): class one digit, subject and detail up to three
/// digits each (RFC 3463 section 2).
fn parse_enhanced(text: &str) -> Option<(u8, u16, u16)> {
    let mut parts = text.split('.');
    let (c, s, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || c.len() != 1
        || !(1..=3).contains(&s.len())
        || !(1..=3).contains(&d.len())
        || !(c.bytes().chain(s.bytes()).chain(d.bytes())).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    Some((c.parse().ok()?, s.parse().ok()?, d.parse().ok()?))
}

/// The fixed replies of the server, each a basic and an enhanced code of
/// the catalog (a test checks them) with our own short text.
pub mod replies {
    use super::Reply;

    pub fn ok() -> Reply {
        Reply::new(250, 0, 0, "OK")
    }
    pub fn sender_ok() -> Reply {
        Reply::new(250, 1, 0, "Sender OK")
    }
    pub fn recipient_ok() -> Reply {
        Reply::new(250, 1, 5, "Recipient OK")
    }
    pub fn discarded() -> Reply {
        Reply::new(
            250,
            0,
            0,
            "Accepted and discarded; this test server stores nothing",
        )
    }
    pub fn bye() -> Reply {
        Reply::new(221, 0, 0, "Bye")
    }
    pub fn cannot_verify() -> Reply {
        Reply::new(
            252,
            0,
            0,
            "Cannot verify; this test server accepts any recipient",
        )
    }
    pub fn help() -> Reply {
        Reply::new(
            214,
            0,
            0,
            "RCPT TO:<550-5.1.1@x> refuses at RCPT; <data-552-5.3.4@x> after DATA",
        )
    }
    pub fn unrecognized() -> Reply {
        Reply::new(500, 5, 2, "Command not recognized")
    }
    pub fn line_too_long() -> Reply {
        Reply::new(500, 5, 2, "Line too long")
    }
    pub fn syntax() -> Reply {
        Reply::new(501, 5, 4, "Syntax error in parameters")
    }
    /// A MAIL or RCPT parameter of an extension the EHLO reply does not
    /// offer.
    pub fn not_offered() -> Reply {
        Reply::new(
            555,
            5,
            4,
            "Parameter of an extension this server does not offer (it offers SIZE and 8BITMIME)",
        )
    }
    pub fn not_implemented() -> Reply {
        Reply::new(502, 5, 1, "Command not implemented")
    }
    pub fn sequence() -> Reply {
        Reply::new(503, 5, 1, "Bad sequence of commands")
    }
    pub fn no_recipients() -> Reply {
        Reply::new(554, 5, 1, "No valid recipients")
    }
    pub fn too_many_recipients() -> Reply {
        Reply::new(452, 5, 3, "Too many recipients")
    }
    pub fn too_big() -> Reply {
        Reply::new(552, 3, 4, "Message size exceeds the limit")
    }
    pub fn busy() -> Reply {
        Reply::new(421, 4, 5, "Too many connections; try again later")
    }
    pub fn timeout() -> Reply {
        Reply::new(421, 4, 2, "Idle too long or connected too long; closing")
    }
    pub fn too_many_commands() -> Reply {
        Reply::new(421, 5, 0, "Too many commands; closing")
    }
}

/// The state of one SMTP session.
struct Session {
    limits: SmtpLimits,
    greeted: bool,
    mail: bool,
    recipients: usize,
    data_reply: Option<Reply>,
    commands: usize,
}

/// What the session does after a reply.
enum Next {
    Continue,
    /// Read the message text, then answer.
    Data,
    Close,
}

impl Session {
    fn new(limits: SmtpLimits) -> Session {
        Session {
            limits,
            greeted: false,
            mail: false,
            recipients: 0,
            data_reply: None,
            commands: 0,
        }
    }

    fn reset(&mut self) {
        self.mail = false;
        self.recipients = 0;
        self.data_reply = None;
    }

    fn ehlo(&self, client: &str) -> String {
        format!(
            "250-{HOSTNAME} greets {client}\r\n250-SIZE {}\r\n250-ENHANCEDSTATUSCODES\r\n250-PIPELINING\r\n250 8BITMIME\r\n",
            self.limits.max_message_bytes
        )
    }

    /// The answer to one command line.
    fn command(&mut self, line: &[u8]) -> (String, Next) {
        use replies::*;
        let reply = |r: Reply| (r.line(), Next::Continue);
        let request = match Request::parse(&mut line.iter()) {
            Ok(request) => request,
            Err(smtp_proto::Error::UnknownCommand) => return reply(unrecognized()),
            Err(_) => return reply(syntax()),
        };
        match request {
            Request::Ehlo { host } => {
                self.reset();
                self.greeted = true;
                (self.ehlo(&sanitize(&host)), Next::Continue)
            }
            Request::Helo { host } => {
                self.reset();
                self.greeted = true;
                // No enhanced code in a HELO reply (RFC 2034 section 3).
                (
                    format!("250 {HOSTNAME} greets {}\r\n", sanitize(&host)),
                    Next::Continue,
                )
            }
            Request::Mail { from } => {
                if !self.greeted || self.mail {
                    return reply(sequence());
                }
                if from.size > self.limits.max_message_bytes {
                    return reply(too_big());
                }
                // Parameters of extensions the EHLO reply does not offer
                // (only SIZE and BODY=7BIT/8BITMIME are) are refused (RFC
                // 5321, section 4.1.1.11).
                let offered = smtp_proto::MAIL_BODY_7BIT | smtp_proto::MAIL_BODY_8BITMIME;
                if from.flags & !offered != 0
                    || from.env_id.is_some()
                    || from.auth.is_some()
                    || from.trans_id.is_some()
                    || from.solicit.is_some()
                    || from.mtrk.is_some()
                    || from.by != 0
                    || from.hold_for != 0
                    || from.hold_until != 0
                    || from.mt_priority != 0
                {
                    return reply(not_offered());
                }
                self.mail = true;
                reply(sender_ok())
            }
            Request::Rcpt { to } => {
                if !self.mail {
                    return reply(sequence());
                }
                if self.recipients >= self.limits.max_recipients {
                    return reply(too_many_recipients());
                }
                if to.flags != 0 || to.orcpt.is_some() || to.rrvs != 0 {
                    return reply(not_offered());
                }
                // The null path is a reverse-path only (RFC 5321, section
                // 4.1.1.3): a recipient must be a mailbox.
                if to.address.is_empty() {
                    return reply(Reply::new(
                        501,
                        1,
                        3,
                        "The null path <> is not a recipient; write a mailbox",
                    ));
                }
                match asked(&to.address) {
                    Asked::Accept => {
                        self.recipients += 1;
                        reply(recipient_ok())
                    }
                    Asked::Invalid(why) => reply(Reply::new(553, 1, 3, &why)),
                    Asked::Reply(When::Data, r) => {
                        self.recipients += 1;
                        self.data_reply.get_or_insert(r);
                        reply(recipient_ok())
                    }
                    Asked::Reply(When::Rcpt, r) => {
                        if r.code / 100 == 2 {
                            self.recipients += 1;
                        }
                        let next = if r.code == 421 {
                            Next::Close
                        } else {
                            Next::Continue
                        };
                        (r.line(), next)
                    }
                }
            }
            Request::Data => {
                if !self.mail {
                    return reply(sequence());
                }
                if self.recipients == 0 {
                    return reply(no_recipients());
                }
                (
                    "354 End data with <CR><LF>.<CR><LF>\r\n".to_string(),
                    Next::Data,
                )
            }
            Request::Rset => {
                self.reset();
                reply(ok())
            }
            Request::Noop { .. } => reply(ok()),
            Request::Quit => (bye().line(), Next::Close),
            Request::Vrfy { .. } => reply(cannot_verify()),
            Request::Help { .. } => reply(help()),
            Request::StartTls
            | Request::Auth { .. }
            | Request::Bdat { .. }
            | Request::Burl { .. }
            | Request::Etrn { .. }
            | Request::Atrn { .. }
            | Request::Expn { .. }
            | Request::Lhlo { .. } => reply(not_implemented()),
        }
    }

    /// The answer to the end of DATA: a line over the limit or a message
    /// over the size refuses it; otherwise the recipient's choice or 250.
    fn end_of_data(&mut self, text: &Text) -> (String, Next) {
        let reply = if text.long_line {
            replies::line_too_long()
        } else if text.size > self.limits.max_message_bytes {
            replies::too_big()
        } else {
            self.data_reply.take().unwrap_or_else(replies::discarded)
        };
        self.reset();
        let next = if reply.code == 421 {
            Next::Close
        } else {
            Next::Continue
        };
        (reply.line(), next)
    }
}

/// The client's EHLO name as it may appear in a reply: printable ASCII,
/// at most 64 characters.
fn sanitize(host: &str) -> String {
    host.chars()
        .filter(|c| c.is_ascii_graphic())
        .take(64)
        .collect()
}

/// The message text as read: its size after dot-unstuffing (RFC 5321
/// section 4.5.2) and whether a line was longer than [`TEXT_LINE_MAX`].
struct Text {
    size: usize,
    long_line: bool,
}

/// Reads message text up to the lone dot, keeping none of it. `None`: the
/// client closed the connection first.
async fn read_data<R: AsyncBufRead + Unpin>(reader: &mut R) -> std::io::Result<Option<Text>> {
    let mut text = Text {
        size: 0,
        long_line: false,
    };
    // Only CRLF "." CRLF ends the data (RFC 5321, section 4.1.1.4): a dot
    // line after a bare LF, or ended by one, is text. Taking `\n.\n` as the
    // end would let text after it run as commands (SMTP smuggling). The CRLF
    // ending the DATA command counts as the first CRLF.
    let mut after_crlf = true;
    loop {
        match read_line(reader, TEXT_LINE_MAX).await? {
            Line::Closed => return Ok(None),
            Line::TooLong => {
                text.long_line = true;
                text.size = text.size.saturating_add(TEXT_LINE_MAX);
                after_crlf = false;
            }
            Line::Text(line) => {
                if after_crlf && line == b".\r\n" {
                    return Ok(Some(text));
                }
                after_crlf = line.ends_with(b"\r\n");
                let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
                text.size = text.size.saturating_add(unstuffed.len());
            }
        }
    }
}

/// Runs one session on `stream` until QUIT, a closing reply, the client's
/// close or a limit.
pub async fn session<S>(stream: S, limits: SmtpLimits) -> std::io::Result<()>
where
    S: tokio::io::AsyncRead + AsyncWrite + Unpin,
{
    let (read, write) = tokio::io::split(stream);
    let mut reader = BufReader::new(read);
    let mut writer = tokio::io::BufWriter::new(write);
    let run = async {
        writer
            .write_all(
                format!(
                    "220 {HOSTNAME} ESMTP statusatlas test server; nothing is relayed or stored\r\n"
                )
                .as_bytes(),
            )
            .await?;
        writer.flush().await?;
        let mut state = Session::new(limits);
        // Each read waits for the idle time, or until the session's end.
        let deadline = tokio::time::Instant::now() + limits.lifetime;
        let until = || (tokio::time::Instant::now() + limits.idle).min(deadline);
        loop {
            let line =
                match tokio::time::timeout_at(until(), read_line(&mut reader, COMMAND_LINE_MAX))
                    .await
                {
                    Err(_) => {
                        writer
                            .write_all(replies::timeout().line().as_bytes())
                            .await?;
                        break;
                    }
                    Ok(line) => line?,
                };
            state.commands += 1;
            if state.commands > limits.max_commands {
                writer
                    .write_all(replies::too_many_commands().line().as_bytes())
                    .await?;
                break;
            }
            let (answer, next) = match line {
                Line::Closed => break,
                Line::TooLong => (replies::line_too_long().line(), Next::Continue),
                Line::Text(line) => state.command(&line),
            };
            writer.write_all(answer.as_bytes()).await?;
            let next = match next {
                Next::Data => {
                    writer.flush().await?;
                    match tokio::time::timeout_at(until(), read_data(&mut reader)).await {
                        Err(_) => {
                            writer
                                .write_all(replies::timeout().line().as_bytes())
                                .await?;
                            break;
                        }
                        Ok(Err(e)) => return Err(e),
                        Ok(Ok(None)) => break,
                        Ok(Ok(Some(text))) => {
                            let (answer, next) = state.end_of_data(&text);
                            writer.write_all(answer.as_bytes()).await?;
                            next
                        }
                    }
                }
                other => other,
            };
            if matches!(next, Next::Close) {
                break;
            }
            // PIPELINING (RFC 2920): answers to a group of commands may go
            // out together; flush once nothing more is waiting.
            if reader.buffer().is_empty() {
                writer.flush().await?;
            }
        }
        writer.flush().await
    };
    // A client that stops reading cannot hold the session past its end
    // either: writes get a few seconds beyond it.
    match tokio::time::timeout(limits.lifetime + Duration::from_secs(5), run).await {
        Ok(result) => result,
        Err(_) => Ok(()),
    }
}

/// Serves SMTP on `listener` until `shutdown` completes; sessions in
/// progress are dropped then. A connection over the limits is greeted with
/// `421 4.4.5` and closed (RFC 5321 section 3.1 lets a server refuse
/// service so).
pub async fn serve(
    listener: TcpListener,
    limits: SmtpLimits,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let gate = super::line::Gate {
        max_connections: limits.max_connections,
        rate_per_second: limits.rate_per_second,
        refusal: replies::busy().line(),
    };
    super::line::serve(listener, gate, shutdown, move |stream| {
        session(stream, limits)
    })
    .await;
}
