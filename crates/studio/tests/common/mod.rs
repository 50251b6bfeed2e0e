//! What the real-binary tests share: `init` with the owner's password on stdin, and `serve` on
//! port 0 with the URL it prints (the server is killed if a test fails half-way).

#![allow(dead_code, clippy::unwrap_used)] // each test file uses part of it; a panic is the report

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub mod team;

pub const BIN: &str = env!("CARGO_BIN_EXE_atelier-studio");

/// `atelier-studio init` in `data` (on `db` when given), the password on stdin when given.
pub fn init(data: &Path, db: Option<&str>, owner: &str, studio: &str, password: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(["init", "--data"])
        .arg(data)
        .env_remove("ATELIER_STUDIO_DATABASE_URL")
        .args(db.map(|url| ["--database-url", url]).into_iter().flatten())
        .args(["--owner", owner, "--name", "Olive Owner", "--studio", studio])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if password.is_some() {
        cmd.arg("--password-stdin");
    }
    let mut child = cmd.spawn().unwrap();
    {
        let mut stdin = child.stdin.take().unwrap();
        if let Some(p) = password {
            writeln!(stdin, "{p}").unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

/// Kills the server if a test fails half-way.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `atelier-studio serve` on 127.0.0.1:0; the address it printed once it accepts connections.
pub fn serve(data: &Path, db: Option<&str>) -> (Server, String) {
    let mut child = Command::new(BIN)
        .args(["serve", "--data"])
        .arg(data)
        .env_remove("ATELIER_STUDIO_DATABASE_URL")
        .args(db.map(|url| ["--database-url", url]).into_iter().flatten())
        .args(["--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let server = Server(child);
    let line = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("serve printed nothing");
    let url = line
        .trim()
        .strip_prefix("Atelier studio is serving at ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"),
        "{url}"
    );
    (server, url)
}
