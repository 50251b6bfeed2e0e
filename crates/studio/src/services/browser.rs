//! Browser sign-in (STUDIO.md §2, after RFC 8628 / Nextcloud Login Flow v2): a desktop starts a
//! sign-in and gets two secrets, 256 random bits each, of which the store keeps only the
//! SHA-256 — the login link `<studio URL>/login/<secret>` for the person's browser, and the poll
//! token it keeps (never in a URL). On the studio's page the person sees "Atelier on <device>",
//! signs in with their email and password (the same Argon2id check and the same uniform
//! `bad_credentials` as the password sign-in) and so approves it, or denies it. The desktop's
//! next poll makes the device and receives its credential, exactly once. Both secrets are good
//! for 10 minutes.
//!
//! Must not know HTTP or SQL. Links, tokens and secrets are never logged.

use atelier_domain::ids::DeviceId;
use atelier_domain::{ErrorCode, Id as _, names};
use atelier_protocol::{BrowserSignIn, SignedIn, StudioUser};

use super::{ACCESS_TOKEN_SECONDS, ServiceError, ServiceResult, Studio, refused, secrets, signed_in, user};
use crate::store::{BrowserDevice, NewBrowserSignIn, PollOutcome};

/// How long a browser sign-in stays open, in seconds.
pub const BROWSER_SIGN_IN_SECONDS: u32 = 10 * 60;

/// What the sign-in page shows: which studio, and the device asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrowserSignInView {
    /// The studio's name.
    pub studio: String,
    /// The device's name ("Atelier on ann-laptop").
    pub device: String,
}

/// One refusal for every sign-in that doesn't work — unknown, expired, decided or delivered —
/// so that neither links nor poll tokens can be probed.
fn gone() -> ServiceError {
    refused(
        ErrorCode::SignInExpired,
        "this sign-in is unknown, expired or already used: start signing in again from Atelier",
    )
}

impl Studio {
    /// Starts a browser sign-in for a device called `device_name`.
    pub async fn browser_start(&self, device_name: &str) -> ServiceResult<BrowserSignIn> {
        let device_name = names::validate_name("device name", device_name)?;
        let login = secrets::mint()?;
        let poll = secrets::mint()?;
        let now = self.now();
        self.store
            .add_browser_sign_in(&NewBrowserSignIn {
                login_hash: login.hash,
                poll_hash: poll.hash,
                device_name,
                created_at: now,
                expires_at: now + i64::from(BROWSER_SIGN_IN_SECONDS) * 1000,
            })
            .await?;
        tracing::info!("browser sign-in started");
        Ok(BrowserSignIn {
            login_url: format!("{}/login/{}", self.base_url, login.secret),
            poll_token: poll.secret,
            expires_in: BROWSER_SIGN_IN_SECONDS,
        })
    }

    /// What the page of a working link shows; `sign_in_expired` for any other link.
    pub async fn browser_view(&self, secret: &str) -> ServiceResult<BrowserSignInView> {
        let row = self
            .store
            .browser_sign_in(&secrets::digest(secret))
            .await?
            .ok_or_else(gone)?;
        if row.decided || row.expires_at <= self.now() {
            return Err(gone());
        }
        Ok(BrowserSignInView {
            studio: self.name.clone(),
            device: row.device_name,
        })
    }

    /// Approves the sign-in behind a link as the member with this email and password. A wrong
    /// email or password is `bad_credentials` and changes nothing; a link that no longer works
    /// is `sign_in_expired`.
    pub async fn browser_approve(
        &self,
        secret: &str,
        email: &str,
        password: String,
    ) -> ServiceResult<StudioUser> {
        self.browser_view(secret).await?;
        let account = self.check_password(email, password).await?;
        if !self
            .store
            .decide_browser_sign_in(&secrets::digest(secret), Some(account.id), self.now())
            .await?
        {
            return Err(gone());
        }
        tracing::info!(user = %account.id, "browser sign-in approved");
        Ok(user(&account))
    }

    /// Denies the sign-in behind a link (whoever holds the link may: it is theirs to refuse).
    pub async fn browser_deny(&self, secret: &str) -> ServiceResult<()> {
        if !self
            .store
            .decide_browser_sign_in(&secrets::digest(secret), None, self.now())
            .await?
        {
            return Err(gone());
        }
        tracing::info!("browser sign-in denied");
        Ok(())
    }

    /// The desktop's poll: `None` while the person hasn't decided; once they approved, a new
    /// device's credential and first access token — once: the next poll is `sign_in_expired`.
    /// `sign_in_denied` when they denied it.
    pub async fn browser_poll(&self, poll_token: &str) -> ServiceResult<Option<SignedIn>> {
        let refresh = secrets::mint()?;
        let access = secrets::mint()?;
        let now = self.now();
        let device = BrowserDevice {
            id: DeviceId::new_v7(),
            refresh_hash: refresh.hash,
            access_hash: access.hash,
            access_expires_at: now + i64::from(ACCESS_TOKEN_SECONDS) * 1000,
        };
        match self
            .store
            .poll_browser_sign_in(&secrets::digest(poll_token), &device, now)
            .await?
        {
            PollOutcome::Pending => Ok(None),
            PollOutcome::Denied => Err(refused(
                ErrorCode::SignInDenied,
                "the sign-in was denied in the browser",
            )),
            PollOutcome::Gone => Err(gone()),
            PollOutcome::Delivered(account) => {
                tracing::info!(user = %account.id, device = %device.id, "device signed in through the browser");
                Ok(Some(signed_in(&account, device.id, refresh, access)))
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)] // test code: a panic is the failure report
mod tests {
    use atelier_domain::StudioRole;

    use super::*;
    use crate::services::NewStudio;
    use crate::testing::TestBackend;

    struct Fixture {
        studio: Studio,
        _backend: TestBackend,
    }

    /// A studio on SQLite, or on a fresh PostgreSQL database (`None` when no test server is
    /// configured and none is required), with an Owner and a Member.
    async fn fixture(postgres: bool) -> Option<Fixture> {
        let backend = TestBackend::new(postgres).await?;
        let at = backend.database.clone();
        let studio = Studio::create(
            &at,
            NewStudio {
                name: "Browsers".into(),
                owner_email: "owner@studio.test".into(),
                owner_name: "Olive".into(),
                owner_password: "owner-password".into(),
            },
        )
        .await
        .unwrap()
        .with_base_url("https://studio.test/");
        studio
            .add_member(
                "member@studio.test",
                "Mo",
                "member-password".into(),
                StudioRole::Member,
            )
            .await
            .unwrap();
        Some(Fixture {
            studio,
            _backend: backend,
        })
    }

    /// Runs each scenario on SQLite, and on PostgreSQL when a test server is configured (see
    /// `crate::testing`), as two tests: `NAME::sqlite` and `NAME::postgres`.
    macro_rules! on_both_backends {
        ($($name:ident),* $(,)?) => {$(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name(super::fixture(false).await.unwrap()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(f) = super::fixture(true).await {
                        super::$name(f).await;
                    }
                }
            }
        )*};
    }

    on_both_backends!(
        an_approved_sign_in_is_delivered_once,
        a_wrong_password_changes_nothing,
        a_denied_sign_in_is_refused_to_the_desktop,
        sign_ins_expire_after_10_minutes,
        unknown_links_and_tokens_are_one_refusal,
        of_two_polls_at_once_one_delivers,
        guessing_passwords_pauses_that_email_for_a_while,
    );

    fn secret(started: &BrowserSignIn) -> String {
        started
            .login_url
            .strip_prefix("https://studio.test/login/")
            .unwrap()
            .to_string()
    }

    fn code<T: std::fmt::Debug>(r: ServiceResult<T>) -> ErrorCode {
        r.unwrap_err().code()
    }

    async fn an_approved_sign_in_is_delivered_once(f: Fixture) {
        let s = &f.studio;
        let started = s.browser_start("Atelier on mo-laptop").await.unwrap();
        assert_eq!(started.expires_in, 600);
        assert_ne!(secret(&started), started.poll_token);
        assert!(!started.login_url.contains(&started.poll_token));
        let link = secret(&started);
        let view = s.browser_view(&link).await.unwrap();
        assert_eq!(
            (view.studio.as_str(), view.device.as_str()),
            ("Browsers", "Atelier on mo-laptop")
        );
        // Nothing yet, however often the desktop asks.
        assert_eq!(s.browser_poll(&started.poll_token).await.unwrap(), None);
        assert_eq!(s.browser_poll(&started.poll_token).await.unwrap(), None);

        let who = s
            .browser_approve(&link, "MEMBER@studio.test", "member-password".into())
            .await
            .unwrap();
        assert_eq!(who.email, "member@studio.test");
        // The link is spent: its page and a second approval are refused.
        assert_eq!(code(s.browser_view(&link).await), ErrorCode::SignInExpired);
        assert_eq!(
            code(
                s.browser_approve(&link, "owner@studio.test", "owner-password".into())
                    .await
            ),
            ErrorCode::SignInExpired
        );

        let signed = s.browser_poll(&started.poll_token).await.unwrap().unwrap();
        assert_eq!(signed.user.email, "member@studio.test");
        assert_eq!(signed.role, StudioRole::Member);
        // The credential works like a password sign-in's: a token, a refresh, a listed device.
        let caller = s.authenticate(&signed.access_token).await.unwrap();
        assert_eq!(caller.device, signed.credential.device_id);
        let devices = s.devices(&caller).await.unwrap();
        assert_eq!(devices.len(), 1);
        assert_eq!(devices[0].name, "Atelier on mo-laptop");
        s.refresh(signed.credential.device_id, &signed.credential.refresh_secret)
            .await
            .unwrap();

        // Exactly once: the next poll is refused, and makes no device.
        assert_eq!(
            code(s.browser_poll(&started.poll_token).await),
            ErrorCode::SignInExpired
        );
        assert_eq!(s.devices(&caller).await.unwrap().len(), 1);
    }

    async fn a_wrong_password_changes_nothing(f: Fixture) {
        let s = &f.studio;
        let started = s.browser_start("Atelier on box").await.unwrap();
        let link = secret(&started);
        for (email, password) in [
            ("member@studio.test", "wrong-password"),
            ("nobody@studio.test", "member-password"),
        ] {
            let refused = s.browser_approve(&link, email, password.into()).await;
            // One refusal for both: it doesn't tell which emails have accounts.
            let Err(ServiceError::Refused(e)) = refused else {
                panic!("{refused:?}");
            };
            assert_eq!(
                (e.code, e.message.as_str()),
                (ErrorCode::BadCredentials, "wrong email or password")
            );
        }
        assert!(s.browser_view(&link).await.is_ok());
        assert_eq!(s.browser_poll(&started.poll_token).await.unwrap(), None);
        s.browser_approve(&link, "member@studio.test", "member-password".into())
            .await
            .unwrap();
        assert!(s.browser_poll(&started.poll_token).await.unwrap().is_some());
    }

    async fn guessing_passwords_pauses_that_email_for_a_while(f: Fixture) {
        use atelier_domain::limits::{MAX_SIGN_IN_FAILURES, SIGN_IN_WINDOW_MS};
        let s = &f.studio;
        let started = s.browser_start("Atelier on box").await.unwrap();
        let link = secret(&started);
        for email in ["member@studio.test", "nobody@studio.test"] {
            for _ in 0..MAX_SIGN_IN_FAILURES {
                let r = s.sign_in_password(email, "guess".into(), "box").await;
                assert_eq!(code(r), ErrorCode::BadCredentials);
            }
        }
        // Even the right password waits now, on every way in; an unknown email is paused alike
        // (the pause tells nothing about which emails have accounts); others are untouched.
        let r = s
            .sign_in_password("Member@Studio.test", "member-password".into(), "box")
            .await;
        let Err(ServiceError::Refused(e)) = r else {
            panic!("{r:?}");
        };
        assert_eq!(e.code, ErrorCode::TooManyAttempts);
        assert!(e.message.contains("try again in 15 minutes"), "{}", e.message);
        let r = s
            .browser_approve(&link, "member@studio.test", "member-password".into())
            .await;
        assert_eq!(code(r), ErrorCode::TooManyAttempts);
        let r = s.sign_in_password("nobody@studio.test", "x".into(), "box").await;
        assert_eq!(code(r), ErrorCode::TooManyAttempts);
        s.sign_in_password("owner@studio.test", "owner-password".into(), "box")
            .await
            .unwrap();

        s.advance_clock(SIGN_IN_WINDOW_MS);
        s.sign_in_password("member@studio.test", "member-password".into(), "box")
            .await
            .unwrap();
    }

    async fn a_denied_sign_in_is_refused_to_the_desktop(f: Fixture) {
        let s = &f.studio;
        let started = s.browser_start("Atelier on box").await.unwrap();
        let link = secret(&started);
        s.browser_deny(&link).await.unwrap();
        assert_eq!(
            code(s.browser_poll(&started.poll_token).await),
            ErrorCode::SignInDenied
        );
        assert_eq!(code(s.browser_view(&link).await), ErrorCode::SignInExpired);
        assert_eq!(
            code(
                s.browser_approve(&link, "member@studio.test", "member-password".into())
                    .await
            ),
            ErrorCode::SignInExpired
        );
        assert_eq!(code(s.browser_deny(&link).await), ErrorCode::SignInExpired);
    }

    async fn sign_ins_expire_after_10_minutes(f: Fixture) {
        let s = &f.studio;
        let waiting = s.browser_start("Atelier on box").await.unwrap();
        let approved = s.browser_start("Atelier on other").await.unwrap();
        s.browser_approve(&secret(&approved), "member@studio.test", "member-password".into())
            .await
            .unwrap();
        s.advance_clock(i64::from(BROWSER_SIGN_IN_SECONDS) * 1000);
        let link = secret(&waiting);
        assert_eq!(code(s.browser_view(&link).await), ErrorCode::SignInExpired);
        assert_eq!(
            code(
                s.browser_approve(&link, "member@studio.test", "member-password".into())
                    .await
            ),
            ErrorCode::SignInExpired
        );
        assert_eq!(
            code(s.browser_poll(&waiting.poll_token).await),
            ErrorCode::SignInExpired
        );
        // Approved in time but not collected in time: gone too.
        assert_eq!(
            code(s.browser_poll(&approved.poll_token).await),
            ErrorCode::SignInExpired
        );
    }

    async fn unknown_links_and_tokens_are_one_refusal(f: Fixture) {
        let s = &f.studio;
        let started = s.browser_start("Atelier on box").await.unwrap();
        // The poll token doesn't open the page, nor the link's secret the poll.
        assert_eq!(
            code(s.browser_view(&started.poll_token).await),
            ErrorCode::SignInExpired
        );
        assert_eq!(
            code(s.browser_poll(&secret(&started)).await),
            ErrorCode::SignInExpired
        );
        assert_eq!(code(s.browser_view("nope").await), ErrorCode::SignInExpired);
        assert_eq!(code(s.browser_deny("nope").await), ErrorCode::SignInExpired);
        assert_eq!(code(s.browser_start("  ").await), ErrorCode::InvalidName);
    }

    async fn of_two_polls_at_once_one_delivers(f: Fixture) {
        let s = &f.studio;
        for _ in 0..5 {
            let started = s.browser_start("Atelier on box").await.unwrap();
            s.browser_approve(&secret(&started), "owner@studio.test", "owner-password".into())
                .await
                .unwrap();
            let (a, b) = tokio::join!(
                s.browser_poll(&started.poll_token),
                s.browser_poll(&started.poll_token)
            );
            let delivered = [&a, &b].iter().filter(|r| matches!(r, Ok(Some(_)))).count();
            assert_eq!(delivered, 1, "{a:?} {b:?}");
            assert!(
                [&a, &b]
                    .iter()
                    .any(|r| matches!(r, Err(e) if e.code() == ErrorCode::SignInExpired)),
                "{a:?} {b:?}"
            );
        }
    }
}
