//! Loading many assets at once (benchmark libraries, fixtures): the very path an import takes —
//! `Tx::insert_asset` for each asset, then the same bulk edits a person makes (status, flag,
//! collections, campaigns) — in transactions of 50,000, with the term dictionary rebuilt once
//! at the end rather than staged word by word.

use std::collections::BTreeMap;

use atelier_domain::{Flag, Status};

use crate::{CampaignRow, Catalog, CollectionRow, Column, NewAsset, Result, UserRow};

/// An asset with its organisation, for [`Catalog::bulk_insert`].
#[derive(Debug, Clone)]
pub struct BulkAsset {
    /// The asset (its tags by name, as an import gives them).
    pub asset: NewAsset,
    /// Review status.
    pub status: Status,
    /// Culling flag.
    pub flag: Flag,
    /// Collection rows it is filed in.
    pub collections: Vec<CollectionRow>,
    /// Campaign rows it belongs to.
    pub campaigns: Vec<CampaignRow>,
}

/// Rows per transaction: big enough to amortise commits, small enough to keep the WAL short.
const BULK_TX: usize = 50_000;

impl Catalog {
    /// Inserts many assets, organised by `actor`; `progress` is called with the running count.
    /// Content already in the library is skipped, as an import skips it. Returns how many
    /// assets were added.
    pub fn bulk_insert(
        &mut self,
        assets: impl IntoIterator<Item = BulkAsset>,
        actor: UserRow,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut iter = assets.into_iter().peekable();
        let mut count = 0u64;
        while iter.peek().is_some() {
            let batch: Vec<BulkAsset> = iter.by_ref().take(BULK_TX).collect();
            count += self.write(|tx| {
                tx.stage_terms = false;
                let now = crate::rows::now_ms();
                let mut status: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
                let mut flag: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
                let mut filed: BTreeMap<CollectionRow, Vec<i64>> = BTreeMap::new();
                let mut campaigns: BTreeMap<CampaignRow, Vec<i64>> = BTreeMap::new();
                let mut added = 0u64;
                for b in &batch {
                    let Ok(seq) = tx.insert_asset(&b.asset)? else {
                        continue;
                    };
                    added += 1;
                    status.entry(b.status.code()).or_default().push(seq);
                    flag.entry(b.flag.code()).or_default().push(seq);
                    for c in &b.collections {
                        filed.entry(*c).or_default().push(seq);
                    }
                    for c in &b.campaigns {
                        campaigns.entry(*c).or_default().push(seq);
                    }
                }
                for (value, seqs) in status {
                    tx.set_column(Column::Status, &seqs, value, actor, now)?;
                }
                for (value, seqs) in flag {
                    tx.set_column(Column::Flag, &seqs, value, actor, now)?;
                }
                for (c, seqs) in filed {
                    tx.file(c, &seqs, actor, now)?;
                }
                for (c, seqs) in campaigns {
                    tx.add_to_campaign(c, &seqs, actor, now)?;
                }
                Ok(added)
            })?;
            progress(count);
        }
        self.write(|tx| crate::text::rebuild_terms(&tx.tx))?;
        Ok(count)
    }
}
