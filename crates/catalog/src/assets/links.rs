//! An asset's memberships: tags, collections and campaigns — linked and unlinked in bulk, one
//! journal entry per tag, collection or campaign, postings kept true (the Filed posting
//! included); a move to another brand drops the old brand's.
//!
//! Knows the link tables.

use atelier_protocol::ChangeAction;
use rusqlite::params;

use crate::postings::{Facet, Link, seq_u32};
use crate::rows::{CampaignRow, CollectionRow, TagRow, UserRow, array};
use crate::{Result, Tx, journal};

/// What linking (`add`) or unlinking with `link` is called in the journal.
fn action(link: Link, add: bool) -> ChangeAction {
    match (link, add) {
        (Link::Tag, true) => ChangeAction::TagAdd,
        (Link::Tag, false) => ChangeAction::TagRemove,
        (Link::Collection, true) => ChangeAction::CollectionAdd,
        (Link::Collection, false) => ChangeAction::CollectionRemove,
        (Link::Campaign, true) => ChangeAction::CampaignAdd,
        (Link::Campaign, false) => ChangeAction::CampaignRemove,
    }
}

impl Tx<'_> {
    /// Adds tag rows to assets (pairs already present are skipped).
    pub fn add_tags(&mut self, seqs: &[i64], tags: &[TagRow], actor: UserRow, now: i64) -> Result<()> {
        let tags: Vec<i64> = tags.iter().map(|t| t.0).collect();
        self.link(Link::Tag, &tags, seqs, true, actor, now)
    }

    /// Removes tag rows from assets.
    pub fn remove_tags(&mut self, seqs: &[i64], tags: &[TagRow], actor: UserRow, now: i64) -> Result<()> {
        let tags: Vec<i64> = tags.iter().map(|t| t.0).collect();
        self.link(Link::Tag, &tags, seqs, false, actor, now)
    }

    /// Files assets into a collection (already there: nothing happens).
    pub fn file(&mut self, collection: CollectionRow, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.link(Link::Collection, &[collection.0], seqs, true, actor, now)
    }

    /// Takes assets out of a collection.
    pub fn unfile(
        &mut self,
        collection: CollectionRow,
        seqs: &[i64],
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        self.link(Link::Collection, &[collection.0], seqs, false, actor, now)
    }

    /// Adds assets to a campaign (already there: nothing happens).
    pub fn add_to_campaign(
        &mut self,
        campaign: CampaignRow,
        seqs: &[i64],
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        self.link(Link::Campaign, &[campaign.0], seqs, true, actor, now)
    }

    /// Removes assets from a campaign.
    pub fn remove_from_campaign(
        &mut self,
        campaign: CampaignRow,
        seqs: &[i64],
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        self.link(Link::Campaign, &[campaign.0], seqs, false, actor, now)
    }

    fn link(
        &mut self,
        kind: Link,
        groups: &[i64],
        seqs: &[i64],
        add: bool,
        actor: UserRow,
        now: i64,
    ) -> Result<()> {
        let (table, column, action) = (kind.table(), kind.column(), action(kind, add));
        let sql = if add {
            match kind {
                Link::Tag => format!("INSERT OR IGNORE INTO {table} ({column}, asset) VALUES (?1, ?2)"),
                _ => format!(
                    "INSERT OR IGNORE INTO {table} ({column}, asset, added_at) VALUES (?1, ?2, {now})"
                ),
            }
        } else {
            format!("DELETE FROM {table} WHERE {column} = ?1 AND asset = ?2")
        };
        let mut touched: Vec<i64> = Vec::new();
        for group in groups {
            let mut linked: Vec<i64> = Vec::new();
            {
                let mut stmt = self.tx.prepare_cached(&sql)?;
                for seq in seqs {
                    // Already linked / not linked: a no-op, not a change.
                    if stmt.execute(params![group, seq])? > 0 {
                        linked.push(*seq);
                    }
                }
            }
            if linked.is_empty() {
                continue;
            }
            let facet = kind.facet(*group);
            for seq in &linked {
                let s = seq_u32(*seq)?;
                if add {
                    self.postings.add(facet, s);
                } else {
                    self.postings.remove(facet, s);
                }
            }
            // One entry per tag, collection or campaign: its public id, and the assets.
            let subject = journal::uid_of(&self.tx, column, *group)?;
            let uids = journal::asset_uids(&self.tx, &linked)?;
            journal::record(
                &self.tx,
                journal::Entry {
                    subject: Some(&subject),
                    ..journal::Entry::assets(now, actor, action, &uids)
                },
            )?;
            touched.extend(linked);
        }
        if kind == Link::Collection {
            self.refresh_filed(&touched)?;
        }
        Ok(())
    }

    /// Keeps the Filed posting true for `seqs` after collection edits.
    pub(crate) fn refresh_filed(&mut self, seqs: &[i64]) -> Result<()> {
        let mut any = self
            .tx
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM collection_asset WHERE asset = ?1)")?;
        for seq in seqs {
            let filed: bool = any.query_row([seq], |r| r.get(0))?;
            if filed {
                self.postings.add(Facet::Filed, seq_u32(*seq)?);
            } else {
                self.postings.remove(Facet::Filed, seq_u32(*seq)?);
            }
        }
        Ok(())
    }

    /// Marks assets as "filed or not" from scratch (after a bulk unfile).
    pub fn refresh_filed_all(&mut self, seqs: &[i64]) -> Result<()> {
        self.refresh_filed(seqs)
    }

    /// Used by moves between brands: drops an asset's collections and campaigns (both belong to
    /// a brand), returning how many memberships went.
    pub fn drop_brand_memberships(&mut self, seqs: &[i64], actor: UserRow, now: i64) -> Result<u64> {
        let mut n = 0u64;
        let links: Vec<(String, i64, i64)> = self
            .tx
            .prepare(
                "SELECT 'collection', collection, asset FROM collection_asset WHERE asset IN rarray(?1)
                 UNION ALL SELECT 'campaign', campaign, asset FROM campaign_asset WHERE asset IN rarray(?1)",
            )?
            .query_map([array(seqs)], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<Result<_, _>>()?;
        for (kind, group, seq) in links {
            if kind == "collection" {
                self.unfile(CollectionRow(group), &[seq], actor, now)?;
            } else {
                self.remove_from_campaign(CampaignRow(group), &[seq], actor, now)?;
            }
            n += 1;
        }
        Ok(n)
    }
}
