//! The live FTP listener: replies chosen by the argument (every code of the
//! catalog it allows), the empty server's own answers and every limit, over
//! a plain TCP stream; then Python's ftplib and curl against `statusatlas
//! serve --ftp-addr`.

use statusatlas::catalog::{Protocol, catalog};
use statusatlas::listeners::ftp::{self, FtpLimits};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};

async fn start(limits: FtpLimits) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let at = listener.local_addr().unwrap();
    tokio::spawn(ftp::serve(listener, limits, std::future::pending()));
    at
}

struct Client {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
}

impl Client {
    async fn connect(at: SocketAddr) -> (Client, String) {
        let (read, writer) = TcpStream::connect(at).await.unwrap().into_split();
        let mut c = Client {
            reader: BufReader::new(read),
            writer,
        };
        let greeting = c.reply().await;
        (c, greeting)
    }

    /// One reply; a multi-line reply (`211-` ... `211 End`) joined by `\n`.
    async fn reply(&mut self) -> String {
        let mut lines: Vec<String> = Vec::new();
        loop {
            let mut line = String::new();
            let n = tokio::time::timeout(Duration::from_secs(5), self.reader.read_line(&mut line))
                .await
                .expect("a reply within 5 s")
                .unwrap();
            if n == 0 {
                return lines.join("\n");
            }
            assert!(line.ends_with("\r\n"), "{line:?}");
            let line = line.trim_end().to_string();
            let first = lines.first().map(|l| l[..3].to_string());
            let done = match &first {
                None => line.as_bytes().get(3) != Some(&b'-'),
                Some(code) => line.starts_with(&format!("{code} ")),
            };
            lines.push(line);
            if done {
                return lines.join("\n");
            }
        }
    }

    async fn command(&mut self, line: &str) -> String {
        self.writer
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        self.reply().await
    }

    async fn logged_in(at: SocketAddr) -> Client {
        let (mut c, _) = Client::connect(at).await;
        assert!(c.command("USER anonymous").await.starts_with("331 "));
        assert!(c.command("PASS guest@").await.starts_with("230 "));
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

fn phrase(code: &str) -> String {
    catalog().get(Protocol::Ftp, code).unwrap().phrase.clone()
}

#[tokio::test]
async fn an_argument_that_is_a_code_chooses_the_reply() {
    let at = start(FtpLimits::default()).await;
    let (mut c, greeting) = Client::connect(at).await;
    assert!(
        greeting.starts_with("220 statusatlas.test FTP"),
        "{greeting}"
    );
    assert_eq!(
        c.command("USER 530").await,
        format!("530 {} (asked for by the argument)", phrase("530"))
    );
    assert_eq!(c.command("CWD /").await, "530 Not logged in", "login first");
    let mut c = Client::logged_in(at).await;
    assert_eq!(
        c.command("CWD 550").await,
        format!("550 {} (asked for by the argument)", phrase("550"))
    );
    assert!(
        c.command("retr 451").await.starts_with("451 "),
        "verbs in any case"
    );
    assert_eq!(c.command("PWD").await, "257 \"/\" is the current directory");
    assert_eq!(c.command("CWD pub").await, "250 Directory changed");
    assert_eq!(c.command("TYPE I").await, "200 OK");
    assert_eq!(c.command("SYST").await, "215 UNIX Type: L8");
    assert_eq!(c.command("FEAT").await, "211-Features:\n UTF8\n211 End");
    assert!(c.command("EPSV").await.starts_with("502 "));
    assert!(c.command("PASV").await.starts_with("502 "));
    assert!(c.command("LIST").await.starts_with("425 "));
    assert!(c.command("RETR file.txt").await.starts_with("425 "));
    assert_eq!(
        c.command("FROBNICATE").await,
        "500 Syntax error, command unrecognized"
    );
    assert_eq!(c.command("QUIT").await, "221 Bye");
    assert!(c.closed().await);
}

#[tokio::test]
async fn every_final_code_of_the_catalog_can_be_chosen() {
    let at = start(FtpLimits::default()).await;
    let mut c = Client::logged_in(at).await;
    let mut chosen = 0;
    for e in &catalog().protocol(Protocol::Ftp).unwrap().entries {
        let answer = c.command(&format!("CWD {}", e.code)).await;
        let code: u16 = e.code.parse().unwrap();
        if (100..200).contains(&code) || (227..=229).contains(&code) {
            assert!(answer.starts_with(&format!("501 {code}: ")), "{answer}");
            continue;
        }
        chosen += 1;
        assert_eq!(
            answer,
            format!("{code} {} (asked for by the argument)", e.phrase)
        );
        if code == 221 || code == 421 {
            assert!(c.closed().await, "{code} closes the connection");
            c = Client::logged_in(at).await;
        }
    }
    assert!(chosen >= 40, "{chosen}");
    assert_eq!(
        c.command("CWD 599").await,
        "501 599 is not an FTP reply code of the catalog"
    );
}

#[tokio::test]
async fn limits_close_the_connection_with_421() {
    let at = start(FtpLimits {
        max_commands: 2,
        ..Default::default()
    })
    .await;
    let (mut c, _) = Client::connect(at).await;
    assert_eq!(c.command("NOOP").await, "200 OK");
    let long = format!("NOOP {}", "x".repeat(ftp::COMMAND_LINE_MAX));
    assert_eq!(c.command(&long).await, "500 Line too long");
    assert_eq!(c.command("NOOP").await, "421 Too many commands; closing");
    assert!(c.closed().await);

    let at = start(FtpLimits {
        idle: Duration::from_millis(300),
        ..Default::default()
    })
    .await;
    let (mut c, _) = Client::connect(at).await;
    assert_eq!(
        c.reply().await,
        "421 Idle too long or connected too long; closing"
    );
    assert!(c.closed().await);

    let at = start(FtpLimits {
        max_connections: 1,
        ..Default::default()
    })
    .await;
    let (_first, greeting) = Client::connect(at).await;
    assert!(greeting.starts_with("220 "));
    let (mut second, refused) = Client::connect(at).await;
    assert_eq!(refused, "421 Too many connections; try again later");
    assert!(second.closed().await);
}

#[tokio::test]
async fn ftp_code_pages_show_a_curl_command_that_gets_the_code() {
    let at = start(FtpLimits::default()).await;
    let endpoints = statusatlas::listeners::Endpoints {
        ftp: Some((at.ip().to_string(), at.port())),
        ..Default::default()
    };
    let entry = catalog().get(Protocol::Ftp, "550").unwrap();
    let t = statusatlas::listeners::try_it(entry, &endpoints).unwrap();
    assert_eq!(t.command, format!("curl -v ftp://{at}/ -Q \"CWD 550\""));
    let preliminary = catalog().get(Protocol::Ftp, "150").unwrap();
    assert!(statusatlas::listeners::try_it(preliminary, &endpoints).is_none());
}

/// `statusatlas serve --ftp-addr` on free ports, and the listener's port.
async fn serve_binary() -> (crate::support::Spawned, u16) {
    crate::support::Spawned::with_listener("--ftp-addr").await
}

#[tokio::test]
#[ignore = "needs Python; scripts/test.sh runs it"]
async fn python_ftplib_sees_the_chosen_replies() {
    let (_server, port) = serve_binary().await;
    let script = r#"
import ftplib, sys
port = int(sys.argv[1])
ftp = ftplib.FTP()
print("welcome", ftp.connect("127.0.0.1", port, timeout=5)[:3])
print("login", ftp.login()[:3])
for command in ("CWD 550", "CWD 450", "MKD 257", "CWD 421"):
    try:
        print("ok", command, ftp.sendcmd(command)[:3])
    except ftplib.error_perm as e:
        print("perm", command, str(e)[:3])
    except ftplib.error_temp as e:
        print("temp", command, str(e)[:3])
    except EOFError:
        print("closed", command)
refused = ftplib.FTP()
refused.connect("127.0.0.1", port, timeout=5)
try:
    refused.login(user="530")
except ftplib.error_perm as e:
    print("login refused", str(e)[:3])
"#;
    let text = crate::support::run_python(script, &[&port.to_string()]).await;
    for expected in [
        "welcome 220",
        "login 230",
        "perm CWD 550 550",
        "temp CWD 450 450",
        "ok MKD 257 257",
        "temp CWD 421 421",
        "login refused 530",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
}

#[tokio::test]
#[ignore = "needs curl; scripts/test.sh runs it"]
async fn curl_reports_the_chosen_reply() {
    let (_server, port) = serve_binary().await;
    let out = tokio::process::Command::new("curl")
        .args([
            "-sS",
            "-v",
            &format!("ftp://127.0.0.1:{port}/"),
            "-Q",
            "CWD 550",
        ])
        .output()
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(21),
        "curl's quote-command failure: {err}"
    );
    assert!(err.contains("< 550 "), "{err}");
}
