//! Public campaign links (SPEC R8.4–R8.6, STUDIO.md §6, docs/decisions/0017): the studio's
//! public sharing switch, and publishing, regenerating, showing and withdrawing a campaign's
//! link — each allowed to who may control the campaign's public link now (atelier-domain's
//! `ControlPublicLink`: the brand's Managers, the studio's Owners and Admins), checked here on
//! every call.
//!
//! Must not know HTTP or SQL. Tokens are derived here and never stored or logged: the store
//! keeps the nonce and the token's SHA-256, the blob store the key.

use atelier_domain::ids::CampaignId;
use atelier_domain::policy::{self, Action};
use atelier_domain::{ErrorCode, Id as _, StudioRole};
use atelier_protocol::{CampaignVisibility, PublicSharing, SyncData};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac as _};
use rand::TryRngCore as _;
use rand::rngs::OsRng;
use sha2::Sha256;
use subtle::ConstantTimeEq as _;

use super::sync::on_brand;
use super::{Caller, ServiceError, ServiceResult, Studio, refused, secrets};
use crate::blobs::Blobs;
use crate::store::StoredLink;

/// Characters of the campaign's name kept in a link's stem (decoration: lookup is by token).
const STEM_CHARS: usize = 40;

/// Why public links can't be made here, said as the campaign page says it (R8.6).
fn sharing_off() -> ServiceError {
    refused(
        ErrorCode::PublicSharingOff,
        "Public sharing isn't set up for your studio yet — ask your studio admin",
    )
}

/// The link token of `campaign` under `key` with `nonce` (base64url of HMAC-SHA256).
fn token(key: &[u8; 32], campaign: &[u8], nonce: &[u8]) -> ServiceResult<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key)
        .map_err(|e| ServiceError::Internal(format!("the link key can't key an HMAC: {e}")))?;
    mac.update(campaign);
    mac.update(nonce);
    Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// The decorative stem of a link: the campaign's name, lower case, ASCII letters and digits
/// with `-` between words, at most [`STEM_CHARS`]; `campaign` when nothing is left.
pub fn stem(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= STEM_CHARS {
            break;
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "campaign".into()
    } else {
        out.into()
    }
}

/// The token of a public path's last segment (`<stem>-<token>`): its last 43 characters, when
/// they are base64url.
pub fn token_of_slug(slug: &str) -> Option<&str> {
    let at = slug.len().checked_sub(43)?;
    let token = slug.get(at..)?;
    let stem_ok = at == 0 || slug.get(..at).is_some_and(|s| s.ends_with('-'));
    (stem_ok
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    .then_some(token)
}

impl Studio {
    /// Whether public links can be made: the server has a public URL and an Owner or Admin
    /// turned sharing on.
    pub async fn public_sharing(&self) -> ServiceResult<PublicSharing> {
        Ok(PublicSharing {
            configured: self.public_url.is_some(),
            on: self.store.public_sharing().await?,
        })
    }

    /// Turns public sharing on or off (Owners and Admins; the route checks, and so does this).
    pub async fn set_public_sharing(&self, caller: &Caller, on: bool) -> ServiceResult<PublicSharing> {
        if !matches!(caller.account.role, StudioRole::Owner | StudioRole::Admin) {
            return Err(refused(
                ErrorCode::Forbidden,
                "only the studio's Owners and Admins turn public sharing on or off",
            ));
        }
        if on && self.public_url.is_none() {
            return Err(refused(
                ErrorCode::PublicSharingOff,
                "public sharing needs the studio's public URL: serve it with --public-url https://… first",
            ));
        }
        self.store.set_public_sharing(on).await?;
        // The switch moves no seq: what this process showed is forgotten now (other
        // processes check again within public::RECHECK_MS).
        self.public_views.clear();
        self.public_sharing().await
    }

    /// The campaign's name, checked: `caller` may take `action` on its brand now.
    async fn campaign_for(
        &self,
        caller: &Caller,
        campaign: CampaignId,
        action: Action,
    ) -> ServiceResult<String> {
        let not_found = || {
            refused(
                ErrorCode::CampaignNotFound,
                format!("campaign {campaign} isn't on the studio (it may have been deleted)"),
            )
        };
        let Some(SyncData::Campaign(row)) = self.store.stored_row("campaign", &campaign.to_string()).await?
        else {
            return Err(not_found());
        };
        let Some(brand) = self.store.brand_now(row.brand).await? else {
            return Err(not_found());
        };
        let (who, target) = on_brand(&caller.account, &brand);
        policy::can(&who, action, &target)?;
        Ok(row.name)
    }

    /// The link of `campaign` from its stored nonce.
    async fn link_for(&self, blobs: &Blobs, name: &str, stored: &StoredLink) -> ServiceResult<String> {
        let base = self.public_url.as_deref().ok_or_else(sharing_off)?;
        let key = blobs
            .link_key()
            .await
            .map_err(|e| ServiceError::Internal(format!("the link key: {e}")))?;
        Ok(format!(
            "{base}/c/{}-{}",
            stem(name),
            token(&key, &stored.campaign, &stored.nonce)?
        ))
    }

    /// Publishes a campaign — or, with `regenerate`, gives it a new link (the old one dead when
    /// this returns) — and returns its link. Publishing a public campaign keeps its link.
    pub async fn publish_campaign(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        campaign: CampaignId,
        regenerate: bool,
    ) -> ServiceResult<CampaignVisibility> {
        let name = self
            .campaign_for(caller, campaign, Action::ControlPublicLink)
            .await?;
        let sharing = self.public_sharing().await?;
        if !(sharing.configured && sharing.on) {
            return Err(sharing_off());
        }
        let id = campaign.to_bytes().to_vec();
        let kept = match self.store.link_of(&id).await? {
            Some(stored) if !regenerate => stored,
            _ => {
                let mut nonce = [0u8; 32];
                OsRng.try_fill_bytes(&mut nonce).map_err(|e| {
                    ServiceError::Internal(format!("the OS random number generator failed: {e}"))
                })?;
                let key = blobs
                    .link_key()
                    .await
                    .map_err(|e| ServiceError::Internal(format!("the link key: {e}")))?;
                let made = token(&key, &id, &nonce)?;
                let stored = StoredLink {
                    campaign: id,
                    nonce: nonce.to_vec(),
                    token_hash: secrets::digest(&made).to_vec(),
                };
                self.store
                    .put_link(campaign, &stored, caller.account.id, self.now())
                    .await?;
                // Every member's library hears the campaign is public (its row changed).
                self.poke().await;
                stored
            }
        };
        Ok(CampaignVisibility {
            public: true,
            link: Some(self.link_for(blobs, &name, &kept).await?),
        })
    }

    /// The campaign's visibility, to whoever sees the brand's campaigns; its link, when
    /// public, only to who may control it (R8.4).
    pub async fn campaign_visibility(
        &self,
        caller: &Caller,
        blobs: &Blobs,
        campaign: CampaignId,
    ) -> ServiceResult<CampaignVisibility> {
        let name = self.campaign_for(caller, campaign, Action::ViewAsset).await?;
        let Some(stored) = self.store.link_of(&campaign.to_bytes()).await? else {
            return Ok(CampaignVisibility {
                public: false,
                link: None,
            });
        };
        let manages = self
            .campaign_for(caller, campaign, Action::ControlPublicLink)
            .await
            .is_ok();
        Ok(CampaignVisibility {
            public: true,
            link: if manages {
                Some(self.link_for(blobs, &name, &stored).await?)
            } else {
                None
            },
        })
    }

    /// Makes a campaign private: its link is deleted (publishing again makes a new one).
    pub async fn unpublish_campaign(
        &self,
        caller: &Caller,
        campaign: CampaignId,
    ) -> ServiceResult<CampaignVisibility> {
        self.campaign_for(caller, campaign, Action::ControlPublicLink)
            .await?;
        self.store.drop_link(campaign).await?;
        self.poke().await;
        Ok(CampaignVisibility {
            public: false,
            link: None,
        })
    }

    /// The campaign a public path's token opens, if its link is live: the token's hash finds
    /// the row, and the stored hash is compared with it in constant time.
    pub async fn campaign_of_token(&self, token: &str) -> ServiceResult<Option<CampaignId>> {
        let presented = secrets::digest(token);
        let Some(stored) = self.store.link_by_token(&presented).await? else {
            return Ok(None);
        };
        if !bool::from(stored.token_hash.as_slice().ct_eq(&presented)) {
            return Ok(None);
        }
        let id = uuid::Uuid::from_slice(&stored.campaign)
            .map_err(|_| ServiceError::Internal("a campaign link's campaign id isn't 16 bytes".into()))?;
        Ok(Some(CampaignId::from_uuid(id)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stem_is_the_name_in_plain_lower_case_words() {
        assert_eq!(stem("Summer Launch 2026!"), "summer-launch-2026");
        assert_eq!(stem("  Été — ça va  "), "t-a-va");
        assert_eq!(stem("東京"), "campaign");
        assert!(stem(&"x".repeat(300)).len() <= STEM_CHARS);
    }

    #[test]
    fn the_token_is_the_last_43_base64url_characters_of_the_slug() {
        let t = "A".repeat(43);
        assert_eq!(token_of_slug(&format!("summer-{t}")), Some(t.as_str()));
        assert_eq!(token_of_slug(&t), Some(t.as_str()));
        assert_eq!(
            token_of_slug(&format!("summer{t}")),
            None,
            "the stem ends with '-'"
        );
        assert_eq!(token_of_slug("short"), None);
        assert_eq!(token_of_slug(&format!("x-{}!", "A".repeat(42))), None);
    }

    #[test]
    fn tokens_are_32_bytes_and_differ_by_key_campaign_and_nonce() {
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        let t = token(&k1, b"campaign-a", b"nonce-1").unwrap_or_default();
        assert_eq!(t.len(), 43);
        assert_eq!(URL_SAFE_NO_PAD.decode(&t).map(|b| b.len()).unwrap_or(0), 32);
        assert_eq!(
            t,
            token(&k1, b"campaign-a", b"nonce-1").unwrap_or_default(),
            "recomputable"
        );
        assert_ne!(t, token(&k2, b"campaign-a", b"nonce-1").unwrap_or_default());
        assert_ne!(t, token(&k1, b"campaign-b", b"nonce-1").unwrap_or_default());
        assert_ne!(t, token(&k1, b"campaign-a", b"nonce-2").unwrap_or_default());
    }
}
