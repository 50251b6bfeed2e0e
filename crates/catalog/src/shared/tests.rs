//! The thumbnails a library wants from the studio, kept in `thumb_wanted` by triggers, always
//! equal what the catalog's rows say it wants — through every way those rows change.

use atelier_domain::ids::{BrandId, ProjectId, UserId};
use atelier_domain::{AssetId, Flag, Id, Kind, Rating, Source, Status};
use atelier_protocol::{AssetSyncRow, BrandSyncRow, GoneRow, Kit};

use crate::Catalog;

fn row(project: ProjectId, brand: BrandId, creator: UserId, added_at: i64, thumb: bool) -> AssetSyncRow {
    AssetSyncRow {
        id: AssetId::new_v7(),
        project,
        brand,
        creator,
        name: format!("{added_at}.jpg"),
        kind: Kind::Image,
        source: Source::Imported,
        hash: format!("{:064x}", added_at),
        bytes: 1234,
        mime: "image/jpeg".into(),
        width: 60,
        height: 40,
        captured_at: None,
        added_at,
        status: Status::Draft,
        rating: Rating::default(),
        flag: Flag::None,
        label: atelier_domain::Label::None,
        tags: Vec::new(),
        prompt: None,
        thumb,
        collections: Vec::new(),
        campaigns: Vec::new(),
        stack: None,
        forked_from: None,
        trashed: false,
    }
}

/// What the library wants, by definition: other members' assets without a thumbnail here
/// whose thumbnail the studio has, newest first.
fn wanted_by_definition(c: &Catalog) -> Vec<AssetId> {
    c.conn()
        .prepare(
            "SELECT a.uid FROM asset a JOIN asset_file f ON f.asset = a.seq
             JOIN replicated r ON r.kind = 'asset' AND r.key = a.uid AND r.thumb = 1
             WHERE f.presence = 3 AND f.thumb IS NULL ORDER BY a.added_at DESC, a.seq DESC",
        )
        .unwrap()
        .query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .map(|u| AssetId::from_uuid(crate::rows::uuid_of(&u.unwrap()).unwrap()))
        .collect()
}

fn wanted(c: &Catalog) -> Vec<AssetId> {
    let kept: Vec<AssetId> = c.thumbs_wanted(1000).unwrap().into_iter().map(|t| t.id).collect();
    assert_eq!(kept, wanted_by_definition(c));
    assert_eq!(c.transfers_waiting().unwrap().1, kept.len() as i64);
    kept
}

/// A team brand as the studio sent it, in a new catalog, and who makes its assets.
struct Brand {
    brand: BrandId,
    project: ProjectId,
    creator: UserId,
    scope: String,
}

fn team_brand() -> (tempfile::TempDir, Catalog, Brand) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Catalog::open(&dir.path().join("catalog.db")).unwrap();
    let brand = BrandId::new_v7();
    let row = BrandSyncRow {
        id: brand,
        name: "Acme".into(),
        personal_of: None,
        kit: Kit::default(),
        members: Vec::new(),
    };
    c.write(|tx| tx.apply_brand(&row, 1)).unwrap();
    let t = Brand {
        brand,
        project: ProjectId::new_v7(),
        creator: UserId::new_v7(),
        scope: format!("brand:{brand}"),
    };
    (dir, c, t)
}

#[test]
fn thumbnails_wanted_follow_every_change_of_the_rows() {
    let (_dir, mut c, t) = team_brand();
    let (project, brand, creator, scope) = (t.project, t.brand, t.creator, t.scope.clone());
    let a = row(project, brand, creator, 10, true);
    let b = row(project, brand, creator, 20, false);
    let d = row(project, brand, creator, 30, true);
    c.write(|tx| {
        for (i, r) in [&a, &b, &d].into_iter().enumerate() {
            tx.apply_asset(r, i as i64 + 1, &scope, 1)?;
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(
        wanted(&c),
        [d.id, a.id],
        "newest first, only those the studio has"
    );

    // The studio gets b's thumbnail and republishes its row; an older copy of d's row changes
    // nothing.
    let b_with = AssetSyncRow {
        thumb: true,
        ..b.clone()
    };
    c.write(|tx| tx.apply_asset(&b_with, 10, &scope, 2).map(drop))
        .unwrap();
    assert_eq!(wanted(&c), [d.id, b.id, a.id]);
    let d_older = AssetSyncRow {
        thumb: false,
        ..d.clone()
    };
    c.write(|tx| tx.apply_asset(&d_older, 2, &scope, 2).map(drop))
        .unwrap();
    assert_eq!(wanted(&c), [d.id, b.id, a.id]);

    // A thumbnail stored here.
    c.write(|tx| tx.set_thumb(b.id, "jpg")).unwrap();
    assert_eq!(wanted(&c), [d.id, a.id]);

    // d's original downloaded; then lost again (presence back to remote).
    let seq_of = |c: &Catalog, id: AssetId| -> i64 {
        c.conn()
            .query_row("SELECT seq FROM asset WHERE uid = ?1", [id.to_bytes()], |r| {
                r.get(0)
            })
            .unwrap()
    };
    let d_seq = seq_of(&c, d.id);
    c.conn()
        .execute("UPDATE asset_file SET presence = 0 WHERE asset = ?1", [d_seq])
        .unwrap();
    assert_eq!(wanted(&c), [a.id]);
    c.conn()
        .execute("UPDATE asset_file SET presence = 3 WHERE asset = ?1", [d_seq])
        .unwrap();
    assert_eq!(wanted(&c), [d.id, a.id]);

    // The studio says it no longer has a's thumbnail.
    let a_without = AssetSyncRow {
        thumb: false,
        ..a.clone()
    };
    c.write(|tx| tx.apply_asset(&a_without, 11, &scope, 3).map(drop))
        .unwrap();
    assert_eq!(wanted(&c), [d.id]);

    // d leaves the library (a Gone row), then everything in the scope goes.
    let gone = GoneRow {
        kind: "asset".into(),
        key: d.id.to_string(),
        scope: scope.clone(),
    };
    c.write(|tx| tx.apply_gone(&gone, 12, 4).map(drop)).unwrap();
    assert_eq!(wanted(&c), []);
    let e = row(project, brand, creator, 40, true);
    c.write(|tx| tx.apply_asset(&e, 13, &scope, 5).map(drop)).unwrap();
    assert_eq!(wanted(&c), [e.id]);
    c.write(|tx| tx.purge_scope(&scope, 6).map(drop)).unwrap();
    assert_eq!(wanted(&c), []);
}

#[test]
fn a_look_that_finds_no_original_to_send_holds_until_something_changes() {
    let (_dir, mut c, t) = team_brand();
    let (project, brand, creator, scope) = (t.project, t.brand, t.creator, t.scope.clone());
    let a = row(project, brand, creator, 10, true);
    c.write(|tx| tx.apply_asset(&a, 1, &scope, 1).map(drop)).unwrap();
    // Something arrived: look. Another member's asset (only on the studio) waits for nothing.
    let seen = c.unsent_generation().unwrap();
    assert!(!seen.nothing_waits());
    assert!(c.unsent(10).unwrap().is_empty());
    c.write(|tx| tx.settle_unsent(seen)).unwrap();
    assert!(c.unsent_generation().unwrap().nothing_waits());
    assert_eq!(c.transfers_waiting().unwrap().0, 0);

    // Its file here now (as if it were ours): it may wait, and does.
    c.conn()
        .execute("UPDATE asset_file SET presence = 0", [])
        .unwrap();
    let seen = c.unsent_generation().unwrap();
    assert!(!seen.nothing_waits());
    assert_eq!(c.unsent(10).unwrap().len(), 1);
    assert_eq!(c.transfers_waiting().unwrap().0, 1);

    // Sent: a look finds none, but a change between the look and settling keeps it unsettled.
    c.write(|tx| tx.mark_sent(std::slice::from_ref(&a.hash), 2))
        .unwrap();
    let seen = c.unsent_generation().unwrap();
    assert!(c.unsent(10).unwrap().is_empty());
    c.conn().execute("DELETE FROM sent_file", []).unwrap();
    c.write(|tx| tx.settle_unsent(seen)).unwrap();
    assert!(!c.unsent_generation().unwrap().nothing_waits());
    assert_eq!(c.unsent(10).unwrap().len(), 1);
}
