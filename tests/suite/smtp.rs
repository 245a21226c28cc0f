//! The live SMTP listener: replies chosen by the recipient (every basic code
//! of the catalog it allows, at RCPT and after DATA), the session's rules and
//! every limit, over a plain TCP stream; then Python's smtplib and swaks
//! against `statusatlas serve --smtp-addr`.

use statusatlas::catalog::{Kind, Protocol, catalog};
use statusatlas::listeners::smtp::{self, SmtpLimits, replies};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

async fn start(limits: SmtpLimits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    tokio::spawn(smtp::serve(listener, limits, std::future::pending()));
    at
}

struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    /// Connects and returns the greeting.
    async fn connect(at: SocketAddr) -> (Client, String) {
        let (read, writer) = TcpStream::connect(at).await.unwrap().into_split();
        let mut client = Client {
            reader: BufReader::new(read),
            writer,
        };
        let greeting = client.reply().await;
        (client, greeting)
    }

    /// One reply, all its lines joined with `\n` ("" when the server closed).
    async fn reply(&mut self) -> String {
        let mut lines = Vec::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(Duration::from_secs(5), self.reader.read_line(&mut line))
                .await
                .expect("a reply within 5 s")
                .unwrap();
            if n == 0 {
                return lines.join("\n");
            }
            assert!(line.ends_with("\r\n"), "CRLF line ends: {line:?}");
            let line = line.trim_end().to_string();
            let last = line.as_bytes().get(3) != Some(&b'-');
            lines.push(line);
            if last {
                return lines.join("\n");
            }
        }
    }

    async fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).await.unwrap();
    }

    async fn command(&mut self, line: &str) -> String {
        self.send(&format!("{line}\r\n")).await;
        self.reply().await
    }

    /// EHLO and MAIL FROM, both accepted.
    async fn transaction(at: SocketAddr) -> Client {
        let (mut c, _) = Client::connect(at).await;
        assert!(c.command("EHLO client.test").await.starts_with("250-"));
        assert_eq!(
            c.command("MAIL FROM:<sender@client.test>").await,
            "250 2.1.0 Sender OK"
        );
        c
    }

    async fn closed(&mut self) -> bool {
        let mut byte = [0u8; 1];
        matches!(
            tokio::time::timeout(Duration::from_secs(3), self.reader.read(&mut byte)).await,
            Ok(Ok(0)) | Ok(Err(_))
        )
    }
}

/// The phrase of enhanced code `X.s.d` in the catalog.
fn phrase(subject_detail: &str) -> String {
    catalog()
        .get(Protocol::Smtp, &format!("X.{subject_detail}"))
        .unwrap()
        .phrase
        .clone()
}

#[tokio::test]
async fn greeting_and_ehlo_offer_the_documented_extensions_and_no_starttls() {
    let at = start(SmtpLimits::default()).await;
    let (mut c, greeting) = Client::connect(at).await;
    assert!(
        greeting.starts_with("220 statusatlas.test ESMTP"),
        "{greeting}"
    );
    let ehlo = c.command("EHLO client.test").await;
    let lines: Vec<&str> = ehlo.lines().collect();
    assert_eq!(lines[0], "250-statusatlas.test greets client.test");
    assert_eq!(
        lines[1..],
        [
            "250-SIZE 1048576",
            "250-ENHANCEDSTATUSCODES",
            "250-PIPELINING",
            "250 8BITMIME"
        ]
    );
    assert_eq!(
        c.command("STARTTLS").await,
        "502 5.5.1 Command not implemented"
    );
    assert_eq!(
        c.command("AUTH PLAIN AGFiAGM=").await,
        "502 5.5.1 Command not implemented"
    );
    assert_eq!(
        c.command("HELO old.client.test").await,
        "250 statusatlas.test greets old.client.test"
    );
    assert_eq!(c.command("NOOP").await, "250 2.0.0 OK");
    assert!(c.command("VRFY someone").await.starts_with("252 2.0.0 "));
    assert!(c.command("HELP").await.starts_with("214 2.0.0 "));
    assert_eq!(c.command("FROB").await, "500 5.5.2 Command not recognized");
    assert_eq!(c.command("QUIT").await, "221 2.0.0 Bye");
    assert!(c.closed().await);
}

#[tokio::test]
async fn the_recipient_chooses_the_rcpt_reply() {
    let at = start(SmtpLimits::default()).await;
    let mut c = Client::transaction(at).await;
    assert_eq!(
        c.command("RCPT TO:<550-5.1.1@example.com>").await,
        format!("550 5.1.1 {} (asked for by the recipient)", phrase("1.1"))
    );
    assert_eq!(
        c.command("RCPT TO:<450-4.2.0@example.com>").await,
        format!("450 4.2.0 {} (asked for by the recipient)", phrase("2.0"))
    );
    assert_eq!(
        c.command("RCPT TO:<552@Example.COM>").await,
        format!("552 5.0.0 {} (asked for by the recipient)", phrase("0.0"))
    );
    assert_eq!(
        c.command("RCPT TO:<anyone@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert!(c.command("DATA").await.starts_with("354 "));
    c.send("Subject: test\r\n\r\nhello\r\n..a line that starts with a dot\r\n.\r\n")
        .await;
    assert_eq!(
        c.reply().await,
        "250 2.0.0 Accepted and discarded; this test server stores nothing"
    );
}

#[tokio::test]
async fn every_failure_code_of_the_catalog_can_be_chosen_at_rcpt() {
    let at = start(SmtpLimits::default()).await;
    let codes: Vec<&str> = catalog()
        .protocol(Protocol::Smtp)
        .unwrap()
        .entries
        .iter()
        .filter(|e| e.kind == Some(Kind::Basic))
        .map(|e| e.code.as_str())
        .filter(|c| c.starts_with('4') || c.starts_with('5'))
        .collect();
    assert!(codes.len() >= 25);
    let mut c = Client::transaction(at).await;
    for code in codes {
        let class = &code[..1];
        let answer = c.command(&format!("RCPT TO:<{code}@example.com>")).await;
        assert!(
            answer.starts_with(&format!("{code} {class}.0.0 ")),
            "{code}: {answer}"
        );
        if code == "421" {
            assert!(c.closed().await, "421 closes the connection");
            c = Client::transaction(at).await;
        }
    }
}

#[tokio::test]
async fn the_recipient_chooses_the_reply_to_the_end_of_data() {
    let at = start(SmtpLimits::default()).await;
    let mut c = Client::transaction(at).await;
    assert_eq!(
        c.command("RCPT TO:<data-552-5.3.4@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert_eq!(
        c.command("RCPT TO:<DATA-451-4.3.0@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert!(c.command("DATA").await.starts_with("354 "));
    c.send("Subject: big\r\n\r\ntext\r\n.\r\n").await;
    assert_eq!(
        c.reply().await,
        format!("552 5.3.4 {} (asked for by the recipient)", phrase("3.4")),
        "the first such recipient wins"
    );
    // The transaction is over: a new one starts clean.
    assert_eq!(
        c.command("MAIL FROM:<a@client.test>").await,
        "250 2.1.0 Sender OK"
    );
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert!(c.command("DATA").await.starts_with("354 "));
    c.send(".\r\n").await;
    assert!(c.reply().await.starts_with("250 2.0.0 "));
}

#[tokio::test]
async fn pairs_the_catalog_lacks_are_refused_with_553_saying_why() {
    let at = start(SmtpLimits::default()).await;
    let mut c = Client::transaction(at).await;
    for (rcpt, why) in [
        ("550-4.1.1", "class must match"),
        ("550-5.99.99", "not an enhanced status code of the catalog"),
        ("599-5.1.1", "not a reply code"),
        ("354", "not a reply code"),
        ("data-251-2.1.5", "not a reply code"),
        ("550-5.1", "not an enhanced status code"),
    ] {
        let answer = c.command(&format!("RCPT TO:<{rcpt}@example.com>")).await;
        assert!(answer.starts_with("553 5.1.3 "), "{rcpt}: {answer}");
        assert!(answer.contains(why), "{rcpt}: {answer}");
    }
    assert_eq!(c.command("DATA").await, "554 5.5.1 No valid recipients");
}

#[tokio::test]
async fn commands_out_of_sequence_get_503() {
    let at = start(SmtpLimits::default()).await;
    let (mut c, _) = Client::connect(at).await;
    assert_eq!(
        c.command("MAIL FROM:<a@client.test>").await,
        "503 5.5.1 Bad sequence of commands"
    );
    assert!(c.command("EHLO client.test").await.starts_with("250"));
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "503 5.5.1 Bad sequence of commands"
    );
    assert_eq!(
        c.command("DATA").await,
        "503 5.5.1 Bad sequence of commands"
    );
    assert_eq!(
        c.command("MAIL FROM:<a@client.test>").await,
        "250 2.1.0 Sender OK"
    );
    assert_eq!(
        c.command("MAIL FROM:<a@client.test>").await,
        "503 5.5.1 Bad sequence of commands"
    );
    assert_eq!(c.command("RSET").await, "250 2.0.0 OK");
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "503 5.5.1 Bad sequence of commands"
    );
    assert_eq!(
        c.command("MAIL FROM:<bad address").await,
        "501 5.5.4 Syntax error in parameters"
    );
}

#[tokio::test]
async fn message_size_is_bounded_before_and_after_data() {
    let at = start(SmtpLimits {
        max_message_bytes: 100,
        ..Default::default()
    })
    .await;
    let (mut c, _) = Client::connect(at).await;
    assert!(
        c.command("EHLO client.test")
            .await
            .contains("250-SIZE 100\n")
    );
    assert_eq!(
        c.command("MAIL FROM:<a@client.test> SIZE=101").await,
        "552 5.3.4 Message size exceeds the limit"
    );
    assert_eq!(
        c.command("MAIL FROM:<a@client.test> SIZE=100").await,
        "250 2.1.0 Sender OK"
    );
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert!(c.command("DATA").await.starts_with("354 "));
    c.send(&format!("{}\r\n.\r\n", "x".repeat(200))).await;
    assert_eq!(c.reply().await, "552 5.3.4 Message size exceeds the limit");
}

#[tokio::test]
async fn lines_longer_than_rfc_5321_allows_are_refused() {
    let at = start(SmtpLimits::default()).await;
    let mut c = Client::transaction(at).await;
    // 512 octets with CRLF is the longest command line.
    let longest = format!("NOOP {}", "x".repeat(smtp::COMMAND_LINE_MAX - 7));
    assert_eq!(c.command(&longest).await, "250 2.0.0 OK");
    let too_long = format!("NOOP {}", "x".repeat(smtp::COMMAND_LINE_MAX - 6));
    assert_eq!(c.command(&too_long).await, "500 5.5.2 Line too long");
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert!(c.command("DATA").await.starts_with("354 "));
    c.send(&format!(
        "{}\r\nok\r\n.\r\n",
        "y".repeat(smtp::TEXT_LINE_MAX - 1)
    ))
    .await;
    assert_eq!(c.reply().await, "500 5.5.2 Line too long");
    assert_eq!(
        c.command("NOOP").await,
        "250 2.0.0 OK",
        "the session goes on"
    );
}

#[tokio::test]
async fn recipients_per_message_are_bounded() {
    let at = start(SmtpLimits {
        max_recipients: 2,
        ..Default::default()
    })
    .await;
    let mut c = Client::transaction(at).await;
    assert_eq!(
        c.command("RCPT TO:<a@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert_eq!(
        c.command("RCPT TO:<c@example.com>").await,
        "452 4.5.3 Too many recipients"
    );
}

#[tokio::test]
async fn commands_per_connection_are_bounded() {
    let at = start(SmtpLimits {
        max_commands: 3,
        ..Default::default()
    })
    .await;
    let (mut c, _) = Client::connect(at).await;
    for _ in 0..3 {
        assert_eq!(c.command("NOOP").await, "250 2.0.0 OK");
    }
    assert_eq!(
        c.command("NOOP").await,
        "421 4.5.0 Too many commands; closing"
    );
    assert!(c.closed().await);
}

#[tokio::test]
async fn idle_sessions_are_closed_with_421() {
    let at = start(SmtpLimits {
        idle: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let (mut c, _) = Client::connect(at).await;
    assert_eq!(
        c.reply().await,
        "421 4.4.2 Idle too long or connected too long; closing"
    );
    assert!(c.closed().await);
}

#[tokio::test]
async fn connections_over_the_cap_are_greeted_with_421() {
    let at = start(SmtpLimits {
        max_connections: 1,
        ..Default::default()
    })
    .await;
    let (mut first, greeting) = Client::connect(at).await;
    assert!(greeting.starts_with("220 "));
    let (mut second, refused) = Client::connect(at).await;
    assert_eq!(refused, "421 4.4.5 Too many connections; try again later");
    assert!(second.closed().await);
    assert_eq!(first.command("QUIT").await, "221 2.0.0 Bye");
    assert!(first.closed().await);
    let mut greeted = false;
    for _ in 0..50 {
        let (_third, greeting) = Client::connect(at).await;
        if greeting.starts_with("220 ") {
            greeted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(greeted, "the slot is free again once the first has quit");
}

#[tokio::test]
async fn pipelined_commands_are_answered_in_order() {
    let at = start(SmtpLimits::default()).await;
    let (mut c, _) = Client::connect(at).await;
    c.send("EHLO client.test\r\nMAIL FROM:<a@client.test>\r\nRCPT TO:<550-5.7.1@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n")
        .await;
    assert!(c.reply().await.starts_with("250-statusatlas.test"));
    assert_eq!(c.reply().await, "250 2.1.0 Sender OK");
    assert!(c.reply().await.starts_with("550 5.7.1 "));
    assert_eq!(c.reply().await, "250 2.1.5 Recipient OK");
    assert!(c.reply().await.starts_with("354 "));
}

#[test]
fn fixed_replies_use_codes_of_the_catalog() {
    let all = [
        replies::ok(),
        replies::sender_ok(),
        replies::recipient_ok(),
        replies::discarded(),
        replies::bye(),
        replies::cannot_verify(),
        replies::help(),
        replies::unrecognized(),
        replies::line_too_long(),
        replies::syntax(),
        replies::not_implemented(),
        replies::sequence(),
        replies::no_recipients(),
        replies::too_many_recipients(),
        replies::too_big(),
        replies::busy(),
        replies::timeout(),
        replies::too_many_commands(),
    ];
    for r in all {
        let basic = r.code.to_string();
        assert!(
            catalog().get(Protocol::Smtp, &basic).is_some(),
            "{basic} is a basic code of the catalog"
        );
        let (class, subject, detail) = r.enhanced;
        assert_eq!(u16::from(class), r.code / 100, "{}", r.line());
        assert!(
            catalog()
                .get(Protocol::Smtp, &format!("X.{subject}.{detail}"))
                .is_some(),
            "{}",
            r.line()
        );
        assert!(r.line().len() <= smtp::COMMAND_LINE_MAX, "{}", r.line());
    }
}

/// `statusatlas serve --smtp-addr` on free ports, and the listener's port.
async fn serve_binary() -> (crate::support::Spawned, u16) {
    crate::support::Spawned::with_listener("--smtp-addr").await
}

#[tokio::test]
#[ignore = "needs Python; scripts/test.sh runs it"]
async fn python_smtplib_sees_the_chosen_replies() {
    let (_server, port) = serve_binary().await;
    let script = r#"
import smtplib, sys
port = int(sys.argv[1])
msg = "Subject: test\r\n\r\nhello\r\n"
def send(to):
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as s:
        s.ehlo("client.test")
        print("features", sorted(s.esmtp_features))
        try:
            refused = s.sendmail("sender@client.test", to, msg)
            print("sent", to, refused)
        except smtplib.SMTPRecipientsRefused as e:
            for rcpt, (code, text) in e.recipients.items():
                print("refused", rcpt, code, text.decode())
        except smtplib.SMTPDataError as e:
            print("data", e.smtp_code, e.smtp_error.decode())
send(["550-5.1.1@example.com"])
send(["450-4.2.0@example.com"])
send(["data-552-5.3.4@example.com"])
send(["someone@example.com", "550-5.1.1@example.com"])
"#;
    let text = crate::support::run_python(script, &[&port.to_string()]).await;
    assert!(
        text.contains("features ['8bitmime', 'enhancedstatuscodes', 'pipelining', 'size']"),
        "{text}"
    );
    assert!(
        text.contains("refused 550-5.1.1@example.com 550 5.1.1 "),
        "{text}"
    );
    assert!(
        text.contains("refused 450-4.2.0@example.com 450 4.2.0 "),
        "{text}"
    );
    assert!(text.contains("data 552 5.3.4 "), "{text}");
    assert!(
        text.contains("sent ['someone@example.com', '550-5.1.1@example.com'] {'550-5.1.1@example.com': (550, b'5.1.1 "),
        "one recipient refused, the message accepted for the other: {text}"
    );
}

async fn swaks(port: u16, to: &str) -> String {
    let out = tokio::process::Command::new("swaks")
        .args([
            "--server",
            &format!("127.0.0.1:{port}"),
            "--from",
            "sender@client.test",
            "--to",
            to,
            "--helo",
            "client.test",
            "--timeout",
            "5",
        ])
        .output()
        .await
        .expect("swaks is installed (scripts/test.sh installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
#[ignore = "needs swaks; scripts/test.sh runs it"]
async fn swaks_sees_the_chosen_replies() {
    let (_server, port) = serve_binary().await;
    let out = swaks(port, "550-5.1.1@example.com").await;
    assert!(out.contains("<** 550 5.1.1 "), "{out}");
    let out = swaks(port, "data-554-5.7.1@example.com").await;
    assert!(out.contains("<** 554 5.7.1 "), "{out}");
    let out = swaks(port, "450-4.7.1@example.com").await;
    assert!(out.contains("<** 450 4.7.1 "), "{out}");
    let out = swaks(port, "someone@example.com").await;
    assert!(
        out.contains("<-  250 2.0.0 Accepted and discarded"),
        "{out}"
    );
    assert!(out.contains("<-  250-PIPELINING"), "{out}");
    assert!(!out.contains("STARTTLS"), "{out}");
}

#[tokio::test]
async fn every_swaks_command_a_page_shows_gets_the_code_of_the_page() {
    let at = start(SmtpLimits::default()).await;
    let endpoints = statusatlas::listeners::Endpoints {
        dns: None,
        smtp: Some((at.ip().to_string(), at.port())),
        ..Default::default()
    };
    let mut shown = 0;
    for e in &catalog().protocol(Protocol::Smtp).unwrap().entries {
        let Some(t) = statusatlas::listeners::try_it(e, &endpoints) else {
            let success_class = e.kind == Some(Kind::Basic) && !matches!(&e.code[..1], "4" | "5");
            assert!(
                success_class || e.kind == Some(Kind::EnhancedClass),
                "{} has a command",
                e.code
            );
            continue;
        };
        shown += 1;
        let to = t.command.split("--to ").nth(1).unwrap();
        let mut c = Client::transaction(at).await;
        let answer = c.command(&format!("RCPT TO:<{to}>")).await;
        let expected = match e.kind {
            Some(Kind::Basic) => format!("{} ", e.code),
            _ => format!("550 {} ", e.code.replacen('X', "5", 1)),
        };
        assert!(answer.starts_with(&expected), "{}: {answer}", t.command);
    }
    assert!(shown > 100, "{shown}");
}

#[tokio::test]
async fn smtp_code_pages_show_a_swaks_command_when_the_listener_runs() {
    use tower::ServiceExt;
    let mut state = statusatlas::web::AppState::new(crate::support::BASE);
    state.listeners.smtp = Some(("127.0.0.1".into(), 2525));
    let app = statusatlas::web::router(std::sync::Arc::new(state));
    for (path, command) in [
        (
            "/smtp/550",
            "swaks --server 127.0.0.1:2525 --to 550@example.com",
        ),
        (
            "/smtp/X.7.1",
            "swaks --server 127.0.0.1:2525 --to 550-5.7.1@example.com",
        ),
        (
            "/smtp/4.7.1",
            "swaks --server 127.0.0.1:2525 --to 450-4.7.1@example.com",
        ),
    ] {
        let response = app
            .clone()
            .oneshot(
                axum::http::Request::get(path)
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let page = crate::support::body_text(response).await;
        assert!(page.contains(command), "{path}");
    }
}

#[tokio::test]
async fn sessions_end_after_their_lifetime_even_when_busy() {
    let at = start(SmtpLimits {
        lifetime: Duration::from_millis(600),
        ..Default::default()
    })
    .await;
    let (mut c, _) = Client::connect(at).await;
    let started = std::time::Instant::now();
    loop {
        let answer = c.command("NOOP").await;
        if answer.starts_with("421 ") {
            assert_eq!(
                answer,
                "421 4.4.2 Idle too long or connected too long; closing"
            );
            break;
        }
        assert_eq!(answer, "250 2.0.0 OK");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the session ends"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(c.closed().await);
}

#[tokio::test]
async fn only_crlf_dot_crlf_ends_the_data_so_nothing_is_smuggled() {
    let at = start(SmtpLimits::default()).await;
    let mut c = Client::transaction(at).await;
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
    assert!(c.command("DATA").await.starts_with("354 "));
    // A bare-LF dot line, before or after CRLF, is message text: the
    // commands after it are text too, and get no reply.
    c.send("Subject: t\r\n\r\nhello\n.\nRSET\r\nhi\r\n.\nMAIL FROM:<x@y>\r\n")
        .await;
    c.send("end\r\n.\r\n").await;
    assert!(c.reply().await.starts_with("250 2.0.0 "));
    // The next replies answer the next commands, not smuggled ones.
    assert_eq!(
        c.command("MAIL FROM:<a@client.test>").await,
        "250 2.1.0 Sender OK"
    );
    assert_eq!(
        c.command("RCPT TO:<c@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
}

#[tokio::test]
async fn the_null_path_is_not_a_recipient() {
    let at = start(SmtpLimits::default()).await;
    let mut c = Client::transaction(at).await;
    let refused = c.command("RCPT TO:<>").await;
    assert!(refused.starts_with("501 5.1.3 "), "{refused}");
    assert_eq!(
        c.command("RCPT TO:<b@example.com>").await,
        "250 2.1.5 Recipient OK"
    );
}

#[tokio::test]
async fn parameters_of_extensions_not_offered_are_refused_with_555() {
    let at = start(SmtpLimits::default()).await;
    let (mut c, _) = Client::connect(at).await;
    assert!(c.command("EHLO client.test").await.starts_with("250-"));
    for refused in [
        "MAIL FROM:<a@client.test> BODY=BINARYMIME",
        "MAIL FROM:<a@client.test> SMTPUTF8",
        "MAIL FROM:<a@client.test> RET=HDRS",
        "MAIL FROM:<a@client.test> AUTH=<>",
    ] {
        let r = c.command(refused).await;
        assert!(r.starts_with("555 5.5.4 "), "{refused}: {r}");
    }
    assert_eq!(
        c.command("MAIL FROM:<a@client.test> BODY=8BITMIME SIZE=100")
            .await,
        "250 2.1.0 Sender OK"
    );
    let r = c.command("RCPT TO:<b@example.com> NOTIFY=NEVER").await;
    assert!(r.starts_with("555 5.5.4 "), "{r}");
}
