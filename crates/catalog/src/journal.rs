//! The change journal: one entry per action (what, on which thing, by whom, when, before/after,
//! and the assets a bulk action touched), written in the same transaction as the change and
//! keyed by public ids, never row ids. The UI's live refresh reads it; a library bound to a
//! studio also queues each entry in the outbox, in that same transaction, for the sync client
//! to push (standalone, the outbox stays empty).
//!
//! Knows the tables only; what an action means is the library's business.

use atelier_domain::ids::UserId;
use atelier_domain::{AssetId, Id};
use atelier_protocol::{Change, ChangeAction, Entity, JournalSpan};
use rusqlite::{Connection, OptionalExtension, params};

use crate::rows::UserRow;
use crate::{Catalog, CatalogError, Result, Tx};

/// One entry to write.
#[derive(Debug, Clone)]
pub(crate) struct Entry<'a> {
    pub(crate) at: i64,
    pub(crate) actor: UserRow,
    pub(crate) entity: Entity,
    pub(crate) action: ChangeAction,
    /// The public id (16 bytes) of the thing changed, when one thing.
    pub(crate) subject: Option<&'a [u8]>,
    /// The public ids (16 bytes each) of the assets a bulk action touched.
    pub(crate) assets: &'a [Vec<u8>],
    pub(crate) before: Option<serde_json::Value>,
    pub(crate) after: Option<serde_json::Value>,
}

impl<'a> Entry<'a> {
    /// An entry about one thing.
    pub(crate) fn about(
        at: i64,
        actor: UserRow,
        entity: Entity,
        action: ChangeAction,
        subject: Option<&'a [u8]>,
    ) -> Self {
        Entry {
            at,
            actor,
            entity,
            action,
            subject,
            assets: &[],
            before: None,
            after: None,
        }
    }

    /// An entry about the assets a bulk action touched.
    pub(crate) fn assets(at: i64, actor: UserRow, action: ChangeAction, assets: &'a [Vec<u8>]) -> Self {
        Entry {
            assets,
            ..Entry::about(at, actor, Entity::Asset, action, None)
        }
    }

    /// With the changed fields before and after.
    pub(crate) fn change(
        mut self,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// Appends an entry (and queues it for the studio when the library is bound to one).
pub(crate) fn record(conn: &Connection, e: Entry<'_>) -> Result<()> {
    let assets: Option<Vec<u8>> = (!e.assets.is_empty()).then(|| e.assets.concat());
    conn.prepare_cached(
        "INSERT INTO change (at, actor, entity, entity_uid, action, before, after, assets)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.at,
        e.actor.0,
        e.entity.as_str(),
        e.subject,
        e.action.as_str(),
        e.before.map(|v| v.to_string()),
        e.after.map(|v| v.to_string()),
        assets
    ])?;
    let seq = conn.last_insert_rowid();
    let bound: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM studio_binding)")?
        .query_row([], |r| r.get(0))?;
    // What happens to files on this machine (presence, relinks, watched folders) is this
    // machine's business: it is journaled for the app, never pushed.
    if bound && !e.action.is_local() {
        conn.prepare_cached("INSERT INTO outbox (change, queued_at) VALUES (?1, ?2)")?
            .execute(params![seq, e.at])?;
    }
    Ok(())
}

/// The journal's last `seq` (0 when empty). Entries are never removed, and `seq` is the rowid:
/// a new entry takes the last plus one.
pub(crate) fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT coalesce(max(seq), 0) FROM change")?
        .query_row([], |r| r.get(0))?)
}

/// One Import entry per creator for the assets a transaction added, listing them: an import of
/// 300 files is one action, as a bulk rating is.
pub(crate) fn record_imports(conn: &Connection, imported: &[(UserRow, i64, [u8; 16])]) -> Result<()> {
    let mut by: Vec<(UserRow, i64, Vec<Vec<u8>>)> = Vec::new();
    for (creator, at, uid) in imported {
        match by.iter_mut().find(|(c, _, _)| c == creator) {
            Some((_, last, uids)) => {
                *last = (*last).max(*at);
                uids.push(uid.to_vec());
            }
            None => by.push((*creator, *at, vec![uid.to_vec()])),
        }
    }
    for (creator, at, uids) in by {
        record(conn, Entry::assets(at, creator, ChangeAction::Import, &uids))?;
    }
    Ok(())
}

/// The public id of an asset row (for entries about it).
pub(crate) fn asset_uid(conn: &Connection, seq: i64) -> Result<Vec<u8>> {
    Ok(conn
        .prepare_cached("SELECT uid FROM asset WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))?)
}

/// The public ids of asset rows, in order.
pub(crate) fn asset_uids(conn: &Connection, seqs: &[i64]) -> Result<Vec<Vec<u8>>> {
    seqs.iter().map(|s| asset_uid(conn, *s)).collect()
}

/// The public id of a row of `table` (`tag`, `collection`, `campaign`, `project`, `brand`).
pub(crate) fn uid_of(conn: &Connection, table: &str, id: i64) -> Result<Vec<u8>> {
    conn.prepare_cached(&format!("SELECT uid FROM {table} WHERE id = ?1"))?
        .query_row([id], |r| r.get::<_, Option<Vec<u8>>>(0))
        .optional()?
        .flatten()
        .ok_or_else(|| CatalogError::Corrupt(format!("{table} {id} has no public id")))
}

/// A stored public id as text (for the journal's before/after, which never hold row ids).
pub(crate) fn uid_text(bytes: &[u8]) -> String {
    uuid(bytes)
        .map(|u| u.hyphenated().to_string())
        .unwrap_or_default()
}

fn uuid(bytes: &[u8]) -> Option<uuid::Uuid> {
    uuid::Uuid::from_slice(bytes).ok()
}

impl crate::Tx<'_> {
    /// Binds the library to a studio: from now on every entry that isn't about this machine's
    /// files is queued in the outbox, in the same transaction as the change it records.
    pub fn bind_studio(&mut self, studio_url: &str, user: UserId, device: &[u8; 16], now: i64) -> Result<()> {
        self.tx.execute(
            "INSERT INTO studio_binding (id, studio_url, user_uid, device_uid, bound_at, replica)
             VALUES (1, ?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (id) DO UPDATE SET studio_url = excluded.studio_url, user_uid = excluded.user_uid,
                 device_uid = excluded.device_uid, bound_at = excluded.bound_at,
                 replica = coalesce(studio_binding.replica, excluded.replica)",
            params![
                studio_url,
                user.to_bytes(),
                device.as_slice(),
                now,
                uuid::Uuid::now_v7().as_bytes().to_vec()
            ],
        )?;
        Ok(())
    }
}

/// The studio a library is bound to (STUDIO.md §3): which studio, as whom, from which device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudioBinding {
    /// The studio's base URL.
    pub studio_url: String,
    /// The studio user this library acts as.
    pub user: UserId,
    /// This library's device on the studio (its credential is in the OS keyring under it).
    pub device: uuid::Uuid,
    /// When it was bound (unix ms).
    pub bound_at: i64,
}

impl Catalog {
    /// The studio binding, while the library is bound.
    pub fn studio_binding(&self) -> Result<Option<StudioBinding>> {
        let row: Option<(String, Vec<u8>, Vec<u8>, i64)> = self
            .conn()
            .query_row(
                "SELECT studio_url, user_uid, device_uid, bound_at FROM studio_binding WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        row.map(|(studio_url, user, device, bound_at)| {
            Ok(StudioBinding {
                studio_url,
                user: UserId::from_uuid(crate::rows::uuid_of(&user)?),
                device: crate::rows::uuid_of(&device)?,
                bound_at,
            })
        })
        .transpose()
    }

    /// Journal entries after `since` (0 for all), oldest first, at most `limit`.
    pub fn changes_since(&self, since: i64, limit: usize) -> Result<Vec<Change>> {
        self.changes_between(since.saturating_add(1), i64::MAX, limit)
    }

    /// The seq of the newest journal entry (0 for none): where a reader of changes starts.
    pub fn journal_head(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT ifnull(max(seq), 0) FROM change", [], |r| r.get(0))?)
    }

    /// The journal entries of `spans`, oldest first (at most `limit` in all).
    pub fn changes_in(&self, spans: &[JournalSpan], limit: usize) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        for s in spans {
            out.extend(self.changes_between(s.first, s.last, limit.saturating_sub(out.len()))?);
        }
        out.sort_by_key(|c| c.seq);
        out.dedup_by_key(|c| c.seq);
        Ok(out)
    }

    /// Which of the entries of `spans` an Undo already took back.
    pub fn undone_in(&self, spans: &[JournalSpan]) -> Result<Vec<i64>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT seq FROM undone WHERE seq BETWEEN ?1 AND ?2 ORDER BY seq")?;
        let mut out = Vec::new();
        for s in spans {
            for seq in stmt.query_map(params![s.first, s.last], |r| r.get(0))? {
                out.push(seq?);
            }
        }
        Ok(out)
    }

    /// Whether any entry of `spans` was written by someone other than `actor` (or by no one:
    /// the studio's changes arriving).
    pub fn others_in(&self, spans: &[JournalSpan], actor: UserRow) -> Result<bool> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM change WHERE seq BETWEEN ?1 AND ?2 AND actor IS NOT ?3)",
        )?;
        for s in spans {
            if stmt.query_row(params![s.first, s.last, actor.0], |r| r.get::<_, bool>(0))? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn changes_between(&self, first: i64, last: i64, limit: usize) -> Result<Vec<Change>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT c.seq, c.at, u.uid, u.handle, c.entity, c.entity_uid, c.action, c.before, c.after, c.assets
             FROM change c LEFT JOIN user u ON u.id = c.actor WHERE c.seq BETWEEN ?1 AND ?2
             ORDER BY c.seq LIMIT ?3",
        )?;
        let rows = stmt.query_map(params![first, last, limit as i64], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<Vec<u8>>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, Option<Vec<u8>>>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, Option<String>>(8)?,
                r.get::<_, Option<Vec<u8>>>(9)?,
            ))
        })?;
        let json = |s: Option<String>| s.and_then(|s| serde_json::from_str(&s).ok());
        let mut out = Vec::new();
        for row in rows {
            let (seq, at, actor, actor_name, entity, subject, action, before, after, assets) = row?;
            // Entries of kinds this build doesn't know (a newer one wrote them) are left out.
            let (Some(entity), Some(action)) = (Entity::parse(&entity), ChangeAction::parse(&action)) else {
                continue;
            };
            out.push(Change {
                seq,
                at,
                actor: actor.as_deref().and_then(uuid).map(UserId::from_uuid),
                actor_name,
                entity,
                action,
                entity_id: subject.as_deref().and_then(uuid).map(|u| u.to_string()),
                assets: assets
                    .unwrap_or_default()
                    .chunks_exact(16)
                    .filter_map(uuid)
                    .map(AssetId::from_uuid)
                    .collect(),
                before: json(before),
                after: json(after),
            });
        }
        Ok(out)
    }

    /// How many journal entries wait in the outbox for the studio (always 0 standalone).
    pub fn outbox_len(&self) -> Result<i64> {
        Ok(self
            .conn()
            .query_row("SELECT count(*) FROM outbox", [], |r| r.get(0))?)
    }
}

impl Tx<'_> {
    /// Records that an Undo took back these journal entries (the same action can't be undone
    /// twice). Entries already recorded are left as they are.
    pub fn mark_undone(&mut self, seqs: &[i64], now: i64) -> Result<()> {
        let mut stmt = self
            .tx
            .prepare_cached("INSERT OR IGNORE INTO undone (seq, at) VALUES (?1, ?2)")?;
        for seq in seqs {
            stmt.execute(params![seq, now])?;
        }
        Ok(())
    }

    /// The public id of a row of `entity`'s table (tag, collection, campaign, project, brand).
    pub(crate) fn uid(&self, entity: Entity, id: i64) -> Result<Vec<u8>> {
        uid_of(&self.tx, entity.as_str(), id)
    }

    /// The public id of a row as text, for the journal's before/after (never row ids there).
    pub(crate) fn uid_text(&self, entity: Entity, id: Option<i64>) -> Result<Option<String>> {
        id.map(|id| self.uid(entity, id).map(|u| uid_text(&u)))
            .transpose()
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn journal(
        &self,
        now: i64,
        actor: UserRow,
        entity: Entity,
        subject: Option<&[u8]>,
        action: ChangeAction,
        before: serde_json::Value,
        after: serde_json::Value,
    ) -> Result<()> {
        let given = |v: serde_json::Value| (!v.is_null()).then_some(v);
        record(
            &self.tx,
            Entry::about(now, actor, entity, action, subject).change(given(before), given(after)),
        )
    }
}
