//! Sync's use cases (STUDIO.md §4): apply a library's pushed intents — each re-decided by
//! atelier-domain on the caller's roles and the rows as they are now, at most once —, answer a
//! pull with the rows the caller may see, say the latest seq for live pokes, and the studio's
//! plan limits.
//!
//! Must not know HTTP or SQL: it asks the store for facts inside the writing transaction and
//! tells it what to write.

use atelier_domain::ids::BrandId;
use atelier_domain::policy::{self, Action, Actor, BrandKind, Target};
use atelier_domain::rules::{self, StudioAction, kit};
use atelier_domain::{BrandRole, ErrorCode, InvalidInput, names};
use atelier_protocol::{
    BrandSyncRow, Kit, KitPatch, PullResponse, PushOutcome, PushRequest, PushResponse, PushResult,
    StudioLimits, SyncIntent,
};

use super::{Caller, ServiceResult, Studio, refused};
use crate::store::{Applied, FactsQuery, STUDIO_SCOPE, SyncFacts, SyncWrite, user_scope};

/// At most this many intents per push: a bigger outbox pushes in several requests.
pub const MAX_PUSH: usize = 500;

/// At most this many rows per pull page.
pub const MAX_PULL: i64 = 1000;

impl Studio {
    /// Applies pushed intents in order, each in its own transaction; a refused one is consumed
    /// and answered with its reason, and never stops the ones after it.
    pub async fn push(&self, caller: &Caller, push: PushRequest) -> ServiceResult<PushResponse> {
        if push.intents.len() > MAX_PUSH {
            return Err(refused(
                ErrorCode::InvalidCount,
                format!(
                    "a push carries at most {MAX_PUSH} intents (got {}): send the rest in the next push",
                    push.intents.len()
                ),
            ));
        }
        if push.intents.windows(2).any(|w| w[0].id >= w[1].id) {
            return Err(refused(
                ErrorCode::InvalidBody,
                "intents must be sent oldest first, with increasing ids",
            ));
        }
        let mut results = Vec::with_capacity(push.intents.len());
        let mut changed = false;
        for pushed in push.intents {
            let query = facts_needed(&pushed.intent);
            let actor = caller.account.clone();
            let intent = pushed.intent.clone();
            let applied = self
                .store
                .apply_intent(push.replica, pushed.id, actor.id, &query, move |facts| {
                    decide(&actor, &intent, facts)
                })
                .await?;
            let outcome = match applied {
                Applied::Now(o) => {
                    changed |= matches!(o, PushOutcome::Applied { .. });
                    match &o {
                        PushOutcome::Applied { seq } => {
                            tracing::info!(by = %caller.account.id, intent = pushed.intent.name(), seq, "applied");
                        }
                        PushOutcome::Refused { code, .. } => {
                            tracing::info!(by = %caller.account.id, intent = pushed.intent.name(), %code, "refused");
                        }
                    }
                    o
                }
                Applied::Before(o) => o,
            };
            results.push(PushResult {
                id: pushed.id,
                outcome,
            });
        }
        if changed {
            self.poke().await;
        }
        Ok(PushResponse { results })
    }

    /// The rows after `cursor` that the caller may see now: the studio's and their own.
    pub async fn pull(
        &self,
        caller: &Caller,
        cursor: i64,
        limit: Option<i64>,
    ) -> ServiceResult<PullResponse> {
        if cursor < 0 {
            return Err(refused(
                ErrorCode::InvalidCursor,
                "the cursor is a seq from an earlier pull: 0 or more",
            ));
        }
        let limit = match limit {
            None => MAX_PULL,
            Some(n) if (1..=MAX_PULL).contains(&n) => n,
            Some(n) => {
                return Err(refused(
                    ErrorCode::InvalidLimit,
                    format!("limit must be 1–{MAX_PULL} (got {n})"),
                ));
            }
        };
        let scopes = vec![STUDIO_SCOPE.to_string(), user_scope(caller.account.id)];
        let (epoch, last, rows) = self.store.pull(&scopes, cursor, limit + 1).await?;
        let more = rows.len() as i64 > limit;
        let rows: Vec<_> = rows.into_iter().take(limit as usize).collect();
        // With nothing left to send, the cursor moves to the studio's last seq: rows the caller
        // may not see don't have to be skipped again next time.
        let cursor = match (more, rows.last()) {
            (true, Some(r)) => r.seq,
            _ => last.max(cursor),
        };
        Ok(PullResponse {
            epoch,
            rows,
            cursor,
            more,
        })
    }

    /// A new sync epoch (after a restore from a backup): clients start over from cursor 0.
    pub async fn new_epoch(&self) -> ServiceResult<String> {
        let mut epoch = [0u8; 16];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut epoch);
        let text = self.store.new_epoch(epoch).await?;
        tracing::info!(%text, "new sync epoch");
        Ok(text)
    }

    /// The latest seq committed (what a live poke carries).
    pub async fn latest_seq(&self) -> ServiceResult<i64> {
        Ok(self.store.last_seq().await?)
    }

    /// The plan limits (R9.5).
    pub async fn limits(&self) -> ServiceResult<StudioLimits> {
        Ok(self.store.limits().await?)
    }

    /// Sets the plan limits (Owners and Admins; the route says so) and publishes them.
    pub async fn set_limits(&self, caller: &Caller, limits: StudioLimits) -> ServiceResult<StudioLimits> {
        rules::limits(limits.projects_per_member, limits.storage_per_project)?;
        self.store.set_limits(&limits).await?;
        tracing::info!(by = %caller.account.id, ?limits, "limits set");
        self.poke().await;
        Ok(limits)
    }
}

/// Which facts deciding `intent` needs.
fn facts_needed(intent: &SyncIntent) -> FactsQuery {
    match intent {
        SyncIntent::BrandCreate { brand, name } | SyncIntent::BrandRename { brand, name } => FactsQuery {
            brand: Some(*brand),
            name_key: Some(names::key(name.trim())),
            user: None,
        },
        SyncIntent::BrandKit { brand, .. } => FactsQuery {
            brand: Some(*brand),
            ..FactsQuery::default()
        },
        SyncIntent::BrandMember { brand, user, .. } => FactsQuery {
            brand: Some(*brand),
            name_key: None,
            user: Some(*user),
        },
    }
}

/// The actor's roles on `brand`, and the brand as a policy target.
fn on_brand(actor: &crate::store::Account, brand: &BrandSyncRow) -> (Actor, Target) {
    let brand_role = brand.members.iter().find(|m| m.user == actor.id).map(|m| m.role);
    let kind = match brand.personal_of {
        Some(owner) => BrandKind::Personal {
            owned_by_actor: owner == actor.id,
        },
        None => BrandKind::Team,
    };
    (
        Actor {
            studio_role: actor.role,
            brand_role,
        },
        Target {
            brand: kind,
            own_asset: false,
            self_approval: brand.kit.self_approval,
        },
    )
}

fn no_brand(id: BrandId) -> InvalidInput {
    InvalidInput::new(
        ErrorCode::BrandNotFound,
        format!("brand {id} isn't on the studio (it may have been removed)"),
    )
}

/// The one decision per intent, on the facts as they are now — the same atelier-domain rules
/// the desktop checks before it records the change.
fn decide(
    actor: &crate::store::Account,
    intent: &SyncIntent,
    facts: &SyncFacts,
) -> Result<Vec<SyncWrite>, InvalidInput> {
    match intent {
        SyncIntent::BrandCreate { brand, name } => {
            rules::can_in_studio(actor.role, StudioAction::CreateBrand)?;
            let name = rules::brand_name(name)?;
            if facts.brand.is_some() {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("a brand with the id {brand} already exists on the studio"),
                ));
            }
            if facts.name_holder.is_some() {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("the studio already has a brand called '{name}'"),
                ));
            }
            Ok(vec![SyncWrite::CreateBrand {
                id: *brand,
                name_key: names::key(&name),
                name,
                creator: (actor.id, rules::CREATOR_ROLE),
            }])
        }
        SyncIntent::BrandRename { brand, name } => {
            let b = facts.brand.as_ref().ok_or_else(|| no_brand(*brand))?;
            let (who, target) = on_brand(actor, b);
            rules::rename_brand(target.brand)?;
            policy::can(&who, Action::EditKit, &target)?;
            let name = rules::brand_name(name)?;
            if facts.name_holder.is_some_and(|h| h != *brand) {
                return Err(InvalidInput::new(
                    ErrorCode::NameTaken,
                    format!("the studio already has a brand called '{name}'"),
                ));
            }
            Ok(vec![SyncWrite::RenameBrand {
                id: *brand,
                name_key: names::key(&name),
                name,
            }])
        }
        SyncIntent::BrandKit { brand, kit: patch } => {
            let b = facts.brand.as_ref().ok_or_else(|| no_brand(*brand))?;
            let (who, target) = on_brand(actor, b);
            policy::can(&who, Action::EditKit, &target)?;
            Ok(vec![SyncWrite::SetKit {
                id: *brand,
                kit: patched(&b.kit, patch)?,
            }])
        }
        SyncIntent::BrandMember { brand, user, role } => {
            let b = facts.brand.as_ref().ok_or_else(|| no_brand(*brand))?;
            let (who, target) = on_brand(actor, b);
            policy::can(&who, Action::ManageMembers, &target)?;
            let person = match &facts.user {
                Some((a, false)) => a,
                _ => {
                    return Err(InvalidInput::new(
                        ErrorCode::UserNotFound,
                        "that person isn't a member of the studio: invite them to the studio first",
                    ));
                }
            };
            let current = b.members.iter().find(|m| m.user == *user).map(|m| m.role);
            let managers = b.members.iter().filter(|m| m.role == BrandRole::Manager).count() as u64;
            rules::member_change(&person.email, current, *role, managers, true)?;
            Ok(vec![SyncWrite::SetMember {
                brand: *brand,
                user: *user,
                role: *role,
            }])
        }
    }
}

/// `kit` with `patch`'s fields, each checked by the kit rules the desktop uses.
fn patched(current: &Kit, patch: &KitPatch) -> Result<Kit, InvalidInput> {
    let mut kit = current.clone();
    if let Some(c) = &patch.color {
        kit.color = kit::kit_color(Some(c))?.flatten();
    }
    if let Some(p) = kit::affix("prefix", patch.prompt_prefix.as_deref())? {
        kit.prompt_prefix = p;
    }
    if let Some(s) = kit::affix("suffix", patch.prompt_suffix.as_deref())? {
        kit.prompt_suffix = s;
    }
    if let Some(terms) = &patch.banned_terms {
        // The whole list: checked as an edit from nothing that bans each term.
        kit.banned_terms = kit::banned_terms(&[], terms, &[])?.unwrap_or_default();
    }
    if let Some(s) = patch.self_approval {
        kit.self_approval = s;
    }
    if let Some(p) = &patch.palette {
        kit.palette = kit::palette(Some(p))?.unwrap_or_default();
    }
    Ok(kit)
}
