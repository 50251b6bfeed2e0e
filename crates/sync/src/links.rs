//! A campaign's public link, from a library (SPEC R8.4–R8.6): what the studio says of the
//! campaign's visibility — and, to who manages it, its link — and making, replacing or
//! withdrawing the link. The app's Visibility section and the CLI both come here: the studio
//! decides who may, the library checks first so that a refusal is said without a round trip.
//!
//! Knows nothing of how an answer is shown.

use atelier_domain::ErrorCode;
use atelier_domain::ids::CampaignId;
use atelier_library::{Acting, Library};
use atelier_protocol::{CampaignLinkState, CampaignVisibility, PublicSharing};

use crate::{Result, session};

/// What to do with a campaign's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkOp {
    /// Make it public (a public campaign keeps its link).
    Publish,
    /// Give it a new link: the old one dead at once.
    Regenerate,
    /// Make it private: the link deleted (publishing again makes a new one).
    Unpublish,
}

/// Publishes, regenerates or withdraws the link of the campaign `name` on `brand`.
pub fn control(lib: &Acting<'_>, name: &str, brand: &str, op: LinkOp) -> Result<CampaignVisibility> {
    let campaign = lib.public_link_campaign(name, brand)?;
    let library: &Library = lib;
    session::with_studio(library, |c, s| match op {
        LinkOp::Publish => c.publish_campaign(&s.access_token, campaign, false),
        LinkOp::Regenerate => c.publish_campaign(&s.access_token, campaign, true),
        LinkOp::Unpublish => c.unpublish_campaign(&s.access_token, campaign),
    })
}

/// Each of `campaigns`' visibility as the studio has it now (`None` for one it doesn't have
/// yet, or can't say), with the link for who manages it — one sign-in for all of them.
pub fn visibilities(library: &Library, campaigns: &[CampaignId]) -> Result<Vec<Option<CampaignVisibility>>> {
    session::with_studio(library, |c, s| {
        Ok(campaigns
            .iter()
            .map(|id| c.campaign_link(&s.access_token, *id).ok())
            .collect())
    })
}

/// Whether the studio can make public links (its public URL set, sharing turned on).
pub fn sharing(library: &Library) -> Result<PublicSharing> {
    session::with_studio(library, |c, s| c.sharing(&s.access_token))
}

/// What the app's Visibility section shows for the campaign `name` on `brand`: the studio's
/// sharing switch, the campaign's visibility and link, and whether this person may control
/// it (the library's view of their roles: it greys the buttons out; the studio decides).
pub fn state(lib: &Acting<'_>, name: &str, brand: &str) -> Result<CampaignLinkState> {
    let campaign = lib.campaign_id(name, brand)?;
    // A standalone library has no public links: that is said (`needs_studio`), not greyed out.
    let can_control = match lib.public_link_campaign(name, brand) {
        Ok(_) => true,
        Err(e) if e.code() == ErrorCode::Forbidden => false,
        Err(e) => return Err(e.into()),
    };
    let library: &Library = lib;
    let (sharing, seen) = session::with_studio(library, |c, s| {
        Ok((
            c.sharing(&s.access_token)?,
            c.campaign_link(&s.access_token, campaign)?,
        ))
    })?;
    Ok(CampaignLinkState {
        sharing,
        public: seen.public,
        link: seen.link,
        can_control,
    })
}
