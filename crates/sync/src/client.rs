//! The studio's HTTP API from a desktop, one blocking call per route (`/api/v1/…`), bodies and
//! answers as atelier-protocol's wire types; a refusal comes back as the studio's own
//! `{code, message}`. Access tokens travel only in the `Authorization` header.
//!
//! Knows the routes and the wire types; nothing of the catalog or the keyring.

use std::time::Duration;

use atelier_domain::StudioRole;
use atelier_domain::ids::{CampaignId, DeviceId, UserId};
use atelier_protocol::{ApiError, PROTOCOL_VERSION};
use atelier_protocol::{BlobCheck, BlobsNeeded, PART_HASH_HEADER, UploadDone, UploadSession, UploadStart};
use atelier_protocol::{
    BrowserSignIn, BrowserSignInPoll, BrowserSignInStart, ErrorCode, InvitationAccept, InvitationLink,
    NewInvitation, PasswordSignIn, RefreshRequest, RoleChange, SignedIn, StudioDevice, StudioInfo,
    StudioInvitation, StudioMe, StudioMember,
};
use atelier_protocol::{CampaignVisibility, PublicSharing, PublishCampaign, SetPublicSharing};
use atelier_protocol::{PullResponse, PushRequest, PushResponse, StudioLimits, SyncPoke};
use reqwest::blocking::{Client, RequestBuilder};
use serde::de::DeserializeOwned;

use crate::error::{Result, SyncError};

/// How long one part's upload (up to 16 MiB), or an upload's completion, may take.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(600);

/// How long one original's download may take (up to 5 GiB).
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

/// A studio at one base URL.
pub struct StudioClient {
    base: String,
    http: Client,
}

impl StudioClient {
    /// A client for the studio at `url` (`http://` or `https://`, a host, no query); a trailing
    /// slash is dropped.
    pub fn new(url: &str) -> Result<Self> {
        let base = normalise(url)?;
        let http = Client::builder()
            // A studio on a LAN answers in milliseconds; a dead address shouldn't hang a command.
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| SyncError::Unreachable {
                url: base.clone(),
                reason: e.to_string(),
            })?;
        Ok(Self { base, http })
    }

    /// The studio's base URL, as the binding records it.
    pub fn url(&self) -> &str {
        &self.base
    }

    /// The studio's name and protocol version; refuses a studio that speaks another version.
    pub fn info(&self) -> Result<StudioInfo> {
        let info: StudioInfo = self.call(self.http.get(self.at("/studio")))?;
        if info.protocol_version != PROTOCOL_VERSION {
            return Err(SyncError::NotAStudio {
                url: self.base.clone(),
                what: format!(
                    "it speaks protocol {} and this Atelier speaks {PROTOCOL_VERSION}: update the older one",
                    info.protocol_version
                ),
            });
        }
        Ok(info)
    }

    /// Signs a new device in with an email and a password.
    pub fn sign_in(&self, body: &PasswordSignIn) -> Result<SignedIn> {
        self.call(self.http.post(self.at("/auth/password")).json(body))
    }

    /// Starts a browser sign-in for a device called `device`: the link to open in the person's
    /// browser and the token to poll with.
    pub fn browser_start(&self, device: &str) -> Result<BrowserSignIn> {
        self.call(
            self.http
                .post(self.at("/auth/browser/start"))
                .json(&BrowserSignInStart {
                    device: device.to_string(),
                }),
        )
    }

    /// Asks whether the person approved a browser sign-in: `None` while they haven't (the
    /// studio's `202 sign_in_pending`); the new device's credential once they have (the studio
    /// hands it out once); `sign_in_denied` or `sign_in_expired` as the studio's refusal.
    pub fn browser_poll(&self, poll_token: &str) -> Result<Option<SignedIn>> {
        let response = self
            .http
            .post(self.at("/auth/browser/poll"))
            .json(&BrowserSignInPoll {
                poll_token: poll_token.to_string(),
            })
            .send()
            .map_err(|e| self.unreachable(e))?;
        if response.status() == reqwest::StatusCode::ACCEPTED {
            return match response.json::<ApiError>() {
                Ok(e) if e.code == ErrorCode::SignInPending => Ok(None),
                _ => Err(SyncError::NotAStudio {
                    url: self.base.clone(),
                    what: "HTTP 202 without `sign_in_pending`".into(),
                }),
            };
        }
        if !response.status().is_success() {
            return Err(self.refusal(response));
        }
        response
            .json::<SignedIn>()
            .map(Some)
            .map_err(|e| SyncError::NotAStudio {
                url: self.base.clone(),
                what: format!("an answer that isn't the expected JSON: {e}"),
            })
    }

    /// Trades the device's refresh secret for a new one and an access token.
    pub fn refresh(&self, body: &RefreshRequest) -> Result<SignedIn> {
        self.call(self.http.post(self.at("/auth/refresh")).json(body))
    }

    /// Who the token's device signs in as, with their current role.
    pub fn me(&self, token: &str) -> Result<StudioMe> {
        self.call(self.http.get(self.at("/me")).bearer_auth(token))
    }

    /// The caller's signed-in devices.
    pub fn devices(&self, token: &str) -> Result<Vec<StudioDevice>> {
        self.call(self.http.get(self.at("/devices")).bearer_auth(token))
    }

    /// Every member of the studio.
    pub fn members(&self, token: &str) -> Result<Vec<StudioMember>> {
        self.call(self.http.get(self.at("/members")).bearer_auth(token))
    }

    /// Gives a member another studio role (Owners and Admins; the studio checks).
    pub fn set_role(&self, token: &str, user: UserId, role: StudioRole) -> Result<StudioMember> {
        self.call(
            self.http
                .post(self.at(&format!("/members/{user}/role")))
                .bearer_auth(token)
                .json(&RoleChange { role }),
        )
    }

    /// Removes a member (their devices are signed out).
    pub fn remove_member(&self, token: &str, user: UserId) -> Result<()> {
        self.send(
            self.http
                .delete(self.at(&format!("/members/{user}")))
                .bearer_auth(token),
        )
    }

    /// Invites an email with a studio role; the answer carries the link to send.
    pub fn invite(&self, token: &str, body: &NewInvitation) -> Result<InvitationLink> {
        self.call(
            self.http
                .post(self.at("/invitations"))
                .bearer_auth(token)
                .json(body),
        )
    }

    /// Every invitation, newest first.
    pub fn invitations(&self, token: &str) -> Result<Vec<StudioInvitation>> {
        self.call(self.http.get(self.at("/invitations")).bearer_auth(token))
    }

    /// A new link for an invitation (the old one dies).
    pub fn resend_invitation(&self, token: &str, id: uuid::Uuid) -> Result<InvitationLink> {
        self.call(
            self.http
                .post(self.at(&format!("/invitations/{id}/resend")))
                .bearer_auth(token),
        )
    }

    /// Kills an invitation's link.
    pub fn revoke_invitation(&self, token: &str, id: uuid::Uuid) -> Result<()> {
        self.send(
            self.http
                .delete(self.at(&format!("/invitations/{id}")))
                .bearer_auth(token),
        )
    }

    /// Accepts an invitation (no sign-in needed: the link's secret and the email are the proof).
    pub fn accept_invitation(&self, body: &InvitationAccept) -> Result<StudioMember> {
        self.call(self.http.post(self.at("/invitations/accept")).json(body))
    }

    /// Revokes a device (this one, on sign-out).
    pub fn revoke_device(&self, token: &str, device: DeviceId) -> Result<()> {
        self.send(
            self.http
                .delete(self.at(&format!("/devices/{device}")))
                .bearer_auth(token),
        )
    }

    /// Pushes intents (`POST /sync/push`).
    pub fn push(&self, token: &str, body: &PushRequest) -> Result<PushResponse> {
        self.call(
            self.http
                .post(self.at("/sync/push"))
                .bearer_auth(token)
                .json(body),
        )
    }

    /// Pulls the rows after `cursor` (`GET /sync/pull`).
    pub fn pull(&self, token: &str, cursor: i64) -> Result<PullResponse> {
        self.call(
            self.http
                .get(self.at(&format!("/sync/pull?cursor={cursor}")))
                .bearer_auth(token),
        )
    }

    /// A backfill page: the rows after `cursor` in one of the caller's scopes only.
    pub fn pull_scope(&self, token: &str, cursor: i64, scope: &str) -> Result<PullResponse> {
        // Scopes are `kind:uuid`: nothing in them needs escaping in a query string.
        self.call(
            self.http
                .get(self.at(&format!("/sync/pull?cursor={cursor}&only={scope}")))
                .bearer_auth(token),
        )
    }

    /// The plan limits.
    pub fn limits(&self, token: &str) -> Result<StudioLimits> {
        self.call(self.http.get(self.at("/limits")).bearer_auth(token))
    }

    /// Sets the plan limits (Owners and Admins).
    pub fn set_limits(&self, token: &str, limits: &StudioLimits) -> Result<StudioLimits> {
        self.call(self.http.post(self.at("/limits")).bearer_auth(token).json(limits))
    }

    /// Whether public campaign links can be made on the studio.
    pub fn sharing(&self, token: &str) -> Result<PublicSharing> {
        self.call(self.http.get(self.at("/sharing")).bearer_auth(token))
    }

    /// Turns public sharing on or off (Owners and Admins).
    pub fn set_sharing(&self, token: &str, on: bool) -> Result<PublicSharing> {
        self.call(
            self.http
                .post(self.at("/sharing"))
                .bearer_auth(token)
                .json(&SetPublicSharing { on }),
        )
    }

    /// A campaign's visibility and link (who manages the campaign only).
    pub fn campaign_link(&self, token: &str, campaign: CampaignId) -> Result<CampaignVisibility> {
        self.call(
            self.http
                .get(self.at(&format!("/campaigns/{campaign}/link")))
                .bearer_auth(token),
        )
    }

    /// Makes a campaign public (its link kept if it is already), or gives it a new link.
    pub fn publish_campaign(
        &self,
        token: &str,
        campaign: CampaignId,
        regenerate: bool,
    ) -> Result<CampaignVisibility> {
        self.call(
            self.http
                .post(self.at(&format!("/campaigns/{campaign}/link")))
                .bearer_auth(token)
                .json(&PublishCampaign { regenerate }),
        )
    }

    /// Makes a campaign private: its link deleted.
    pub fn unpublish_campaign(&self, token: &str, campaign: CampaignId) -> Result<CampaignVisibility> {
        self.call(
            self.http
                .delete(self.at(&format!("/campaigns/{campaign}/link")))
                .bearer_auth(token),
        )
    }

    /// Opens the live pokes (`GET /sync/events`, server-sent events): each item is the latest
    /// seq, or why the stream ended (revoked). Blocks on the next line; the studio sends a
    /// keep-alive comment every 20 s, and TCP keep-alive notices a peer that vanished.
    pub fn events(&self, token: &str) -> Result<Events> {
        let http = Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // No overall timeout: the stream lives as long as the connection.
            .timeout(None)
            .tcp_keepalive(Duration::from_secs(15))
            .build()
            .map_err(|e| self.unreachable(e))?;
        let response = http
            .get(self.at("/sync/events"))
            .bearer_auth(token)
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .send()
            .map_err(|e| self.unreachable(e))?;
        if !response.status().is_success() {
            return Err(self.refusal(response));
        }
        Ok(Events {
            lines: std::io::BufReader::new(response),
            event: String::new(),
            data: String::new(),
        })
    }

    /// A request whose answer has no body worth reading.
    fn send(&self, request: RequestBuilder) -> Result<()> {
        let response = request.send().map_err(|e| self.unreachable(e))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(self.refusal(response))
        }
    }

    /// Which of these originals this person must send (STUDIO.md §5).
    pub fn blobs_needed(&self, token: &str, hashes: Vec<String>) -> Result<BlobsNeeded> {
        self.call(
            self.http
                .post(self.at("/blobs/check"))
                .bearer_auth(token)
                .json(&BlobCheck { hashes }),
        )
    }

    /// Starts or resumes sending an original.
    pub fn upload_start(&self, token: &str, hash: &str, size: u64) -> Result<UploadSession> {
        self.call(
            self.http
                .post(self.at("/uploads"))
                .bearer_auth(token)
                .json(&UploadStart {
                    hash: hash.to_string(),
                    size,
                }),
        )
    }

    /// Sends one part (`len` bytes read from `bytes`, streamed) with its BLAKE3 (hex).
    pub fn upload_part(
        &self,
        token: &str,
        session: &str,
        n: u32,
        hash: &str,
        bytes: impl std::io::Read + Send + 'static,
        len: u64,
    ) -> Result<UploadSession> {
        self.call(
            self.http
                .put(self.at(&format!("/uploads/{session}/parts/{n}")))
                .bearer_auth(token)
                .header(PART_HASH_HEADER, hash)
                .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                // A part is up to 16 MiB: minutes on a slow link, not the API's 30 s.
                .timeout(TRANSFER_TIMEOUT)
                .body(reqwest::blocking::Body::sized(bytes, len)),
        )
    }

    /// Completes an upload (the studio verifies the whole).
    pub fn upload_complete(&self, token: &str, session: &str) -> Result<UploadDone> {
        self.call(
            self.http
                .post(self.at(&format!("/uploads/{session}/complete")))
                .bearer_auth(token)
                .timeout(TRANSFER_TIMEOUT),
        )
    }

    /// Sends a rendition (`thumb`, `preview`) of an original this person holds.
    pub fn put_rendition(
        &self,
        token: &str,
        hash: &str,
        kind: &str,
        mime: &str,
        bytes: Vec<u8>,
    ) -> Result<()> {
        self.send(
            self.http
                .put(self.at(&format!("/blobs/{hash}/{kind}")))
                .bearer_auth(token)
                .header(reqwest::header::CONTENT_TYPE, mime)
                .body(bytes),
        )
    }

    /// A rendition: its MIME type and bytes; `None` when the studio has none (yet).
    pub fn rendition(&self, token: &str, hash: &str, kind: &str) -> Result<Option<(String, Vec<u8>)>> {
        let response = self
            .http
            .get(self.at(&format!("/blobs/{hash}/{kind}")))
            .bearer_auth(token)
            .send()
            .map_err(|e| self.unreachable(e))?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        if !response.status().is_success() {
            return Err(self.refusal(response));
        }
        let mime = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("image/jpeg")
            .to_string();
        let bytes = response.bytes().map_err(|e| self.unreachable(e))?;
        Ok(Some((mime, bytes.to_vec())))
    }

    /// Streams an original into `sink`, a chunk at a time (nothing gathered whole).
    pub fn download(&self, token: &str, hash: &str, mut sink: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
        use std::io::Read as _;
        let mut response = self
            .http
            .get(self.at(&format!("/blobs/{hash}")))
            .bearer_auth(token)
            .timeout(DOWNLOAD_TIMEOUT)
            .send()
            .map_err(|e| self.unreachable(e))?;
        if !response.status().is_success() {
            return Err(self.refusal(response));
        }
        let mut buf = vec![0u8; 256 << 10];
        loop {
            let n = response.read(&mut buf).map_err(|e| SyncError::Unreachable {
                url: self.base.clone(),
                reason: format!("the download broke off: {e}"),
            })?;
            if n == 0 {
                return Ok(());
            }
            sink(&buf[..n])?;
        }
    }

    fn at(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    fn call<T: DeserializeOwned>(&self, request: RequestBuilder) -> Result<T> {
        let response = request.send().map_err(|e| self.unreachable(e))?;
        if !response.status().is_success() {
            return Err(self.refusal(response));
        }
        response.json::<T>().map_err(|e| SyncError::NotAStudio {
            url: self.base.clone(),
            what: format!("an answer that isn't the expected JSON: {e}"),
        })
    }

    fn unreachable(&self, e: reqwest::Error) -> SyncError {
        // The URL in reqwest's message repeats ours; its source says what happened.
        let reason = std::error::Error::source(&e)
            .map(|s| s.to_string())
            .unwrap_or_else(|| e.to_string());
        SyncError::Unreachable {
            url: self.base.clone(),
            reason,
        }
    }

    /// A non-2xx answer: the studio's `{code, message}`, or, when the body isn't one (a proxy's
    /// page), what came back.
    fn refusal(&self, response: reqwest::blocking::Response) -> SyncError {
        let status = response.status();
        match response.json::<ApiError>() {
            Ok(e) => SyncError::Studio(e),
            Err(_) => SyncError::NotAStudio {
                url: self.base.clone(),
                what: format!("HTTP {status} without an Atelier error"),
            },
        }
    }
}

/// What the live stream says.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Something committed up to this seq: pull.
    Poke(i64),
    /// The studio signed this device out; the stream has ended.
    Revoked(ApiError),
}

/// The live pokes of one connection, one [`Event`] per server-sent event.
pub struct Events {
    lines: std::io::BufReader<reqwest::blocking::Response>,
    event: String,
    data: String,
}

impl Iterator for Events {
    type Item = std::io::Result<Event>;

    fn next(&mut self) -> Option<Self::Item> {
        use std::io::BufRead as _;
        loop {
            let mut line = String::new();
            match self.lines.read_line(&mut line) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(e)),
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                // The end of one event.
                let (event, data) = (std::mem::take(&mut self.event), std::mem::take(&mut self.data));
                match event.as_str() {
                    "poke" => {
                        if let Ok(p) = serde_json::from_str::<SyncPoke>(&data) {
                            return Some(Ok(Event::Poke(p.seq)));
                        }
                    }
                    "revoked" => {
                        if let Ok(e) = serde_json::from_str::<ApiError>(&data) {
                            return Some(Ok(Event::Revoked(e)));
                        }
                    }
                    _ => {}
                }
            } else if let Some(v) = line.strip_prefix("event:") {
                self.event = v.trim().to_string();
            } else if let Some(v) = line.strip_prefix("data:") {
                self.data.push_str(v.trim_start());
            }
            // Comments (": keep-alive") and other fields are skipped.
        }
    }
}

/// Splits an invitation link `<studio>/invite/<token>` into the studio's address and the token.
pub fn parse_invitation_link(link: &str) -> Result<(String, String)> {
    let link = link.trim();
    let Some((base, token)) = link.rsplit_once("/invite/") else {
        return Err(SyncError::InvalidUrl(format!(
            "{link} (an invitation link ends in /invite/ and its secret)"
        )));
    };
    if token.is_empty() || token.contains(['/', '?', '#']) {
        return Err(SyncError::InvalidUrl(format!(
            "{link} (an invitation link ends in /invite/ and its secret)"
        )));
    }
    Ok((normalise(base)?, token.to_string()))
}

/// `http(s)://host[:port][/prefix]` without a trailing slash, query or fragment.
fn normalise(url: &str) -> Result<String> {
    let trimmed = url.trim().trim_end_matches('/');
    let rest = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"));
    match rest {
        Some(r) if !r.is_empty() && !r.starts_with('/') && !r.contains(['?', '#', ' ', '@']) => {
            Ok(trimmed.to_string())
        }
        _ => Err(SyncError::InvalidUrl(url.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::normalise;

    #[test]
    fn studio_addresses_are_checked_and_normalised() {
        assert_eq!(
            normalise("http://127.0.0.1:4780/").unwrap(),
            "http://127.0.0.1:4780"
        );
        assert_eq!(
            normalise(" https://studio.example/team ").unwrap(),
            "https://studio.example/team"
        );
        for bad in [
            "",
            "studio.local",
            "ftp://x",
            "http://",
            "http:///x",
            "http://a?b=c",
            "http://u:p@host",
        ] {
            assert!(normalise(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn invitation_links_split_into_studio_and_secret() {
        let (base, token) = super::parse_invitation_link("http://127.0.0.1:4780/invite/abc_DEF-12").unwrap();
        assert_eq!(
            (base.as_str(), token.as_str()),
            ("http://127.0.0.1:4780", "abc_DEF-12")
        );
        for bad in [
            "http://x/invite/",
            "http://x/join/abc",
            "nope/invite/abc",
            "http://x/invite/a?b",
        ] {
            assert!(super::parse_invitation_link(bad).is_err(), "{bad}");
        }
    }
}
