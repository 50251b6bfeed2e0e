//! Stacks (R2.9): assets shown as one card under a cover — a RAW and its JPEG, or any assets
//! the user stacks by hand. Every member holds its cover's seq in `asset.stack`; members other
//! than the cover are in the `StackMember` posting so that searches leave them out.

use atelier_domain::Id;
use atelier_protocol::ChangeAction;
use rusqlite::params;

use crate::postings::{Facet, seq_u32};
use crate::rows::array;
use crate::{Catalog, Result, Tx, UserRow, journal};

impl Catalog {
    /// `seqs` with every other member of the stacks they belong to, in stack order (each cover
    /// followed by its members), unstacked ones as given.
    pub fn with_stacks(&self, seqs: Vec<i64>) -> Result<Vec<i64>> {
        let conn = self.conn();
        let any: bool = conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM asset WHERE stack IS NOT NULL)")?
            .query_row([], |r| r.get(0))?;
        if !any {
            return Ok(seqs);
        }
        let members: Vec<(i64, i64)> = conn
            .prepare_cached(
                "SELECT seq, stack FROM asset WHERE stack IN
                    (SELECT stack FROM asset WHERE seq IN rarray(?1) AND stack IS NOT NULL)
                 ORDER BY stack, seq != stack, seq",
            )?
            .query_map([array(&seqs)], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        if members.is_empty() {
            return Ok(seqs);
        }
        let mut out = Vec::with_capacity(seqs.len() + members.len());
        let mut seen = std::collections::HashSet::with_capacity(seqs.len() + members.len());
        for s in seqs {
            let stack = members.iter().find(|(m, _)| *m == s).map(|(_, c)| *c);
            match stack {
                Some(cover) => {
                    for (m, _) in members.iter().filter(|(_, c)| *c == cover) {
                        if seen.insert(*m) {
                            out.push(*m);
                        }
                    }
                }
                None => {
                    if seen.insert(s) {
                        out.push(s);
                    }
                }
            }
        }
        Ok(out)
    }

    /// The members of the stack `seq` is in, cover first (empty when it is not stacked).
    pub fn stack_of(&self, seq: i64) -> Result<Vec<i64>> {
        Ok(self
            .conn()
            .prepare_cached(
                "SELECT seq FROM asset WHERE stack = (SELECT stack FROM asset WHERE seq = ?1)
                 ORDER BY seq != stack, seq",
            )?
            .query_map([seq], |r| r.get(0))?
            .collect::<Result<_, _>>()?)
    }
}

impl Catalog {
    /// The ids of the stack `seq` is in, cover first.
    /// What each member of `seq`'s stack is, cover first: RAW, JPEG, HEIC, PNG, Video… (what a
    /// person calls the file, to tell a RAW+JPEG pair's members apart).
    pub(crate) fn stack_kinds(&self, seq: i64) -> Result<Vec<String>> {
        let seqs = self.stack_of(seq)?;
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT format FROM asset_file WHERE asset = ?1")?;
        seqs.iter()
            .map(|s| {
                let format: String = stmt.query_row([s], |r| r.get(0))?;
                Ok(match format.as_str() {
                    "raw" => "RAW".to_string(),
                    "heif" => "HEIC".to_string(),
                    "video" => "Video".to_string(),
                    other => other.to_uppercase(),
                })
            })
            .collect()
    }

    pub(crate) fn stack_ids(&self, seq: i64) -> Result<Vec<atelier_domain::AssetId>> {
        let seqs = self.stack_of(seq)?;
        if seqs.is_empty() {
            return Ok(Vec::new());
        }
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT uid FROM asset WHERE seq = ?1")?;
        seqs.iter()
            .map(|s| {
                let uid: Vec<u8> = stmt.query_row([s], |r| r.get(0))?;
                Ok(atelier_domain::AssetId::from_uuid(crate::rows::uuid_of(&uid)?))
            })
            .collect()
    }
}

impl Tx<'_> {
    /// Makes `seqs` one stack under `cover` (one of them). Stacks they were in are dissolved
    /// first (their other members become single cards again).
    pub fn stack(&mut self, cover: i64, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        self.unstack(seqs, actor, now)?;
        for &s in seqs {
            self.tx
                .prepare_cached("UPDATE asset SET stack = ?2 WHERE seq = ?1")?
                .execute(params![s, cover])?;
            if s != cover {
                self.postings.add(Facet::StackMember, seq_u32(s)?);
            }
        }
        let uid = journal::asset_uid(&self.tx, cover)?;
        let members = journal::asset_uids(&self.tx, seqs)?;
        journal::record(
            &self.tx,
            journal::Entry {
                subject: Some(&uid),
                ..journal::Entry::assets(now, actor, ChangeAction::Stack, &members)
            },
        )?;
        Ok(())
    }

    /// Dissolves every stack one of `seqs` is in.
    pub fn unstack(&mut self, seqs: &[i64], actor: UserRow, now: i64) -> Result<()> {
        // A stack waiting for its cover from the studio is overruled by this.
        self.tx
            .prepare_cached("DELETE FROM link_pending WHERE kind = 'stack' AND asset IN rarray(?1)")?
            .execute([array(seqs)])?;
        let covers: Vec<i64> = self
            .tx
            .prepare_cached("SELECT DISTINCT stack FROM asset WHERE seq IN rarray(?1) AND stack IS NOT NULL")?
            .query_map([array(seqs)], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for cover in covers {
            let members: Vec<i64> = self
                .tx
                .prepare_cached("SELECT seq FROM asset WHERE stack = ?1")?
                .query_map([cover], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            self.tx
                .prepare_cached("UPDATE asset SET stack = NULL WHERE stack = ?1")?
                .execute([cover])?;
            for &m in &members {
                self.postings.remove(Facet::StackMember, seq_u32(m)?);
            }
            let uid = journal::asset_uid(&self.tx, cover)?;
            let members = journal::asset_uids(&self.tx, &members)?;
            journal::record(
                &self.tx,
                journal::Entry {
                    subject: Some(&uid),
                    ..journal::Entry::assets(now, actor, ChangeAction::Unstack, &members)
                },
            )?;
        }
        Ok(())
    }
}

impl Catalog {
    /// The short format names (`jpeg`, `heif`, `raw`…) of `seqs`, in order.
    pub fn formats_of(&self, seqs: &[i64]) -> Result<Vec<String>> {
        let mut stmt = self
            .conn()
            .prepare_cached("SELECT format FROM asset_file WHERE asset = ?1")?;
        seqs.iter()
            .map(|s| Ok(stmt.query_row([s], |r| r.get(0))?))
            .collect()
    }
}
