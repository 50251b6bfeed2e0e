//! `atelier studio login|status|logout` against a real `atelier-studio` on 127.0.0.1 (issue 11):
//! the sign-in lands in the OS keyring (a real gnome-keyring in the Secret Service session CI
//! runs the tests in) and nowhere in the library folder; status rotates the refresh secret and
//! keeps working; a wrong password or an unreachable studio changes nothing and says why; sign
//! out revokes the device on the studio and empties the keyring.

#![allow(clippy::unwrap_used)] // test code: a panic is the failure report

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use serde_json::Value;

const ATELIER: &str = env!("CARGO_BIN_EXE_atelier");
const PASSWORD: &str = "correct horse battery staple";

/// The studio binary, built beside this one by `cargo test --workspace`.
fn studio_bin() -> PathBuf {
    let bin = Path::new(ATELIER).with_file_name("atelier-studio");
    assert!(
        bin.exists(),
        "{} is missing: build it first (cargo build -p atelier-studio, or cargo test --workspace)",
        bin.display()
    );
    bin
}

/// Whether this process runs in the Secret Service session CI provides (see
/// crates/sync/tests/keyring.rs) — then a guard that runs these tests one at a time: the
/// session's keyring daemon, asked by several sign-ins at once while it starts, can drop a
/// request (a test harness limit, not the app's: one person signs in once) —; outside it the
/// test says why it didn't run.
fn in_session() -> Option<std::sync::MutexGuard<'static, ()>> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    if std::env::var_os("ATELIER_SECRET_SERVICE").is_some() {
        return Some(
            ONE_AT_A_TIME
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
    }
    assert!(
        std::env::var_os("ATELIER_REQUIRE_SERVICES").is_none(),
        "CI must run the studio tests inside a Secret Service session (scripts/services.sh)"
    );
    eprintln!("not in a Secret Service session: run through scripts/services.sh in_secret_service");
    None
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_studio(data: &Path) -> (Server, String) {
    init_studio(data);
    serve_studio(data, "127.0.0.1:0")
}

fn init_studio(data: &Path) {
    let mut init = Command::new(studio_bin())
        .args(["init", "--data"])
        .arg(data)
        .args([
            "--owner",
            "olive@studio.test",
            "--name",
            "Olive Owner",
            "--studio",
            "Test Studio",
        ])
        .arg("--password-stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(init.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = init.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Serves the studio in `data` on `listen` until the returned guard drops.
fn serve_studio(data: &Path, listen: &str) -> (Server, String) {
    serve_studio_with(data, listen, &[], &[])
}

/// [`serve_studio`] with more arguments and environment (another database, a bucket).
fn serve_studio_with(data: &Path, listen: &str, args: &[&str], env: &[(&str, String)]) -> (Server, String) {
    serve_studio_logged(data, listen, args, env, Stdio::null())
}

/// [`serve_studio_with`], its log (stderr) going to `log`.
fn serve_studio_logged(
    data: &Path,
    listen: &str,
    args: &[&str],
    env: &[(&str, String)],
    log: impl Into<Stdio>,
) -> (Server, String) {
    let mut child = Command::new(studio_bin())
        .args(["serve", "--data"])
        .arg(data)
        .args(["--listen", listen])
        .args(args)
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::piped())
        .stderr(log)
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
    (server, url)
}

fn atelier(lib: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(ATELIER)
        .arg("--library")
        .arg(lib)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        let mut input = child.stdin.take().unwrap();
        if let Some(s) = stdin {
            writeln!(input, "{s}").unwrap();
        }
    }
    child.wait_with_output().unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn status(lib: &Path) -> Value {
    ok_json(&atelier(lib, &["studio", "status", "--json"], None))
}

/// What the Secret Service holds for a device, through libsecret's own tool.
fn keyring_entry(device: &str) -> Option<String> {
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "Atelier studio", "username", device])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by scripts/setup.sh");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    (!text.is_empty()).then_some(text)
}

/// Whether any file under `dir` contains `needle`.
fn anywhere_in(dir: &Path, needle: &str) -> bool {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let mut bytes = Vec::new();
                if std::fs::File::open(&path)
                    .and_then(|mut f| f.read_to_end(&mut bytes))
                    .is_ok()
                    && bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
                {
                    return true;
                }
            }
        }
    }
    false
}

#[test]
fn a_library_signs_in_to_a_studio_with_the_credential_in_the_keyring() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (_server, url) = start_studio(&tmp.path().join("studio"));
    let lib = tmp.path().join("library");

    // Standalone to begin with.
    assert_eq!(status(&lib)["connection"], "standalone");

    // A wrong password: the studio's refusal, and nothing bound.
    let out = atelier(
        &lib,
        &[
            "studio",
            "login",
            &url,
            "--email",
            "olive@studio.test",
            "--password-stdin",
        ],
        Some("wrong password"),
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("the studio says"), "{err}");
    assert_eq!(status(&lib)["connection"], "standalone");

    // A studio that isn't there: said plainly, nothing bound.
    let out = atelier(
        &lib,
        &[
            "studio",
            "login",
            "http://127.0.0.1:9",
            "--email",
            "olive@studio.test",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("can't be reached"));
    // Not an address at all.
    let out = atelier(
        &lib,
        &[
            "studio",
            "login",
            "studio.local",
            "--email",
            "a@b.c",
            "--password-stdin",
        ],
        Some("x"),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("isn't a studio address"));
    assert_eq!(status(&lib)["connection"], "standalone");

    // Signing in binds the library, as the studio's Owner, with the sign-in in the keyring.
    let login = ok_json(&atelier(
        &lib,
        &[
            "studio",
            "login",
            &url,
            "--email",
            "Olive@Studio.test",
            "--password-stdin",
            "--device",
            "Test laptop",
            "--json",
        ],
        Some(PASSWORD),
    ));
    assert_eq!(login["studio"], "Test Studio");
    assert_eq!(login["user"]["email"], "olive@studio.test");
    assert_eq!(login["role"], "owner");
    assert_eq!(login["keyring"], "the Secret Service keyring");
    let device = login["device_id"].as_str().unwrap().to_string();
    let stored: Value =
        serde_json::from_str(&keyring_entry(&device).expect("the keyring holds the sign-in")).unwrap();
    let first_secret = stored["refresh_secret"].as_str().unwrap().to_string();
    assert!(first_secret.len() >= 43, "a 256-bit secret: {first_secret}");
    // Nowhere in the library folder: not the catalog, not a file beside it.
    assert!(
        !anywhere_in(&lib, &first_secret),
        "the refresh secret leaked into the library folder"
    );

    // Status asks the studio: online, as Olive, Owner. Each use rotates the secret and the
    // keyring keeps the new one, so a second status works too.
    let s = status(&lib);
    assert_eq!(s["connection"], "online", "{s}");
    assert_eq!(s["user"]["display_name"], "Olive Owner");
    assert_eq!(s["role"], "owner");
    assert_eq!(s["pending"], 0);
    let stored: Value = serde_json::from_str(&keyring_entry(&device).unwrap()).unwrap();
    assert_ne!(
        stored["refresh_secret"],
        first_secret.as_str(),
        "the secret rotates"
    );
    assert_eq!(status(&lib)["connection"], "online");

    // Bound: each command syncs what it changed; a private project's change has nothing to
    // send (projects stay on this machine until shared), so nothing waits.
    ok_json(&atelier(&lib, &["project", "create", "Shoot", "--json"], None));
    assert_eq!(status(&lib)["pending"], 0);
    assert!(status(&lib)["last_sync_at"].is_string());

    // Another studio is refused: a library belongs to one studio.
    let (_other, other_url) = start_studio(&tmp.path().join("other"));
    let out = atelier(
        &lib,
        &[
            "studio",
            "login",
            &other_url,
            "--email",
            "olive@studio.test",
            "--password-stdin",
        ],
        Some(PASSWORD),
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("bound to the studio at"));

    // Members and roles through the studio, checked there against the caller's current role.
    let members = ok_json(&atelier(&lib, &["studio", "members", "--json"], None));
    assert_eq!(members.as_array().unwrap().len(), 1);
    assert_eq!(members[0]["email"], "olive@studio.test");
    assert_eq!(members[0]["role"], "owner");
    let out = atelier(
        &lib,
        &["studio", "members", "role", "olive@studio.test", "member"],
        None,
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("the studio says"),
        "the last Owner stays one"
    );
    let out = atelier(
        &lib,
        &["studio", "members", "role", "nobody@studio.test", "admin"],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no member of the studio has the email"));
    let out = atelier(
        &lib,
        &["studio", "members", "role", "olive@studio.test", "emperor"],
        None,
    );
    assert!(
        !out.status.success(),
        "an unknown role is refused by the command line"
    );

    // A second library of Olive's: two devices; revoking it from the first signs it out there,
    // and it says so.
    let lib2 = tmp.path().join("library-2");
    let second = owner_login(&lib2, &url);
    let devices = ok_json(&atelier(&lib, &["studio", "devices", "--json"], None));
    assert_eq!(devices.as_array().unwrap().len(), 2);
    let this = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["current"] == true)
        .unwrap();
    assert_eq!(this["id"], device.as_str());
    assert_eq!(this["name"], "Test laptop");
    let id2 = second["device_id"].as_str().unwrap();
    let out = atelier(&lib, &["studio", "devices", "revoke", id2], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let s2 = status(&lib2);
    assert_eq!(s2["connection"], "revoked", "{s2}");
    assert!(s2["reason"].as_str().unwrap().contains("sign in again"));
    assert_eq!(
        keyring_entry(id2),
        None,
        "a revoked device's credential leaves the keyring"
    );
    let out = atelier(&lib2, &["studio", "members"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("signed out"));

    // A stolen refresh secret: replaying a spent one revokes the device (theft detection).
    let lib3 = tmp.path().join("library-3");
    let third = owner_login(&lib3, &url);
    let id3 = third["device_id"].as_str().unwrap().to_string();
    let spent = keyring_entry(&id3).unwrap();
    assert_eq!(status(&lib3)["connection"], "online"); // rotates: `spent` is now used up
    let mut store = Command::new("secret-tool")
        .args([
            "store",
            "--label",
            "replayed",
            "service",
            "Atelier studio",
            "username",
            &id3,
        ])
        .args(["target", "default", "application", "rust-keyring"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    store
        .stdin
        .take()
        .unwrap()
        .write_all(spent.trim_end().as_bytes())
        .unwrap();
    assert!(store.wait().unwrap().success());
    let s3 = status(&lib3);
    assert_eq!(s3["connection"], "revoked", "{s3}");
    let devices = ok_json(&atelier(&lib, &["studio", "devices", "--json"], None));
    assert!(
        devices
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["id"] != id3.as_str()),
        "the replayed device is revoked on the studio: {devices}"
    );

    // Invitations: Olive invites Bob; Bob joins with the link from his own library, which signs
    // in as him; the link is spent.
    let invited = ok_json(&atelier(
        &lib,
        &["studio", "invite", "bob@studio.test", "--json"],
        None,
    ));
    assert_eq!(invited["role"], "member");
    let link = invited["link"].as_str().unwrap().to_string();
    assert!(link.starts_with(&format!("{url}/invite/")), "{link}");
    let bob = tmp.path().join("library-bob");
    let out = atelier(
        &bob,
        &[
            "studio",
            "join",
            &link,
            "--email",
            "eve@studio.test",
            "--name",
            "Eve",
            "--password-stdin",
        ],
        Some("eve's password 123"),
    );
    assert!(!out.status.success(), "another email can't use Bob's link");
    let joined = ok_json(&atelier(
        &bob,
        &[
            "studio",
            "join",
            &link,
            "--email",
            "bob@studio.test",
            "--name",
            "Bob Builder",
            "--password-stdin",
            "--json",
        ],
        Some("bob's password 123"),
    ));
    assert_eq!(joined["user"]["email"], "bob@studio.test");
    assert_eq!(joined["role"], "member");
    assert_eq!(status(&bob)["connection"], "online");
    let out = atelier(
        &tmp.path().join("library-x"),
        &[
            "studio",
            "join",
            &link,
            "--email",
            "bob@studio.test",
            "--name",
            "Bob",
            "--password-stdin",
        ],
        Some("bob's password 123"),
    );
    assert!(!out.status.success(), "a spent link works once");
    let members = ok_json(&atelier(&lib, &["studio", "members", "--json"], None));
    assert_eq!(members.as_array().unwrap().len(), 2);
    // A Member can't invite: the studio checks the caller's current role.
    let out = atelier(&bob, &["studio", "invite", "mallory@studio.test"], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("the studio says"));
    // Promoted, Bob can.
    let out = atelier(
        &lib,
        &["studio", "members", "role", "BOB@studio.test", "admin"],
        None,
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("is now admin"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok_json(&atelier(
        &bob,
        &["studio", "invite", "carol@studio.test", "--json"],
        None,
    ));
    // Resend kills the old link; revoke kills the new one.
    let list = ok_json(&atelier(&lib, &["studio", "invitations", "--json"], None));
    let carol = list
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "carol@studio.test")
        .unwrap();
    let carol_id = carol["id"].as_str().unwrap().to_string();
    let renewed = ok_json(&atelier(
        &lib,
        &["studio", "invitations", "resend", &carol_id, "--json"],
        None,
    ));
    assert_ne!(renewed["link"], carol["link"]);
    let out = atelier(&lib, &["studio", "invitations", "revoke", &carol_id], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = atelier(
        &tmp.path().join("library-carol"),
        &[
            "studio",
            "join",
            renewed["link"].as_str().unwrap(),
            "--email",
            "carol@studio.test",
            "--name",
            "Carol",
            "--password-stdin",
        ],
        Some("carol's password 1"),
    );
    assert!(!out.status.success(), "a revoked invitation can't be accepted");
    let out = atelier(&lib, &["studio", "invitations", "revoke", "not-an-id"], None);
    assert!(String::from_utf8_lossy(&out.stderr).contains("isn't an invitation id"));
    // Removing Bob signs his library out at once.
    let out = atelier(&lib, &["studio", "members", "remove", "bob@studio.test"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(status(&bob)["connection"], "revoked");

    // Signing out: the studio revokes the device, the keyring forgets it, the binding stays.
    let out = atelier(&lib, &["studio", "logout"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("revoked this device"));
    assert_eq!(keyring_entry(&device), None);
    let s = status(&lib);
    assert_eq!(s["connection"], "signed_out", "{s}");
    assert_eq!(s["url"], url.as_str());

    // Signing in again as the same person continues the same binding with a new device.
    let again = owner_login(&lib, &url);
    assert_ne!(again["device_id"], device.as_str());
    assert_eq!(status(&lib)["connection"], "online");
}

/// Kills a child left running when a test fails half-way.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A form post to a studio page, url-encoded by hand (the values here need only `@` and ` `).
fn post_form(link: &str, fields: &[(&str, &str)]) -> (u16, String) {
    let body = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", v.replace('@', "%40").replace(' ', "+")))
        .collect::<Vec<_>>()
        .join("&");
    let res = reqwest::blocking::Client::new()
        .post(link)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .unwrap();
    (res.status().as_u16(), res.text().unwrap())
}

#[test]
fn a_library_signs_in_through_the_browser() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let (_server, url) = start_studio(&tmp.path().join("studio"));
    let lib = tmp.path().join("library");

    // Without --email: the browser flow, the link on stderr (and no browser in a test).
    let mut child = Command::new(ATELIER)
        .arg("--library")
        .arg(&lib)
        .args([
            "studio",
            "login",
            &url,
            "--device",
            "Atelier on test-box",
            "--json",
        ])
        .env("ATELIER_NO_BROWSER", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut running = Running(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let link = loop {
        let line = rx
            .recv_timeout(Duration::from_secs(60))
            .expect("login printed no link");
        if let Some(link) = line.strip_prefix("Open this link to sign in: ") {
            break link.trim().to_string();
        }
    };
    assert!(link.starts_with(&format!("{url}/login/")), "{link}");

    // The page names the device; a wrong password is refused there and changes nothing.
    let page = reqwest::blocking::get(&link).unwrap();
    assert_eq!(page.status().as_u16(), 200);
    assert!(page.text().unwrap().contains("Atelier on test-box"));
    let (code, html) = post_form(
        &link,
        &[
            ("action", "approve"),
            ("email", "olive@studio.test"),
            ("password", "not the password"),
        ],
    );
    assert_eq!(code, 400, "{html}");
    assert!(html.contains("wrong email or password"), "{html}");
    assert!(running.0.try_wait().unwrap().is_none(), "login gave up early");

    // The right one approves; the waiting login receives the credential and binds the library.
    let (code, html) = post_form(
        &link,
        &[
            ("action", "approve"),
            ("email", "olive@studio.test"),
            ("password", PASSWORD),
        ],
    );
    assert_eq!(code, 200, "{html}");
    assert!(html.contains("You can go back to Atelier"), "{html}");
    let mut waited = Duration::ZERO;
    let exit = loop {
        if let Some(exit) = running.0.try_wait().unwrap() {
            break exit;
        }
        assert!(waited < Duration::from_secs(60), "login didn't finish");
        std::thread::sleep(Duration::from_millis(100));
        waited += Duration::from_millis(100);
    };
    let mut out = String::new();
    stdout.read_to_string(&mut out).unwrap();
    assert!(exit.success(), "login failed: {out}");
    let login: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(login["studio"], "Test Studio");
    assert_eq!(login["user"]["email"], "olive@studio.test");
    assert_eq!(login["role"], "owner");
    let device = login["device_id"].as_str().unwrap().to_string();
    assert!(keyring_entry(&device).is_some(), "the keyring holds the sign-in");

    let s = status(&lib);
    assert_eq!(s["connection"], "online", "{s}");
    assert_eq!(s["device_id"], device.as_str());
    // The link worked once.
    let spent = reqwest::blocking::get(&link).unwrap();
    assert_eq!(spent.status().as_u16(), 404);

    // A denied sign-in: the login says so and binds nothing new.
    let mut child = Command::new(ATELIER)
        .arg("--library")
        .arg(tmp.path().join("other-library"))
        .args(["studio", "login", &url])
        .env("ATELIER_NO_BROWSER", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut running = Running(child);
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let link = loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).unwrap();
        if let Some(link) = line.strip_prefix("Open this link to sign in: ") {
            break link.trim().to_string();
        }
    };
    assert_eq!(post_form(&link, &[("action", "deny")]).0, 200);
    let exit = running.0.wait().unwrap();
    assert!(!exit.success());
    // Its stderr is closed now: every line it said.
    let said: Vec<String> = rx.iter().collect();
    assert!(said.iter().any(|l| l.contains("denied")), "{said:?}");
    assert_eq!(
        status(&tmp.path().join("other-library"))["connection"],
        "standalone"
    );
}

/// A new studio's data folder in `tmp`, served on a free port, and where Olive's (its Owner),
/// Ana's and Bo's libraries go.
struct NewStudio {
    data: PathBuf,
    server: Server,
    url: String,
    olive: PathBuf,
    ana: PathBuf,
    bo: PathBuf,
}

fn new_studio(tmp: &Path) -> NewStudio {
    let data = tmp.join("studio");
    init_studio(&data);
    let (server, url) = serve_studio(&data, "127.0.0.1:0");
    NewStudio {
        data,
        server,
        url,
        olive: tmp.join("olive"),
        ana: tmp.join("ana"),
        bo: tmp.join("bo"),
    }
}

/// Olive signs in as the Owner and invites Ana and Bo, who join.
fn olive_ana_and_bo(s: &NewStudio) {
    owner_login(&s.olive, &s.url);
    invite_and_join(&s.olive, &s.ana, "ana@studio.test", "Ana");
    invite_and_join(&s.olive, &s.bo, "bo@studio.test", "Bo");
}

/// Invites `email` from `owner_lib` and joins it from `lib` (signing `lib` in as them).
/// Signs `lib` in to the studio at `url` as its Owner, Olive; the sign-in's report.
fn owner_login(lib: &Path, url: &str) -> Value {
    ok_json(&atelier(
        lib,
        &[
            "studio",
            "login",
            url,
            "--email",
            "olive@studio.test",
            "--password-stdin",
            "--json",
        ],
        Some(PASSWORD),
    ))
}

fn invite_and_join(owner_lib: &Path, lib: &Path, email: &str, name: &str) {
    let invited = ok_json(&atelier(owner_lib, &["studio", "invite", email, "--json"], None));
    let link = invited["link"].as_str().unwrap().to_string();
    ok_json(&atelier(
        lib,
        &[
            "studio",
            "join",
            &link,
            "--email",
            email,
            "--name",
            name,
            "--password-stdin",
            "--json",
        ],
        Some("a long enough password"),
    ));
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The brand called `name` in a library's list.
fn brand(lib: &Path, name: &str) -> Value {
    let list = ok_json(&atelier(lib, &["brand", "list", "--json"], None));
    list.as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == name)
        .cloned()
        .unwrap_or(Value::Null)
}

fn role_in(brand: &Value, email: &str) -> Option<String> {
    brand["members"]
        .as_array()?
        .iter()
        .find(|m| m["user"] == email)
        .map(|m| m["role"].as_str().unwrap().to_string())
}

/// GET a served library's API with its launch token.
fn api_get(served: &str, path: &str) -> Value {
    let (base, token) = served.split_once("/?token=").unwrap();
    let out = Command::new("curl")
        .args([
            "-s",
            "-H",
            &format!("Authorization: Bearer {token}"),
            &format!("{base}{path}"),
        ])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or(Value::Null)
}

#[test]
fn libraries_share_brands_and_members_through_the_studio() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let NewStudio {
        data,
        server,
        url,
        olive,
        ana,
        bo,
    } = new_studio(tmp.path());
    let listen = url.trim_start_matches("http://").to_string();

    // Olive's standalone library has two brands; bound (she is the Owner), both are created
    // on the studio under the ids they have, with the library's kit.
    ok(&atelier(&olive, &["brand", "create", "Acme"], None));
    ok(&atelier(&olive, &["brand", "create", "Solo"], None));
    ok(&atelier(
        &olive,
        &["brand", "kit", "Solo", "--color", "#112233"],
        None,
    ));
    let acme_id = brand(&olive, "Acme")["id"].clone();
    owner_login(&olive, &url);
    let first = ok_json(&atelier(&olive, &["sync", "--json"], None));
    assert!(first["pushed"].as_u64().unwrap() >= 4, "{first}");
    assert_eq!(first["refused"], 0, "{first}");
    assert_eq!(
        brand(&olive, "Acme")["id"],
        acme_id,
        "binding keeps the library's ids"
    );
    // Her Personal brand is now her studio Personal brand (its id is hers).
    let me = status(&olive)["user"]["id"].clone();
    let personal = ok_json(&atelier(&olive, &["brand", "list", "--json"], None));
    assert!(
        personal
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["personal"] == true && b["id"] == me),
        "{personal}"
    );

    // Ana joins with a fresh library; Bo with a standalone one that has its own "Acme" and a
    // "Mine". Olive adds Bo to Acme; at his first sync his Acme matches the studio's by name;
    // Mine can't be created by a Member, so it is reported and kept in his library.
    invite_and_join(&olive, &ana, "ana@studio.test", "Ana");
    ok(&atelier(&bo, &["brand", "create", "ACME"], None));
    ok(&atelier(&bo, &["brand", "create", "Mine"], None));
    invite_and_join(&olive, &bo, "bo@studio.test", "Bo");
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "bo@studio.test",
            "--role",
            "viewer",
        ],
        None,
    ));
    ok_json(&atelier(&bo, &["sync", "--json"], None));
    assert_eq!(brand(&bo, "Acme")["id"], acme_id, "matched by name");
    assert!(!brand(&bo, "Mine").is_null(), "kept, never dropped");
    let refusals = ok_json(&atelier(&bo, &["studio", "refusals", "--json"], None));
    assert!(
        refusals
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["what"].as_str().unwrap().contains("'Mine'") && r["code"] == "forbidden"),
        "{refusals}"
    );

    // Olive makes Ana Manager of Acme (brand members by email, bound); Ana's library follows.
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "ana@studio.test",
            "--role",
            "manager",
        ],
        None,
    ));
    assert_eq!(
        role_in(&brand(&ana, "Acme"), "ana@studio.test").as_deref(),
        Some("manager")
    );
    // Someone who isn't in the studio can't be added.
    let out = atelier(
        &olive,
        &["brand", "member", "Acme", "add", "nobody@studio.test"],
        None,
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("isn't a member of the studio"));

    // Live: Ana's app is open; Olive makes Bo a Creator of Acme; the app's brands follow
    // within seconds (the benchmark measures the 1 s target).
    let mut app = Command::new(ATELIER)
        .arg("--library")
        .arg(&ana)
        .args(["serve", "--port", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(app.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let served = line
        .trim()
        .strip_prefix("Atelier is serving at ")
        .unwrap()
        .to_string();
    let app = Server(app);
    let until = std::time::Instant::now() + Duration::from_secs(20);
    while api_get(&served, "/api/studio/sync")["state"] != "up_to_date" {
        assert!(std::time::Instant::now() < until, "the app never synced");
        std::thread::sleep(Duration::from_millis(50));
    }
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "role",
            "bo@studio.test",
            "--role",
            "creator",
        ],
        None,
    ));
    let changed = std::time::Instant::now();
    loop {
        let brands = api_get(&served, "/api/brands");
        let acme = brands
            .as_array()
            .and_then(|l| l.iter().find(|b| b["name"] == "Acme").cloned())
            .unwrap_or(Value::Null);
        if role_in(&acme, "bo@studio.test").as_deref() == Some("creator") {
            break;
        }
        assert!(
            changed.elapsed() < Duration::from_secs(5),
            "the open app didn't follow"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    drop(app);

    // Offline: the studio stops; Ana (Manager) demotes Bo — queued, said so.
    drop(server);
    let out = atelier(
        &ana,
        &[
            "brand",
            "member",
            "Acme",
            "role",
            "bo@studio.test",
            "--role",
            "viewer",
        ],
        None,
    );
    ok(&out);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not synced yet"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(status(&ana)["pending"], 1);
    assert_eq!(status(&ana)["connection"], "offline");
    // Back online, but meanwhile Olive made Ana a Viewer: her queued change is refused with
    // the reason, listed, and undone in her library; nothing else is blocked.
    let (server, _) = serve_studio(&data, &listen);
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "role",
            "ana@studio.test",
            "--role",
            "viewer",
        ],
        None,
    ));
    let synced = ok_json(&atelier(&ana, &["sync", "--json"], None));
    assert_eq!(synced["refused"], 1, "{synced}");
    assert_eq!(status(&ana)["pending"], 0);
    let refusals = ok_json(&atelier(&ana, &["studio", "refusals", "--json"], None));
    let r = &refusals[0];
    assert_eq!(r["code"], "forbidden", "{refusals}");
    assert!(r["what"].as_str().unwrap().contains("bo@studio.test"), "{r}");
    assert!(r["message"].as_str().unwrap().contains("Manager"), "{r}");
    let acme = brand(&ana, "Acme");
    assert_eq!(
        role_in(&acme, "bo@studio.test").as_deref(),
        Some("creator"),
        "undone: {acme}"
    );
    assert_eq!(role_in(&acme, "ana@studio.test").as_deref(), Some("viewer"));
    // Discarded, it leaves the list.
    let id = r["id"].as_i64().unwrap().to_string();
    ok(&atelier(&ana, &["studio", "refusals", "discard", &id], None));
    assert_eq!(
        ok_json(&atelier(&ana, &["studio", "refusals", "--json"], None)),
        Value::Array(vec![])
    );

    // Limits: Owners and Admins set them; everyone reads them; bad values change nothing.
    let limits = ok_json(&atelier(
        &olive,
        &[
            "studio",
            "limits",
            "--projects",
            "3",
            "--storage-per-project",
            "20GB",
            "--json",
        ],
        None,
    ));
    assert_eq!(limits["projects_per_member"], 3);
    assert_eq!(limits["storage_per_project"], 20u64 << 30);
    let out = atelier(&ana, &["studio", "limits", "--projects", "5"], None);
    assert!(!out.status.success(), "a Member can't set limits");
    let out = atelier(
        &olive,
        &["studio", "limits", "--storage-per-project", "lots"],
        None,
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("e.g. 500MB"));
    let read = ok(&atelier(&ana, &["studio", "limits"], None));
    assert!(
        read.contains("Projects per member: 3") && read.contains("20.0 GiB"),
        "{read}"
    );
    // Pulled, they hold in Ana's library: a fourth project is refused with the limit and her
    // use; so is an import that would pass the storage limit, before any file is read.
    ok(&atelier(&ana, &["sync"], None));
    for name in ["One", "Two", "Three"] {
        ok(&atelier(&ana, &["project", "create", name], None));
    }
    let out = atelier(&ana, &["project", "create", "Four"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("limit_reached") && err.contains("3 projects per member"),
        "{err}"
    );
    ok(&atelier(
        &olive,
        &["studio", "limits", "--storage-per-project", "4KB"],
        None,
    ));
    ok(&atelier(&ana, &["sync"], None));
    let big = tmp.path().join("big.jpg");
    std::fs::write(&big, vec![0u8; 5000]).unwrap();
    let out = atelier(&ana, &["import", big.to_str().unwrap(), "--project", "One"], None);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("limit_reached") && err.contains("4.0 KiB per project"),
        "{err}"
    );
    // Her project settings show the use against both limits.
    let usage = ok_json(&atelier(&ana, &["project", "usage", "One", "--json"], None));
    assert_eq!(usage["storage_bytes"], 0, "{usage}");
    assert_eq!(usage["storage_limit"], 4096, "{usage}");
    assert_eq!(usage["projects_owned"], 3, "{usage}");
    assert_eq!(usage["projects_limit"], 3, "{usage}");
    let text = ok(&atelier(&ana, &["project", "usage", "One"], None));
    assert!(
        text.contains("0 bytes of 4.0 KiB") && text.contains("3 of 3"),
        "{text}"
    );
    ok(&atelier(
        &olive,
        &[
            "studio",
            "limits",
            "--projects",
            "none",
            "--storage-per-project",
            "none",
        ],
        None,
    ));

    // Restored from a backup: a new epoch; Ana's library starts its view over, keeping what
    // waits in its outbox (a kit change made while the studio was down).
    drop(server);
    ok(&atelier(
        &ana,
        &["brand", "kit", "Personal", "--prefix", "studio light"],
        None,
    ));
    let out = Command::new(studio_bin())
        .args(["new-epoch", "--data"])
        .arg(&data)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (server, _) = serve_studio(&data, &listen);
    let synced = ok_json(&atelier(&ana, &["sync", "--json"], None));
    assert_eq!(synced["rebootstrapped"], true, "{synced}");
    assert_eq!(synced["pushed"], 1, "{synced}");
    assert_eq!(synced["refused"], 0, "{synced}");
    assert_eq!(brand(&ana, "Personal")["prompt_prefix"], "studio light");
    assert_eq!(status(&ana)["pending"], 0);

    // Bo is removed from the studio: his devices are revoked, his library stops syncing and
    // says why; the others see him leave Acme.
    ok(&atelier(
        &olive,
        &["studio", "members", "remove", "bo@studio.test"],
        None,
    ));
    let out = atelier(&bo, &["sync"], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("signed this library out"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(role_in(&brand(&ana, "Acme"), "bo@studio.test"), None);
    drop(server);
}

/// Writes `n` distinct small JPEGs into `dir` (another `seed`, other pictures).
fn jpegs(dir: &Path, n: u8, seed: u8) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let img = image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([x as u8 ^ i, y as u8 ^ seed, i.wrapping_mul(60)])
        });
        let mut bytes = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Jpeg)
            .unwrap();
        std::fs::write(dir.join(format!("shot-{i}.jpg")), bytes).unwrap();
    }
}

/// A library's project called `name`, as `project list --json` shows it.
fn project(lib: &Path, name: &str) -> Value {
    let list = ok_json(&atelier(lib, &["project", "list", "--json"], None));
    list.as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .cloned()
        .unwrap_or(Value::Null)
}

/// The assets a library sees in a project, by id.
fn in_project(lib: &Path, name: &str) -> std::collections::BTreeMap<String, Value> {
    let page = ok_json(&atelier(
        lib,
        &["search", "--project", name, "--limit", "100", "--json"],
        None,
    ));
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].as_str().unwrap().to_string(), a.clone()))
        .collect()
}

#[test]
fn a_shared_project_reaches_its_brand_and_edits_converge() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let studio = new_studio(tmp.path());
    olive_ana_and_bo(&studio);
    let NewStudio {
        data,
        server,
        url,
        olive,
        ana,
        bo,
    } = studio;
    ok(&atelier(&olive, &["brand", "create", "Acme"], None));
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "ana@studio.test",
            "--role",
            "creator",
        ],
        None,
    ));

    // Olive imports a shoot onto Acme, and a private one; sharing is refused standalone-style
    // for someone else's project, and Bo (no role on Acme) sees the project but none of it.
    let shoot = tmp.path().join("shoot");
    jpegs(&shoot, 3, 0);
    let imported = ok_json(&atelier(
        &olive,
        &[
            "import",
            shoot.to_str().unwrap(),
            "--project",
            "Shoot",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    assert_eq!(imported["imported"], 3, "{imported}");
    let private = tmp.path().join("private");
    jpegs(&private, 1, 7);
    ok(&atelier(
        &olive,
        &["import", private.to_str().unwrap(), "--project", "Private"],
        None,
    ));
    ok(&atelier(&olive, &["project", "share", "Shoot"], None));
    assert_eq!(status(&olive)["pending"], 0, "shared at once");

    ok(&atelier(&ana, &["sync"], None));
    let p = project(&ana, "Shoot");
    assert_eq!(
        (p["mine"].as_bool(), p["shared"].as_bool()),
        (Some(false), Some(true)),
        "{p}"
    );
    assert_eq!(p["count"], 3, "{p}");
    assert_eq!(
        project(&ana, "Private"),
        Value::Null,
        "private projects never leave"
    );
    let seen = in_project(&ana, "Shoot");
    assert_eq!(seen.len(), 3);
    assert!(seen.values().all(|a| a["presence"] == "remote"), "{seen:?}");
    let id = seen.keys().next().unwrap().clone();
    // Olive's sync sent the originals and their thumbnails; Ana's brought the thumbnails.
    let shown = ok_json(&atelier(&ana, &["show", &id, "--json"], None));
    let thumb = shown["thumbnail"].as_str().unwrap_or_default().to_string();
    assert!(std::path::Path::new(&thumb).exists(), "{shown}");
    // On demand, the original comes down whole and takes its place; a project's rest follows.
    let got = ok_json(&atelier(&ana, &["download", &id, "--json"], None));
    let path = got["downloaded"][0]["path"].as_str().unwrap().to_string();
    let theirs = ok_json(&atelier(&olive, &["show", &id, "--json"], None))["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&theirs).unwrap());
    assert_eq!(
        ok_json(&atelier(&ana, &["show", &id, "--json"], None))["presence"],
        "ok"
    );
    let rest = ok_json(&atelier(
        &ana,
        &["download", "--project", "Shoot", "--json"],
        None,
    ));
    assert_eq!(rest["downloaded"].as_array().unwrap().len(), 2, "{rest}");
    assert!(in_project(&ana, "Shoot").values().all(|a| a["presence"] == "ok"));
    let out = atelier(&ana, &["download"], None);
    assert!(!out.status.success(), "nothing named: said so");
    // Olive pins it as one of Acme's anchors (R10.3): Ana's library pins it too; Ana (a
    // Creator) can't pin, and her library says so before anything is sent.
    ok(&atelier(&olive, &["brand", "pin", "Acme", &id], None));
    ok(&atelier(&ana, &["sync"], None));
    assert_eq!(
        brand(&ana, "Acme")["anchors"],
        serde_json::json!([id.clone()]),
        "{}",
        brand(&ana, "Acme")
    );
    assert!(
        !atelier(&ana, &["brand", "unpin", "Acme", &id], None)
            .status
            .success()
    );
    ok(&atelier(&bo, &["sync"], None));
    assert_eq!(project(&bo, "Shoot")["count"], 0);
    // Only the owner shares or unshares.
    let out = atelier(&ana, &["project", "unshare", "Shoot"], None);
    assert!(!out.status.success());

    // Ana (Creator) rates and tags Olive's work (submitting it is its creator's or a
    // Manager's); Olive's library follows at its next sync; Olive submits, Ana's follows.
    ok(&atelier(&ana, &["rate", "4", &id], None));
    ok(&atelier(&ana, &["tag", "add", "hero", &id], None));
    assert!(!atelier(&ana, &["review", "submit", &id], None).status.success());
    assert_eq!(status(&ana)["refusals"], 0, "{}", status(&ana));
    ok(&atelier(&olive, &["sync"], None));
    let there = ok_json(&atelier(&olive, &["show", &id, "--json"], None));
    assert_eq!(there["rating"], 4, "{there}");
    assert!(
        there["tags"].as_array().unwrap().iter().any(|t| t == "hero"),
        "{there}"
    );
    ok(&atelier(&olive, &["review", "submit", &id], None));
    ok(&atelier(&ana, &["sync"], None));
    assert_eq!(
        ok_json(&atelier(&ana, &["show", &id, "--json"], None))["status"],
        "in_review"
    );
    // Olive makes Ana a Manager of Acme; concurrent tags both survive; Ana approves.
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "role",
            "ana@studio.test",
            "--role",
            "manager",
        ],
        None,
    ));
    ok(&atelier(&ana, &["sync"], None));
    // Ana, a Manager of Acme now, adds a picture of her own to Olive's shared project: it
    // reaches Olive's library (only on the studio there) with its thumbnail.
    let mine = tmp.path().join("ana-shot");
    jpegs(&mine, 1, 99);
    let added = ok_json(&atelier(
        &ana,
        &[
            "import",
            mine.to_str().unwrap(),
            "--project",
            "Shoot",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    assert_eq!(added["imported"], 1, "{added}");
    let p = project(&ana, "Shoot");
    assert_eq!(
        (p["mine"].as_bool(), p["count"].as_u64()),
        (Some(false), Some(4)),
        "{p}"
    );
    ok(&atelier(&olive, &["sync"], None));
    let there = in_project(&olive, "Shoot");
    assert_eq!(there.len(), 4, "{there:?}");
    let hers: Vec<_> = there.values().filter(|a| a["presence"] == "remote").collect();
    assert_eq!(hers.len(), 1, "{there:?}");
    let shown = ok_json(&atelier(
        &olive,
        &["show", hers[0]["id"].as_str().unwrap(), "--json"],
        None,
    ));
    assert!(shown["thumbnail"].is_string(), "{shown}");
    ok(&atelier(&olive, &["tag", "add", "client", &id], None));
    ok(&atelier(&ana, &["tag", "add", "sunset", &id], None));
    ok(&atelier(&ana, &["review", "approve", &id], None));
    ok(&atelier(&ana, &["sync"], None));
    ok(&atelier(&olive, &["sync"], None));
    for lib in [&olive, &ana] {
        let a = ok_json(&atelier(lib, &["show", &id, "--json"], None));
        let mut tags: Vec<_> = a["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        tags.sort();
        assert_eq!(tags, ["client", "hero", "sunset"], "{a}");
        assert_eq!(a["status"], "approved", "{a}");
    }
    // The brand's collections and campaigns travel with it: Olive files the asset into a
    // new nested collection and onto a new campaign; Ana's library has both, with the asset;
    // Ana (a Manager now) renames the collection and takes the asset off the campaign, and
    // Olive's follows.
    ok(&atelier(
        &olive,
        &["collection", "create", "Picks/Hero", "--brand", "Acme"],
        None,
    ));
    ok(&atelier(
        &olive,
        &["collection", "add", "Picks/Hero", &id, "--brand", "Acme"],
        None,
    ));
    ok(&atelier(
        &olive,
        &["campaign", "create", "Spring", "--brand", "Acme"],
        None,
    ));
    ok(&atelier(
        &olive,
        &["campaign", "add", "Spring", &id, "--brand", "Acme"],
        None,
    ));
    ok(&atelier(&ana, &["sync"], None));
    let counts = |lib: &std::path::Path| {
        let collections = ok_json(&atelier(
            lib,
            &["collection", "list", "--brand", "Acme", "--json"],
            None,
        ));
        let campaigns = ok_json(&atelier(
            lib,
            &["campaign", "list", "--brand", "Acme", "--json"],
            None,
        ));
        let mut out: Vec<(String, u64)> = collections
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["path"].as_str().unwrap().to_string(),
                    c["count"].as_u64().unwrap(),
                )
            })
            .chain(campaigns.as_array().unwrap().iter().map(|c| {
                (
                    format!("campaign {}", c["name"].as_str().unwrap()),
                    c["count"].as_u64().unwrap(),
                )
            }))
            .collect();
        out.sort();
        out
    };
    let both = vec![
        ("Picks".to_string(), 0),
        ("Picks/Hero".to_string(), 1),
        ("campaign Spring".to_string(), 1),
    ];
    assert_eq!(counts(&ana), both);
    ok(&atelier(
        &ana,
        &["collection", "rename", "Picks/Hero", "Heroes", "--brand", "Acme"],
        None,
    ));
    ok(&atelier(
        &ana,
        &["campaign", "remove", "Spring", &id, "--brand", "Acme"],
        None,
    ));
    ok(&atelier(&olive, &["sync"], None));
    let after = vec![
        ("Picks".to_string(), 0),
        ("Picks/Heroes".to_string(), 1),
        ("campaign Spring".to_string(), 0),
    ];
    assert_eq!(counts(&olive), after);
    assert_eq!(counts(&ana), after);

    // Olive archives it; Ana, before pulling that, rates it 2: her rating still
    // applies (fields are last-writer-wins in studio order) and both converge.
    ok(&atelier(&olive, &["review", "archive", &id], None));
    ok(&atelier(&ana, &["rate", "2", &id], None));
    ok(&atelier(&olive, &["sync"], None));
    for lib in [&olive, &ana] {
        let a = ok_json(&atelier(lib, &["show", &id, "--json"], None));
        assert_eq!(
            (a["status"].as_str(), a["rating"].as_u64()),
            (Some("archived"), Some(2)),
            "{a}"
        );
    }

    // Unsharing takes it out of Ana's library; Olive keeps everything, private again.
    ok(&atelier(&olive, &["project", "unshare", "Shoot"], None));
    ok(&atelier(&ana, &["sync"], None));
    assert_eq!(project(&ana, "Shoot"), Value::Null);
    let out = atelier(&ana, &["show", &id, "--json"], None);
    assert!(!out.status.success(), "gone from Ana's library");
    let p = project(&olive, "Shoot");
    assert_eq!(
        (p["shared"].as_bool(), p["count"].as_u64()),
        (Some(false), Some(3)),
        "{p}"
    );
    assert_eq!(status(&olive)["refusals"], 0, "{}", status(&olive));

    // A RAW and its JPEG (stacked at import, the JPEG on top) are one card in Ana's library
    // too; Olive unstacks them, and Ana gets two cards.
    let pair = tmp.path().join("pair");
    jpegs(&pair, 1, 11);
    let jpeg = std::fs::read_dir(&pair).unwrap().next().unwrap().unwrap().path();
    let raw =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()))
            .join("../../tests/fixtures/corpus/raw/real/Kodak_DC120__P003913.KDC");
    std::fs::copy(&raw, jpeg.with_extension("KDC")).unwrap();
    let imported = ok_json(&atelier(
        &olive,
        &[
            "import",
            pair.to_str().unwrap(),
            "--project",
            "Pair",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    assert_eq!(imported["imported"], 2, "{imported}");
    ok(&atelier(&olive, &["project", "share", "Pair"], None));
    ok(&atelier(&ana, &["sync"], None));
    let cards = in_project(&ana, "Pair");
    assert_eq!(cards.len(), 1, "{cards:?}");
    let (cover, card) = cards.into_iter().next().unwrap();
    assert_eq!(card["stack_count"], 2, "{card}");
    let shown = ok_json(&atelier(&ana, &["show", &cover, "--json"], None));
    assert_eq!(shown["stack"].as_array().map(Vec::len), Some(2), "{shown}");
    assert_eq!(
        shown["stack"][0].as_str(),
        Some(cover.as_str()),
        "the JPEG on top: {shown}"
    );
    ok(&atelier(&olive, &["unstack", &cover], None));
    ok(&atelier(&olive, &["sync"], None));
    ok(&atelier(&ana, &["sync"], None));
    assert_eq!(in_project(&ana, "Pair").len(), 2);
    assert_eq!(status(&ana)["refusals"], 0, "{}", status(&ana));

    // Exporting one of them fetches its original first: the zip holds Olive's bytes.
    assert!(
        in_project(&ana, "Pair")
            .values()
            .all(|a| a["presence"] == "remote")
    );
    let one = in_project(&ana, "Pair").into_keys().next().unwrap();
    let zip = tmp.path().join("pair.zip");
    let exported = ok_json(&atelier(
        &ana,
        &["export", "--zip", zip.to_str().unwrap(), &one, "--json"],
        None,
    ));
    assert_eq!(
        exported["written"].as_array().map(Vec::len),
        Some(1),
        "{exported}"
    );
    let theirs = ok_json(&atelier(&olive, &["show", &one, "--json"], None))["path"]
        .as_str()
        .unwrap()
        .to_string();
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&zip).unwrap()).unwrap();
    let mut inside = Vec::new();
    archive.by_index(0).unwrap().read_to_end(&mut inside).unwrap();
    assert_eq!(inside, std::fs::read(&theirs).unwrap());
    assert_eq!(in_project(&ana, "Pair")[&one]["presence"], "ok");

    // With the studio out of reach the other can't come down, and the export says so — not
    // "missing": its original is on the studio.
    drop(server);
    let other = in_project(&ana, "Pair")
        .into_iter()
        .find(|(_, a)| a["presence"] == "remote")
        .map(|(id, _)| id)
        .unwrap();
    let zip2 = tmp.path().join("other.zip");
    let out = atelier(
        &ana,
        &["export", "--zip", zip2.to_str().unwrap(), &other, "--json"],
        None,
    );
    assert!(!out.status.success(), "{out:?}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["failed"][0]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("only on the studio")),
        "{report}"
    );
    let _server = serve_studio(&data, url.trim_start_matches("http://")).0;

    // Ana keeps "Pair" available offline: her next sync brings the rest down. A private
    // project has nothing only on the studio: refused, with why.
    let kept = ok_json(&atelier(&ana, &["project", "offline", "Pair", "--json"], None));
    assert_eq!(kept["offline"], true, "{kept}");
    let out = atelier(&ana, &["project", "offline", "Inbox"], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("isn't shared"),
        "{out:?}"
    );
    ok(&atelier(&ana, &["sync"], None));
    let here = in_project(&ana, "Pair");
    assert!(here.values().all(|a| a["presence"] == "ok"), "{here:?}");
}

/// Serves the studio (rows on PostgreSQL, blobs in a bucket) with `env`, on `listen`.
fn serve_studio_on(
    data: &Path,
    listen: &str,
    database: &str,
    blobs: &str,
    env: &[(&str, String)],
) -> (Server, String) {
    serve_studio_with(
        data,
        listen,
        &["--database-url", database, "--blob-url", blobs],
        env,
    )
}

/// Rating, status and tags of an asset as a library shows it.
fn facts_of(lib: &Path, id: &str) -> (u64, String, Vec<String>) {
    let a = ok_json(&atelier(lib, &["show", id, "--json"], None));
    let mut tags: Vec<String> = a["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap().to_string())
        .collect();
    tags.sort();
    (
        a["rating"].as_u64().unwrap(),
        a["status"].as_str().unwrap().to_string(),
        tags,
    )
}

/// Two studio processes on one PostgreSQL database and one S3 bucket (SeaweedFS here), and
/// three libraries — Olive (Owner) and Mia (Manager of Acme) on one process, Cy (Creator of
/// Acme) on the other — sharing a project of real photos: edits made while the studio is down
/// converge once it is back; of two conflicting review decisions the first to arrive stands and
/// the other is listed with its reason; a role taken away while Cy was offline refuses what it
/// no longer allows, undone in Cy's library; originals reach both members byte for byte; the
/// unshare leaves both.
#[test]
fn a_team_converges_across_two_studio_processes_on_postgres_and_s3() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let Some(database) = runtime.block_on(atelier_studio::testing::TestDatabase::create()) else {
        return;
    };
    let Some(bucket) = atelier_studio::blobs::testing::TestBucket::new() else {
        return;
    };
    let blobs = format!("s3://{}/{}", bucket.bucket, bucket.prefix);
    let env = bucket.env();
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("studio");
    let mut init = Command::new(studio_bin())
        .args(["init", "--data"])
        .arg(&data)
        .args(["--database-url", &database.url, "--blob-url", &blobs])
        .args([
            "--owner",
            "olive@studio.test",
            "--name",
            "Olive Owner",
            "--studio",
            "Two Processes",
        ])
        .arg("--password-stdin")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(init.stdin.take().unwrap(), "{PASSWORD}").unwrap();
    let out = init.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "init: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (server_a, url_a) = serve_studio_on(&data, "127.0.0.1:0", &database.url, &blobs, &env);
    let (server_b, url_b) = serve_studio_on(&data, "127.0.0.1:0", &database.url, &blobs, &env);
    let (olive, mia, cy) = (
        tmp.path().join("olive"),
        tmp.path().join("mia"),
        tmp.path().join("cy"),
    );
    owner_login(&olive, &url_a);
    invite_and_join(&olive, &mia, "mia@studio.test", "Mia");
    // Cy joins through the other process: the same studio, another door.
    let invited = ok_json(&atelier(
        &olive,
        &["studio", "invite", "cy@studio.test", "--json"],
        None,
    ));
    let link = invited["link"].as_str().unwrap().replace(&url_a, &url_b);
    ok_json(&atelier(
        &cy,
        &[
            "studio",
            "join",
            &link,
            "--email",
            "cy@studio.test",
            "--name",
            "Cy",
            "--password-stdin",
            "--json",
        ],
        Some("a long enough password"),
    ));
    ok(&atelier(&olive, &["brand", "create", "Acme"], None));
    for (email, role) in [("mia@studio.test", "manager"), ("cy@studio.test", "creator")] {
        ok(&atelier(
            &olive,
            &["brand", "member", "Acme", "add", email, "--role", role],
            None,
        ));
    }

    // Real photos from the corpus (its small stand-ins in a clone without it).
    let shoot = tmp.path().join("shoot");
    std::fs::create_dir_all(&shoot).unwrap();
    let corpus =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()))
            .join("../../tests/fixtures/corpus/photos/digicam");
    let mut photos: Vec<_> = std::fs::read_dir(&corpus)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("jpg")))
        .collect();
    photos.sort();
    for p in photos.iter().take(4) {
        std::fs::copy(p, shoot.join(p.file_name().unwrap())).unwrap();
    }
    let imported = ok_json(&atelier(
        &olive,
        &[
            "import",
            shoot.to_str().unwrap(),
            "--project",
            "Shoot",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    assert_eq!(imported["imported"], 4, "{imported}");
    ok(&atelier(&olive, &["project", "share", "Shoot"], None));
    for lib in [&mia, &cy] {
        ok(&atelier(lib, &["sync"], None));
        assert_eq!(project(lib, "Shoot")["count"], 4, "{}", lib.display());
    }
    let mut ids: Vec<String> = in_project(&olive, "Shoot").keys().cloned().collect();
    ids.sort();
    let (x, y) = (ids[0].clone(), ids[1].clone());
    ok(&atelier(&olive, &["review", "submit", &y], None));
    for lib in [&mia, &cy] {
        ok(&atelier(lib, &["sync"], None));
    }

    // Both processes go down. Mia approves Y and rates X 5; Olive sends Y back; Cy rates X 3
    // and tags it. Each change waits in its library's outbox.
    drop(server_a);
    drop(server_b);
    ok(&atelier(&mia, &["review", "approve", &y], None));
    ok(&atelier(&mia, &["rate", "5", &x], None));
    ok(&atelier(
        &olive,
        &["review", "reject", &y, "--note", "Tighter crop"],
        None,
    ));
    ok(&atelier(&cy, &["rate", "3", &x], None));
    ok(&atelier(&cy, &["tag", "add", "cy-pick", &x], None));
    for lib in [&olive, &mia, &cy] {
        assert!(status(lib)["pending"].as_i64().unwrap() > 0, "{}", status(lib));
    }
    // Olive adds a fifth photo meanwhile: her card says its original hasn't gone up yet.
    let late = tmp.path().join("late");
    std::fs::create_dir_all(&late).unwrap();
    std::fs::copy(&photos[4], late.join(photos[4].file_name().unwrap())).unwrap();
    ok(&atelier(
        &olive,
        &[
            "import",
            late.to_str().unwrap(),
            "--project",
            "Shoot",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    let waiting: Vec<_> = in_project(&olive, "Shoot")
        .into_values()
        .filter(|a| a["unsent"] == true)
        .collect();
    assert_eq!(waiting.len(), 1, "{waiting:?}");

    // Back up on the same addresses. Olive first: her decision on Y lands, and she makes Cy a
    // Viewer while Cy's library still thinks otherwise.
    let (_server_a, again_a) = serve_studio_on(
        &data,
        url_a.trim_start_matches("http://"),
        &database.url,
        &blobs,
        &env,
    );
    assert_eq!(again_a, url_a);
    let (_server_b, again_b) = serve_studio_on(
        &data,
        url_b.trim_start_matches("http://"),
        &database.url,
        &blobs,
        &env,
    );
    assert_eq!(again_b, url_b);
    ok(&atelier(&olive, &["sync"], None));
    assert!(
        in_project(&olive, "Shoot").values().all(|a| a["unsent"] == false),
        "the late original went up with the sync"
    );
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "cy@studio.test",
            "--role",
            "viewer",
        ],
        None,
    ));
    ok(&atelier(&mia, &["sync"], None));
    ok(&atelier(&cy, &["sync"], None));
    ok(&atelier(&olive, &["sync"], None));
    ok(&atelier(&mia, &["sync"], None));

    // Mia's approval came second: refused as stale, listed with its reason; her rating stands.
    let refused = ok_json(&atelier(&mia, &["studio", "refusals", "--json"], None));
    let list = refused.as_array().unwrap();
    assert_eq!(list.len(), 1, "{refused}");
    assert_eq!(list[0]["code"], "stale_state", "{refused}");
    // Cy lost the Creator role while offline: both changes refused, each listed, both undone.
    let refused = ok_json(&atelier(&cy, &["studio", "refusals", "--json"], None));
    let list = refused.as_array().unwrap();
    assert_eq!(list.len(), 2, "{refused}");
    assert!(list.iter().all(|r| r["code"] == "forbidden"), "{refused}");
    let want_x = facts_of(&olive, &x);
    assert_eq!((want_x.0, want_x.1.as_str()), (5, "draft"), "{want_x:?}");
    assert!(!want_x.2.iter().any(|t| t == "cy-pick"), "{want_x:?}");
    let want_y = facts_of(&olive, &y);
    assert_eq!(want_y.1, "rejected", "sent back: {want_y:?}");
    for lib in [&olive, &mia, &cy] {
        assert_eq!(facts_of(lib, &x), want_x, "{}", lib.display());
        assert_eq!(facts_of(lib, &y), want_y, "{}", lib.display());
    }

    // Cy is a Creator again; Retry sends the refused tag once more, as a new change: it lands.
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "cy@studio.test",
            "--role",
            "creator",
        ],
        None,
    ));
    ok(&atelier(&cy, &["sync"], None));
    let tag = list
        .iter()
        .find(|r| r["intent"] == "tag.add")
        .unwrap_or_else(|| panic!("{refused}"));
    assert_eq!(tag["retryable"], true, "{tag}");
    ok(&atelier(
        &cy,
        &["studio", "refusals", "retry", &tag["id"].to_string()],
        None,
    ));
    let left = ok_json(&atelier(&cy, &["studio", "refusals", "--json"], None));
    assert_eq!(
        left.as_array().unwrap().len(),
        1,
        "the retried one left the list: {left}"
    );
    let out = atelier(&cy, &["studio", "refusals", "retry", "999999"], None);
    assert!(!out.status.success(), "an unknown entry is refused");
    ok(&atelier(&olive, &["sync"], None));
    ok(&atelier(&mia, &["sync"], None));
    for lib in [&olive, &mia, &cy] {
        assert!(
            facts_of(lib, &x).2.iter().any(|t| t == "cy-pick"),
            "{}",
            lib.display()
        );
    }

    // Originals, sent to the bucket through one process, come down through either, equal.
    for lib in [&mia, &cy] {
        let got = ok_json(&atelier(lib, &["download", "--project", "Shoot", "--json"], None));
        assert_eq!(got["downloaded"].as_array().unwrap().len(), 5, "{got}");
        for id in &ids {
            let theirs = ok_json(&atelier(&olive, &["show", id, "--json"], None))["path"]
                .as_str()
                .unwrap()
                .to_string();
            let ours = ok_json(&atelier(lib, &["show", id, "--json"], None))["path"]
                .as_str()
                .unwrap()
                .to_string();
            assert_eq!(std::fs::read(&ours).unwrap(), std::fs::read(&theirs).unwrap());
        }
    }

    // Unsharing leaves both members' libraries; Olive keeps all five.
    ok(&atelier(&olive, &["project", "unshare", "Shoot"], None));
    for lib in [&mia, &cy] {
        ok(&atelier(lib, &["sync"], None));
        assert_eq!(project(lib, "Shoot"), Value::Null, "{}", lib.display());
    }
    assert_eq!(project(&olive, "Shoot")["count"], 5);
}

/// A TCP proxy to `upstream` that passes everything as it is, except one byte of the body of
/// the first upload part it carries, which it flips (a network damaging data on the way).
/// Returns its address and whether it has flipped yet.
fn damaging_proxy(upstream: &str) -> (String, std::sync::Arc<std::sync::atomic::AtomicBool>) {
    use std::net::{TcpListener, TcpStream};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let at = format!("http://{}", listener.local_addr().unwrap());
    let upstream = upstream.trim_start_matches("http://").to_string();
    let flipped = Arc::new(AtomicBool::new(false));
    let done = flipped.clone();
    std::thread::spawn(move || {
        for client in listener.incoming() {
            let Ok(client) = client else { return };
            let Ok(server) = TcpStream::connect(&upstream) else {
                return;
            };
            let (mut c_read, mut s_write) = (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(std::net::Shutdown::Both);
            });
            let done = done.clone();
            std::thread::spawn(move || {
                // The stream's recent bytes, to find a part upload's headers; where in the
                // stream the byte to flip is, once found.
                let mut seen: Vec<u8> = Vec::new();
                let (mut at, mut flip_at): (usize, Option<usize>) = (0, None);
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match c_read.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let chunk = &mut buf[..n];
                    if flip_at.is_none() && !done.load(Ordering::SeqCst) {
                        let start = seen.len();
                        seen.extend_from_slice(chunk);
                        let find =
                            |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
                        if let Some(put) = find(&seen, b"PUT ")
                            && let Some(line) = find(&seen[put..], b"\r\n")
                            && find(&seen[put..put + line], b"/parts/").is_some()
                            && let Some(end) = find(&seen[put..], b"\r\n\r\n")
                        {
                            // 1,000 bytes into the body.
                            flip_at = Some(at - start + put + end + 4 + 1000);
                        }
                        if seen.len() > 64 * 1024 {
                            seen.drain(..seen.len() - 8 * 1024);
                        }
                    }
                    if let Some(f) = flip_at
                        && (at..at + n).contains(&f)
                        && !done.swap(true, Ordering::SeqCst)
                    {
                        chunk[f - at] ^= 0x01;
                        flip_at = None;
                    }
                    at += n;
                    if s_write.write_all(chunk).is_err() {
                        break;
                    }
                }
                let _ = s_write.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    (at, flipped)
}

/// Uploads through a network that damages data and a library killed half-way (STUDIO.md §5,
/// issue 12): a part with one byte flipped on the way is refused by the studio and the
/// original waits ("Not yet uploaded"); the next sync is killed after its first part landed;
/// the one after resumes and completes; a member downloads it byte for byte. And the plan's
/// storage per project, checked again by the studio when an upload starts.
#[test]
fn an_upload_damaged_on_the_way_or_cut_off_completes_whole() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let NewStudio {
        data,
        server: _server,
        url,
        olive,
        ana,
        ..
    } = new_studio(tmp.path());
    let (proxy, flipped) = damaging_proxy(&url);
    owner_login(&olive, &proxy);
    invite_and_join(&olive, &ana, "ana@studio.test", "Ana");
    ok(&atelier(&olive, &["brand", "create", "Acme"], None));
    ok(&atelier(
        &olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "ana@studio.test",
            "--role",
            "creator",
        ],
        None,
    ));
    ok(&atelier(&olive, &["project", "create", "Big"], None));
    ok(&atelier(&olive, &["project", "share", "Big"], None));
    ok(&atelier(&ana, &["sync"], None));

    // A scan of three 16 MiB parts (the last one short): noise, so nothing compresses it.
    let big = tmp.path().join("big");
    std::fs::create_dir_all(&big).unwrap();
    let mut state: u32 = 0x9E37_79B9;
    let img = image::RgbImage::from_fn(4000, 3000, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        image::Rgb([state as u8, (state >> 8) as u8, (state >> 16) as u8])
    });
    img.save(big.join("scan.tif")).unwrap();
    let original = std::fs::read(big.join("scan.tif")).unwrap();
    assert!(original.len() as u64 > 2 * (16 << 20), "{}", original.len());

    // The import syncs at once: its first part is damaged on the way, refused, and the
    // original waits.
    let imported = ok_json(&atelier(
        &olive,
        &[
            "import",
            big.to_str().unwrap(),
            "--project",
            "Big",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    assert_eq!(imported["imported"], 1, "{imported}");
    assert!(
        flipped.load(std::sync::atomic::Ordering::SeqCst),
        "the proxy saw no part upload"
    );
    let card = in_project(&olive, "Big").into_values().next().unwrap();
    assert_eq!(card["unsent"], true, "{card}");
    let id = card["id"].as_str().unwrap().to_string();

    // The next sync is killed once the studio has its first part.
    let db = rusqlite::Connection::open_with_flags(
        data.join("studio.db"),
        rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY,
    )
    .unwrap();
    let parts = || -> i64 {
        db.query_row("SELECT count(*) FROM upload_part", [], |r| r.get(0))
            .unwrap_or(0)
    };
    let stored = || -> i64 {
        db.query_row("SELECT count(*) FROM blob", [], |r| r.get(0))
            .unwrap()
    };
    let child = Command::new(ATELIER)
        .arg("--library")
        .arg(&olive)
        .arg("sync")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut running = Running(child);
    let until = std::time::Instant::now() + Duration::from_secs(120);
    while parts() == 0 {
        assert!(std::time::Instant::now() < until, "no part arrived");
        assert!(
            running.0.try_wait().unwrap().is_none(),
            "the sync ended before a part landed"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    running.0.kill().unwrap();
    running.0.wait().unwrap();
    let landed = parts();
    assert!((1..3).contains(&landed), "{landed} parts");
    assert_eq!(stored(), 0, "cut off: not stored");
    assert_eq!(in_project(&olive, "Big")[&id]["unsent"], true);

    // The next sync resumes after the parts the studio has, and the original is whole there.
    ok(&atelier(&olive, &["sync"], None));
    assert_eq!(stored(), 1);
    assert_eq!(parts(), 0, "the session is done");
    assert_eq!(in_project(&olive, "Big")[&id]["unsent"], false);

    // The plan's storage per project, checked by the studio when an upload starts: Ana, who
    // hasn't seen the scan nor the new limit, adds a photo the project no longer has room for.
    // The studio refuses it before a byte is sent; Couldn't sync says why (once); it waits.
    ok(&atelier(
        &olive,
        &["studio", "limits", "--storage-per-project", "40MB"],
        None,
    ));
    let small = tmp.path().join("small");
    std::fs::create_dir_all(&small).unwrap();
    // 6.75 MB of the scan's noise, as another picture.
    let img = image::RgbImage::from_fn(1500, 1500, |x, y| {
        let i = (y as usize * 1500 + x as usize) * 3 + 1;
        image::Rgb([original[i], original[i + 1], original[i + 2]])
    });
    img.save(small.join("wide.tif")).unwrap();
    ok(&atelier(
        &ana,
        &[
            "import",
            small.to_str().unwrap(),
            "--project",
            "Big",
            "--brand",
            "Acme",
            "--json",
        ],
        None,
    ));
    ok(&atelier(&ana, &["sync"], None));
    let refusals = ok_json(&atelier(&ana, &["studio", "refusals", "--json"], None));
    let over: Vec<_> = refusals
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["code"] == "limit_reached")
        .collect();
    assert_eq!(over.len(), 1, "{refusals}");
    assert!(
        over[0]["what"].as_str().unwrap().starts_with("Upload "),
        "{refusals}"
    );
    assert!(over[0]["message"].as_str().unwrap().contains("40"), "{refusals}");
    assert!(in_project(&ana, "Big").values().any(|a| a["unsent"] == true));
    ok(&atelier(&ana, &["sync"], None));
    let got = ok_json(&atelier(&ana, &["download", &id, "--json"], None));
    let path = got["downloaded"][0]["path"].as_str().unwrap().to_string();
    let theirs = ok_json(&atelier(&olive, &["show", &id, "--json"], None))["path"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&theirs).unwrap());
    assert_eq!(std::fs::read(&theirs).unwrap(), original);
}

/// `atelier` for `lib` on a machine whose clock is `skew` off (libfaketime's offset, "+400d").
fn atelier_skewed(skew: &str, lib: &Path, args: &[&str]) -> Output {
    let out = Command::new("faketime")
        .args(["-f", skew, ATELIER, "--library"])
        .arg(lib)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "under faketime {skew}: atelier {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Clock skew between machines changes nothing (STUDIO.md §4, issue 12): the studio orders
/// changes by its own sequence, never by the libraries' clocks. Ana's computer runs 400 days
/// ahead, Bo's 400 days behind: a rating Ana made "in the future" is overwritten by Olive's made
/// after it, Bo's made after both wins though his clock says last year, and everyone converges.
#[test]
fn clock_skew_between_machines_changes_nothing() {
    let Some(_one_at_a_time) = in_session() else {
        return;
    };
    if Command::new("faketime").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("ATELIER_REQUIRE_SERVICES").is_none(),
            "CI needs faketime (scripts/setup.sh installs it)"
        );
        eprintln!("faketime isn't installed: skipped (scripts/setup.sh installs it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let studio = new_studio(tmp.path());
    olive_ana_and_bo(&studio);
    let NewStudio {
        server: _server,
        olive,
        ana,
        bo,
        ..
    } = studio;
    ok(&atelier(&olive, &["brand", "create", "Acme"], None));
    for who in ["ana@studio.test", "bo@studio.test"] {
        ok(&atelier(
            &olive,
            &["brand", "member", "Acme", "add", who, "--role", "manager"],
            None,
        ));
    }
    let shoot = tmp.path().join("shoot");
    jpegs(&shoot, 2, 5);
    ok(&atelier(
        &olive,
        &[
            "import",
            shoot.to_str().unwrap(),
            "--project",
            "Shoot",
            "--brand",
            "Acme",
        ],
        None,
    ));
    ok(&atelier(&olive, &["project", "share", "Shoot"], None));
    let (ahead, behind) = ("+400d", "-400d");
    atelier_skewed(ahead, &ana, &["sync"]);
    atelier_skewed(behind, &bo, &["sync"]);
    let id = in_project(&olive, "Shoot").into_keys().next().unwrap();

    // In real order: Ana (clock ahead) rates 2, Olive rates 5, Bo (clock behind) rates 1 and
    // tags it; Ana submits it for review, Bo approves it.
    atelier_skewed(ahead, &ana, &["rate", "2", &id]);
    ok(&atelier(&olive, &["rate", "5", &id], None));
    ok(&atelier(&olive, &["sync"], None));
    assert_eq!(
        facts_of(&olive, &id).0,
        5,
        "the later change wins, whatever Ana's clock says"
    );
    atelier_skewed(behind, &bo, &["rate", "1", &id]);
    atelier_skewed(behind, &bo, &["tag", "add", "late-clock", &id]);
    atelier_skewed(ahead, &ana, &["sync"]);
    atelier_skewed(ahead, &ana, &["review", "submit", &id]);
    atelier_skewed(behind, &bo, &["sync"]);
    atelier_skewed(behind, &bo, &["review", "approve", &id]);
    atelier_skewed(ahead, &ana, &["sync"]);
    ok(&atelier(&olive, &["sync"], None));
    let want = (1, "approved".to_string(), vec!["late-clock".to_string()]);
    assert_eq!(facts_of(&olive, &id), want);
    let shown = |skew: &str, lib: &Path| -> (u64, String, Vec<String>) {
        let out = atelier_skewed(skew, lib, &["show", &id, "--json"]);
        let a: Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut tags: Vec<String> = a["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect();
        tags.sort();
        (
            a["rating"].as_u64().unwrap(),
            a["status"].as_str().unwrap().to_string(),
            tags,
        )
    };
    assert_eq!(shown(ahead, &ana), want);
    assert_eq!(shown(behind, &bo), want);
    for (skew, lib) in [(ahead, &ana), (behind, &bo)] {
        let out = atelier_skewed(skew, lib, &["studio", "refusals", "--json"]);
        assert_eq!(
            serde_json::from_slice::<Value>(&out.stdout).unwrap(),
            Value::Array(vec![]),
            "nothing refused"
        );
    }
}

/// Public campaign links through the real binaries (issue 13, SPEC R8.4–R8.6): a standalone
/// library has none; the studio's switch (Owners and Admins, needs --public-url); a Creator
/// can't publish; the Owner publishes and the page, fetched with no credentials, shows the
/// approved asset on the campaign and its creator, not the one waiting for review nor its
/// tags; regenerate kills the old link at once; unpublish kills the new one.
#[test]
fn a_campaign_goes_public_through_a_link_that_shows_only_approved_work() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("studio");
    init_studio(&data);
    // The public URL is where people reach it (invitations too): the address it serves at.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let public = format!("http://127.0.0.1:{port}");
    // Every request in the log (the access log at debug): the tokens must not be there.
    let log = tmp.path().join("studio.log");
    let (server, url) = serve_studio_logged(
        &data,
        &format!("127.0.0.1:{port}"),
        // A limit below the default (600): the flag is honoured, as the end of the test checks.
        &["--public-url", &format!("{public}/"), "--public-rate", "400"],
        &[("RUST_LOG", "debug".to_string())],
        std::fs::File::create(&log).unwrap(),
    );
    assert_eq!(url, public);
    let s = NewStudio {
        data,
        server,
        url,
        olive: tmp.path().join("olive"),
        ana: tmp.path().join("ana"),
        bo: tmp.path().join("bo"),
    };
    olive_ana_and_bo(&s);
    let (olive, ana, bo) = (&s.olive, &s.ana, &s.bo);
    ok(&atelier(olive, &["brand", "create", "Acme"], None));
    ok(&atelier(
        olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "ana@studio.test",
            "--role",
            "manager",
        ],
        None,
    ));
    ok(&atelier(
        olive,
        &[
            "brand",
            "member",
            "Acme",
            "add",
            "bo@studio.test",
            "--role",
            "creator",
        ],
        None,
    ));
    // Eight real photos, two of them carrying where they were taken (GPS).
    let shoot = tmp.path().join("shoot");
    std::fs::create_dir_all(&shoot).unwrap();
    let fixtures =
        Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").into()))
            .join("../../tests/fixtures/corpus");
    let mut photos: Vec<PathBuf> = std::fs::read_dir(fixtures.join("photos/digicam"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    photos.sort();
    photos.truncate(6);
    for gps in [
        "exif-samples__jpg_gps_DSCN0010.jpg",
        "exif-samples__jpg_gps_DSCN0021.jpg",
    ] {
        photos.push(fixtures.join("exif/exif-samples").join(gps));
    }
    for p in &photos {
        std::fs::copy(p, shoot.join(p.file_name().unwrap())).unwrap();
    }
    ok(&atelier(
        olive,
        &[
            "import",
            shoot.to_str().unwrap(),
            "--project",
            "Shoot",
            "--brand",
            "Acme",
        ],
        None,
    ));
    ok(&atelier(olive, &["project", "share", "Shoot"], None));
    let assets = in_project(olive, "Shoot");
    assert_eq!(assets.len(), 8, "{assets:?}");
    let name = |id: &str| assets[id]["name"].as_str().unwrap().to_string();
    let original = |id: &str| std::fs::read(shoot.join(name(id))).unwrap();
    // By name: the GPS ones first, then the others.
    let mut ids: Vec<&String> = assets.keys().collect();
    ids.sort_by_key(|id| (!name(id).contains("gps"), name(id)));
    ok(&atelier(
        olive,
        &["campaign", "create", "Spring Launch", "--brand", "Acme"],
        None,
    ));
    for id in &ids {
        ok(&atelier(
            olive,
            &["campaign", "add", "Spring Launch", id, "--brand", "Acme"],
            None,
        ));
    }
    ok(&atelier(olive, &["tag", "add", "internal-only", ids[0]], None));
    // Mixed statuses: 0–3 approved (both GPS photos among them), 4–5 in review, 6–7 drafts.
    for id in &ids[..6] {
        ok(&atelier(olive, &["review", "submit", id], None));
    }
    // Approved by Ana (a Manager; Olive's own need another Manager).
    ok(&atelier(olive, &["sync"], None));
    ok(&atelier(ana, &["sync"], None));
    for id in &ids[..4] {
        ok(&atelier(ana, &["review", "approve", id], None));
    }
    ok(&atelier(ana, &["sync"], None));
    ok(&atelier(olive, &["sync"], None));
    ok(&atelier(bo, &["sync"], None));

    // A standalone library has no public links, and says why.
    let solo = tmp.path().join("solo");
    ok(&atelier(&solo, &["brand", "create", "Acme"], None));
    ok(&atelier(
        &solo,
        &["campaign", "create", "Spring", "--brand", "Acme"],
        None,
    ));
    let out = atelier(&solo, &["campaign", "publish", "Spring", "--brand", "Acme"], None);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs a studio"),
        "{out:?}"
    );

    // Sharing is off until an Owner or Admin turns it on; a Member can't.
    let out = atelier(
        olive,
        &["campaign", "publish", "Spring Launch", "--brand", "Acme"],
        None,
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("Public sharing isn't set up for your studio yet"),
        "{out:?}"
    );
    assert!(!atelier(bo, &["studio", "sharing", "on"], None).status.success());
    let sharing = ok_json(&atelier(olive, &["studio", "sharing", "on", "--json"], None));
    assert_eq!(
        (sharing["configured"].as_bool(), sharing["on"].as_bool()),
        (Some(true), Some(true))
    );
    // Bo is a Creator: he can't control the link.
    assert!(
        !atelier(
            bo,
            &["campaign", "publish", "Spring Launch", "--brand", "Acme"],
            None
        )
        .status
        .success()
    );

    // `campaign publish|regenerate|unpublish` on Spring Launch, as Olive.
    let link_op = |op: &str| {
        ok_json(&atelier(
            olive,
            &["campaign", op, "Spring Launch", "--brand", "Acme", "--json"],
            None,
        ))
    };
    let published = link_op("publish");
    let link = published["link"].as_str().unwrap().to_string();
    assert!(
        link.starts_with(&format!("{public}/c/spring-launch-")),
        "{published}"
    );
    // Fetched with no cookie, as anyone would: exactly the approved ones, with their creator.
    let fetch = |url: &str| {
        let res = reqwest::blocking::get(url).unwrap();
        let status = res.status().as_u16();
        let headers = format!("{:?}", res.headers());
        let disposition = res
            .headers()
            .get("content-disposition")
            .map(|v| v.to_str().unwrap().to_string());
        (status, headers, disposition, res.bytes().unwrap().to_vec())
    };
    let page = |link: &str| {
        let (status, headers, _, body) = fetch(link);
        (status, format!("{headers}\n{}", String::from_utf8(body).unwrap()))
    };
    let forbidden = |text: &str| {
        for never in [
            "internal-only",
            "olive@studio.test",
            "ana@studio.test",
            "GPS",
            "approved",
            "Approved",
            "in_review",
            "shoot/",
        ] {
            assert!(!text.contains(never), "{never:?} is shown: {text}");
        }
        for id in &ids {
            if let Some(hash) = assets[id.as_str()]["hash"].as_str() {
                assert!(!text.contains(hash), "a content hash is shown: {text}");
            }
        }
    };
    let (status, html) = page(&link);
    assert_eq!(status, 200, "{html}");
    assert!(
        html.contains("Acme") && html.contains("Spring Launch") && html.contains("Olive"),
        "{html}"
    );
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(html.contains(&name(id)), n < 4, "{}: {html}", name(id));
    }
    forbidden(&html);
    let urls =
        |link: &str, id: &str| ["thumb", "preview", "view", "download"].map(|r| format!("{link}/{r}/{id}"));
    for id in &ids[..4] {
        for url in urls(&link, id) {
            let (status, headers, disposition, body) = fetch(&url);
            assert_eq!(status, 200, "{url}");
            forbidden(&headers);
            if url.contains("/view/") {
                forbidden(&String::from_utf8(body).unwrap());
                continue;
            }
            // Every picture it gives — thumbnail, preview, download: ExifTool finds no
            // location in it.
            let file = tmp.path().join("fetched.jpg");
            std::fs::write(&file, &body).unwrap();
            let found = Command::new("exiftool")
                .args(["-s", "-gps:all", "-xmp:all", "-iptc:all"])
                .arg(&file)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&found.stdout), "", "{url}");
            if url.contains("/download/") {
                // The original minus its location: the picture byte for byte, as an
                // attachment.
                assert!(disposition.unwrap().starts_with("attachment;"));
                let was = original(id);
                // From the first scan (found by walking the segments: an EXIF thumbnail has
                // scans of its own) to the end.
                let scan = |b: &[u8]| {
                    let mut at = 2;
                    while b[at + 1] != 0xDA {
                        at += 2 + usize::from(u16::from_be_bytes([b[at + 2], b[at + 3]]));
                    }
                    at
                };
                assert!(
                    body[scan(&body)..] == was[scan(&was)..],
                    "{}: the picture changed",
                    name(id)
                );
                if name(id).contains("gps") {
                    let before = Command::new("exiftool")
                        .args(["-s", "-gps:all"])
                        .arg(shoot.join(name(id)))
                        .output()
                        .unwrap();
                    assert!(
                        String::from_utf8_lossy(&before.stdout).contains("GPSLatitude"),
                        "the original has GPS"
                    );
                }
            }
        }
    }
    for id in &ids[4..] {
        for url in urls(&link, id) {
            assert_eq!(fetch(&url).0, 404, "{url}");
        }
    }
    // Approve one more: it appears. Archive one: its entry, thumbnail and download are gone.
    ok(&atelier(ana, &["review", "approve", ids[4]], None));
    ok(&atelier(ana, &["review", "archive", ids[0]], None));
    ok(&atelier(ana, &["sync"], None));
    let (_, html) = page(&link);
    assert!(
        html.contains(&name(ids[4])) && !html.contains(&name(ids[0])),
        "{html}"
    );
    for url in urls(&link, ids[0]) {
        assert_eq!(fetch(&url).0, 404, "{url}");
    }
    assert_eq!(fetch(&format!("{link}/download/{}", ids[4])).0, 200);
    // Download all: the five approved now, each cleaned.
    let (status, _, disposition, zip) = fetch(&format!("{link}/download"));
    assert_eq!(status, 200);
    assert!(disposition.unwrap().contains("spring-launch.zip"));
    let zip = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    let mut names: Vec<&str> = zip.file_names().collect();
    names.sort();
    let mut expected: Vec<String> = ids[1..5].iter().map(|id| name(id)).collect();
    expected.sort();
    assert_eq!(names, expected);
    // Shown again to who manages it: the same link.
    let again = link_op("publish");
    assert_eq!(again["link"], published["link"]);
    // `campaign list`: the visibility for every member of the brand, the link for who manages it.
    let listed = |lib: &Path| {
        let list = ok_json(&atelier(
            lib,
            &["campaign", "list", "--brand", "Acme", "--json"],
            None,
        ));
        list.as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "Spring Launch")
            .cloned()
            .unwrap()
    };
    let mine = listed(olive);
    assert_eq!(
        (mine["visibility"].as_str(), mine["link"].as_str()),
        (Some("public"), Some(link.as_str())),
        "{mine}"
    );
    let his = listed(bo);
    assert_eq!(his["visibility"], "public", "{his}");
    assert!(his.get("link").is_none(), "a Creator isn't shown the link: {his}");

    let regenerated = link_op("regenerate");
    let new_link = regenerated["link"].as_str().unwrap().to_string();
    assert_ne!(new_link, link);
    let (status, html) = page(&link);
    assert_eq!(status, 404);
    assert!(html.contains("This link is no longer active"), "{html}");
    for id in &ids[1..5] {
        for url in urls(&link, id) {
            assert_eq!(fetch(&url).0, 404, "{url}");
        }
    }
    assert_eq!(fetch(&format!("{link}/download")).0, 404);
    assert_eq!(page(&new_link).0, 200);

    let private = link_op("unpublish");
    assert_eq!(private["public"], false);
    assert_eq!(listed(olive)["visibility"], "private");
    assert_eq!(page(&new_link).0, 404);
    // Public again: a new token; neither old link comes back.
    let third = link_op("publish")["link"].as_str().unwrap().to_string();
    assert!(third != link && third != new_link);
    assert_eq!(page(&third).0, 200);
    assert_eq!((page(&link).0, page(&new_link).0), (404, 404));
    // Guessing links: every request from this address counts, 404s too; past the 400 it may
    // make per 10 s, the answer is 429 with when to try again.
    let guess = format!("{public}/c/guess-{}", "A".repeat(43));
    let refused = (0..401).find_map(|_| {
        let res = reqwest::blocking::get(&guess).unwrap();
        (res.status().as_u16() == 429).then(|| res.headers()["retry-after"].to_str().unwrap().to_string())
    });
    let wait: u64 = refused.expect("429 within 400 requests").parse().unwrap();
    assert!((1..=10).contains(&wait), "{wait}");
    // The log has every public request, by its route — never a token.
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.contains("/c/{slug}"),
        "the access log is on: {logged:.2000}"
    );
    for l in [&link, &new_link, &third] {
        let token = &l[l.len() - 43..];
        assert!(!logged.contains(token), "a link's token is in the studio's log");
    }
}
