//! The device credential in the real OS keyrings (STUDIO.md §2): CI runs this file inside a
//! Secret Service session (scripts/services.sh `in_secret_service`), so the Secret Service tests
//! talk to a real gnome-keyring over D-Bus; without one, the keyring is refused with a message
//! that says what to do, and nothing is written anywhere else.

use std::process::Command;

use atelier_sync::{CredentialError, Credentials, DeviceCredential, Vault};

fn credential(secret: &str) -> DeviceCredential {
    DeviceCredential {
        studio: "http://127.0.0.1:8470".into(),
        device_id: "0193e0c4-5d1f-7000-8000-000000000001".into(),
        refresh_secret: secret.into(),
    }
}

fn library() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Whether this process runs in the Secret Service session CI provides. Outside it (a
/// developer's shell) the Secret Service tests say why they didn't run; in CI
/// (`ATELIER_REQUIRE_SERVICES`) a missing session fails them.
fn in_session() -> bool {
    if std::env::var_os("ATELIER_SECRET_SERVICE").is_some() {
        return true;
    }
    assert!(
        std::env::var_os("ATELIER_REQUIRE_SERVICES").is_none(),
        "CI must run the keyring tests inside a Secret Service session (scripts/services.sh)"
    );
    eprintln!("not in a Secret Service session: run through scripts/services.sh in_secret_service");
    false
}

#[test]
fn the_secret_service_keeps_the_credential_across_handles() {
    if !in_session() {
        return;
    }
    let lib = library();
    let vault = Credentials::open(&lib).expect("a Secret Service session is running");
    assert_eq!(vault.vault(), Vault::SecretService);
    assert_eq!(vault.load().unwrap(), None);
    vault.save(&credential("first-secret")).unwrap();
    // A rotation replaces the secret; a new handle (a restarted app) reads the latest.
    vault.save(&credential("rotated-secret")).unwrap();
    let again = Credentials::open(&lib).unwrap();
    assert_eq!(again.load().unwrap(), Some(credential("rotated-secret")));

    // It is really in the desktop's keyring, where the person's keyring UI would show it.
    let found = Command::new("secret-tool")
        .args([
            "lookup",
            "service",
            atelier_sync::credentials::SERVICE,
            "username",
            &lib,
        ])
        .output()
        .expect("secret-tool (libsecret-tools) is installed by scripts/setup.sh");
    let text = String::from_utf8_lossy(&found.stdout);
    assert!(text.contains("rotated-secret"), "secret-tool found {text:?}");

    again.forget().unwrap();
    assert_eq!(vault.load().unwrap(), None);
    again.forget().unwrap(); // forgetting twice is fine
}

#[test]
fn each_library_has_its_own_credential() {
    if !in_session() {
        return;
    }
    let (a, b) = (
        Credentials::open(&library()).unwrap(),
        Credentials::open(&library()).unwrap(),
    );
    a.save(&credential("a-secret")).unwrap();
    assert_eq!(b.load().unwrap(), None);
    a.forget().unwrap();
}

#[test]
fn without_a_keyring_the_refusal_says_what_to_do() {
    // No D-Bus session bus at all: the Secret Service can't answer.
    if std::env::var_os("ATELIER_KEYRING_CHILD").is_some() {
        let err = match Credentials::open_with(&library(), &[Vault::SecretService]) {
            Err(e) => e,
            Ok(_) => panic!("a Secret Service answered without a session bus"),
        };
        assert!(matches!(err, CredentialError::Unavailable { .. }));
        let message = err.to_string();
        assert!(message.contains("no keyring is available"), "{message}");
        assert!(message.contains("this session only"), "{message}");
        assert!(message.contains("Secret Service"), "{message}");
        // The person may choose a session-only sign-in instead: it works, in memory.
        let session = Credentials::open_with("lib", &[Vault::SecretService, Vault::Session]).unwrap();
        assert_eq!(session.vault(), Vault::Session);
        session.save(&credential("in-memory")).unwrap();
        assert_eq!(session.load().unwrap(), Some(credential("in-memory")));
        return;
    }
    // Run this very test again in a child without a session bus (the variable is read by D-Bus
    // at connection time; changing it in this multi-threaded process would race other tests).
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "without_a_keyring_the_refusal_says_what_to_do",
            "--nocapture",
        ])
        .env("ATELIER_KEYRING_CHILD", "1")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/atelier-no-bus",
        )
        .env_remove("XDG_RUNTIME_DIR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
}

#[test]
fn the_secret_never_reaches_debug_output() {
    let shown = format!("{:?}", credential("do-not-print-me"));
    assert!(!shown.contains("do-not-print-me"), "{shown}");
    assert!(shown.contains("redacted"));
}

#[test]
fn a_session_only_credential_lives_in_this_process_only() {
    let lib = library();
    let session = Credentials::session_only(&lib);
    session.save(&credential("memory")).unwrap();
    assert_eq!(session.load().unwrap(), Some(credential("memory")));
    // Every handle of this process finds it (the app's panels and its poll), even one that asks
    // for the OS keyring: a sign-in kept for the session stays where it is.
    let again = Credentials::open(&lib).unwrap();
    assert_eq!(again.vault(), Vault::Session);
    assert_eq!(again.load().unwrap(), Some(credential("memory")));
    // Nothing reached a keyring.
    if std::env::var_os("ATELIER_SECRET_SERVICE").is_some() {
        let found = Command::new("secret-tool")
            .args([
                "lookup",
                "service",
                atelier_sync::credentials::SERVICE,
                "username",
                &lib,
            ])
            .output()
            .unwrap();
        assert!(found.stdout.is_empty());
    }
    again.forget().unwrap();
    assert_eq!(session.load().unwrap(), None);
}

#[test]
fn atelier_keyring_none_turns_the_keyrings_off() {
    if std::env::var_os("ATELIER_KEYRING_OFF_CHILD").is_some() {
        let err = match Credentials::open(&library()) {
            Err(e) => e,
            Ok(c) => panic!("a keyring answered although turned off: {:?}", c.vault()),
        };
        assert!(err.to_string().contains("ATELIER_KEYRING=none"), "{err}");
        return;
    }
    // In a child: the variable is read at each open, and setting it here would race other tests.
    let out = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "atelier_keyring_none_turns_the_keyrings_off",
            "--nocapture",
        ])
        .env("ATELIER_KEYRING_OFF_CHILD", "1")
        .env("ATELIER_KEYRING", "none")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child failed:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 passed"));
}

#[test]
fn the_kernel_keyring_is_the_fallback() {
    let lib = library();
    let vault = match Credentials::open_with(&lib, &[Vault::Keyutils]) {
        Ok(v) => v,
        Err(e) => {
            // Some containers deny keyctl; then the refusal must still be the clear one.
            assert!(matches!(e, CredentialError::Unavailable { .. }), "{e}");
            eprintln!("the kernel keyring is not available here: {e}");
            return;
        }
    };
    assert_eq!(vault.vault(), Vault::Keyutils);
    vault.save(&credential("kernel-secret")).unwrap();
    let again = Credentials::open_with(&lib, &[Vault::Keyutils]).unwrap();
    assert_eq!(again.load().unwrap(), Some(credential("kernel-secret")));
    again.forget().unwrap();
    assert_eq!(vault.load().unwrap(), None);
}
