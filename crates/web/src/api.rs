//! The JSON API: one handler per library call, each a line or two. Reads are GETs (search is a
//! POST because a query has repeated fields); every mutation is a POST with a JSON body.
//! Library calls block, so they run on tokio's blocking pool.

use std::path::PathBuf;
use std::sync::Arc;

use crate::error::Json;
use atelier_domain::{AssetId, AssetQuery, BrandRole, ErrorCode};
use atelier_library::{
    Acting, BulkReport, CancelToken, ImportOptions, KitEdit, Library, LocalAsset, ProjectSettings, Selection,
};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult};

/// Runs a library call on the blocking pool, as the person using the app: on a loopback
/// server that is the library's own user (the session token proves it is them).
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Acting<'_>) -> atelier_library::Result<T> + Send + 'static,
) -> ApiResult<T> {
    let lib: Arc<Library> = state.library.clone();
    tokio::task::spawn_blocking(move || f(&lib.as_owner()))
        .await
        .map_err(|e| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::InternalError,
                e.to_string(),
            )
        })?
        .map_err(ApiError::from)
}

fn parse_id(id: &str) -> ApiResult<AssetId> {
    Ok(id.parse::<AssetId>()?)
}

/// Who is using the library, and about it.
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Session {
    /// Atelier's version.
    pub version: &'static str,
    /// The library folder.
    pub library: String,
    /// Whether native features (dialogs, reveal) exist: false in a browser.
    pub desktop: bool,
}

pub(crate) async fn session(State(s): State<AppState>) -> Json<Session> {
    Json(Session {
        version: env!("CARGO_PKG_VERSION"),
        library: s.library.layout().root().display().to_string(),
        desktop: s.desktop,
    })
}

pub(crate) async fn search(
    State(s): State<AppState>,
    Json(q): Json<AssetQuery>,
) -> ApiResult<Json<atelier_library::Page>> {
    Ok(Json(blocking(&s, move |l| l.search(&q)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct BrandScope {
    brand: Option<String>,
}

pub(crate) async fn buckets(
    State(s): State<AppState>,
    Query(b): Query<BrandScope>,
) -> ApiResult<Json<atelier_library::BucketCounts>> {
    Ok(Json(
        blocking(&s, move |l| l.bucket_counts(b.brand.as_deref())).await?,
    ))
}

/// The cameras, lenses and file types in view, with counts (what the filters offer).
pub(crate) async fn facets(
    State(s): State<AppState>,
    Query(b): Query<BrandScope>,
) -> ApiResult<Json<atelier_protocol::FacetValues>> {
    Ok(Json(
        blocking(&s, move |l| l.facet_values(b.brand.as_deref())).await?,
    ))
}

pub(crate) async fn asset(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<LocalAsset>> {
    let id = parse_id(&id)?;
    Ok(Json(blocking(&s, move |l| l.show(id)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Rename {
    name: String,
}

/// A renamed asset, and the journal entry the rename wrote (what Undo takes back).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Renamed {
    #[serde(flatten)]
    asset: LocalAsset,
    undo: Vec<atelier_protocol::JournalSpan>,
}

pub(crate) async fn rename(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Json(r): Json<Rename>,
) -> ApiResult<Json<Renamed>> {
    let id = parse_id(&id)?;
    Ok(Json(
        blocking(&s, move |l| {
            let span = l.rename_asset(id, &r.name)?;
            Ok(Renamed {
                asset: l.show(id)?,
                undo: span.into_iter().collect(),
            })
        })
        .await?,
    ))
}

pub(crate) async fn fork(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<LocalAsset>> {
    let id = parse_id(&id)?;
    Ok(Json(
        blocking(&s, move |l| l.fork(id).and_then(|new| l.show(new))).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct StackRequest {
    ids: Vec<AssetId>,
    #[ts(optional)]
    cover: Option<AssetId>,
}

pub(crate) async fn stack(
    State(s): State<AppState>,
    Json(r): Json<StackRequest>,
) -> ApiResult<Json<atelier_library::BulkReport>> {
    Ok(Json(blocking(&s, move |l| l.stack(&r.ids, r.cover)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct SimilarRequest {
    id: AssetId,
    /// 1–500 (default 200).
    #[ts(optional)]
    limit: Option<usize>,
    /// The scope: the grid's filters (brand, project…); paging fields are ignored.
    #[ts(optional)]
    scope: Option<AssetQuery>,
}

pub(crate) async fn similar(
    State(s): State<AppState>,
    Json(r): Json<SimilarRequest>,
) -> ApiResult<Json<atelier_library::SimilarPage>> {
    let scope = r.scope.unwrap_or_default();
    Ok(Json(
        blocking(&s, move |l| l.similar(r.id, &scope, r.limit.unwrap_or(200))).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct DuplicatesRequest {
    #[ts(optional)]
    scope: Option<AssetQuery>,
    /// Count bursts (captured at different moments) as duplicates too.
    #[serde(default)]
    #[ts(optional)]
    include_bursts: Option<bool>,
}

pub(crate) async fn duplicates(
    State(s): State<AppState>,
    Json(r): Json<DuplicatesRequest>,
) -> ApiResult<Json<atelier_library::DuplicatesReport>> {
    let scope = r.scope.unwrap_or_default();
    Ok(Json(
        blocking(&s, move |l| {
            l.duplicates(&scope, r.include_bursts.unwrap_or(false))
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct MergeDuplicates {
    keep: AssetId,
    others: Vec<AssetId>,
    then: atelier_library::Dispose,
}

pub(crate) async fn merge_duplicates(
    State(s): State<AppState>,
    Json(r): Json<MergeDuplicates>,
) -> ApiResult<Json<atelier_library::MergeReport>> {
    Ok(Json(
        blocking(&s, move |l| l.merge_duplicates(r.keep, &r.others, r.then)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct UnstackRequest {
    ids: Vec<AssetId>,
}

pub(crate) async fn unstack(
    State(s): State<AppState>,
    Json(r): Json<UnstackRequest>,
) -> ApiResult<Json<atelier_library::BulkReport>> {
    Ok(Json(blocking(&s, move |l| l.unstack(&r.ids)).await?))
}

pub(crate) async fn review_log(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<atelier_library::ReviewEvent>>> {
    let id = parse_id(&id)?;
    Ok(Json(blocking(&s, move |l| l.review_log(id)).await?))
}

/// A selection as the wire spells it, or the refusal of an empty one.
pub(crate) fn selection(s: atelier_protocol::AssetSelection) -> ApiResult<Selection> {
    Ok(Selection::try_from(s)?)
}

/// Carries out an intent on a selection: the one organising endpoint.
pub(crate) async fn bulk(
    State(s): State<AppState>,
    Json(b): Json<atelier_protocol::BulkRequest>,
) -> ApiResult<Json<BulkReport>> {
    let sel = selection(b.selection)?;
    let intent = b.intent;
    Ok(Json(blocking(&s, move |l| l.apply(&sel, &intent)).await?))
}

// ---- saved searches

pub(crate) async fn saved_searches(
    State(s): State<AppState>,
    Query(b): Query<BrandScope>,
) -> ApiResult<Json<Vec<atelier_protocol::SavedSearch>>> {
    Ok(Json(
        blocking(&s, move |l| l.saved_searches(b.brand.as_deref())).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct SavedSearchCreate {
    name: String,
    query: AssetQuery,
}

pub(crate) async fn saved_search_create(
    State(s): State<AppState>,
    Json(r): Json<SavedSearchCreate>,
) -> ApiResult<Json<atelier_protocol::SavedSearch>> {
    Ok(Json(
        blocking(&s, move |l| l.saved_search_create(&r.name, &r.query)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct SavedSearchUpdate {
    #[ts(type = "string")]
    id: uuid::Uuid,
    #[ts(optional)]
    name: Option<String>,
    #[ts(optional)]
    query: Option<AssetQuery>,
}

pub(crate) async fn saved_search_update(
    State(s): State<AppState>,
    Json(r): Json<SavedSearchUpdate>,
) -> ApiResult<Json<atelier_protocol::SavedSearch>> {
    Ok(Json(
        blocking(&s, move |l| {
            l.saved_search_update(r.id, r.name.as_deref(), r.query.as_ref())
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct SavedSearchDelete {
    #[ts(type = "string")]
    id: uuid::Uuid,
}

pub(crate) async fn saved_search_delete(
    State(s): State<AppState>,
    Json(r): Json<SavedSearchDelete>,
) -> ApiResult<Json<serde_json::Value>> {
    blocking(&s, move |l| l.saved_search_delete(r.id)).await?;
    Ok(Json(serde_json::json!({ "deleted": true })))
}

/// Takes back one action (the spans its report gave): Undo, and Redo when the spans are an
/// undo's own.
pub(crate) async fn undo(
    State(s): State<AppState>,
    Json(b): Json<atelier_protocol::UndoRequest>,
) -> ApiResult<Json<atelier_protocol::UndoReport>> {
    Ok(Json(blocking(&s, move |l| l.undo(&b.spans)).await?))
}

/// Empties the Trash.
pub(crate) async fn trash_empty(State(s): State<AppState>) -> ApiResult<Json<BulkReport>> {
    Ok(Json(blocking(&s, |l| l.empty_trash()).await?))
}

// ---- projects

pub(crate) async fn projects(
    State(s): State<AppState>,
) -> ApiResult<Json<Vec<atelier_library::ProjectInfo>>> {
    Ok(Json(blocking(&s, |l| l.project_list()).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ProjectCreate {
    name: String,
    description: Option<String>,
    brand: Option<String>,
}

pub(crate) async fn project_create(
    State(s): State<AppState>,
    Json(p): Json<ProjectCreate>,
) -> ApiResult<Json<atelier_library::ProjectInfo>> {
    Ok(Json(
        blocking(&s, move |l| {
            l.project_create(&p.name, p.description.as_deref(), p.brand.as_deref())
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Renaming {
    old: String,
    new: String,
    brand: Option<String>,
}

pub(crate) async fn project_rename(
    State(s): State<AppState>,
    Json(r): Json<Renaming>,
) -> ApiResult<Json<atelier_library::ProjectInfo>> {
    Ok(Json(
        blocking(&s, move |l| l.project_rename(&r.old, &r.new)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Toggle {
    name: String,
    on: bool,
}

pub(crate) async fn project_archive(
    State(s): State<AppState>,
    Json(t): Json<Toggle>,
) -> ApiResult<Json<atelier_library::ProjectInfo>> {
    Ok(Json(
        blocking(&s, move |l| l.project_archive(&t.name, t.on)).await?,
    ))
}

pub(crate) async fn project_share(
    State(s): State<AppState>,
    Json(t): Json<Toggle>,
) -> ApiResult<Json<atelier_library::ProjectInfo>> {
    Ok(Json(blocking(&s, move |l| l.project_share(&t.name, t.on)).await?))
}

/// `POST /api/projects/offline`: keep a shared project's originals here (each sync fetches
/// those only on the studio), or stop.
pub(crate) async fn project_offline(
    State(s): State<AppState>,
    Json(t): Json<Toggle>,
) -> ApiResult<Json<atelier_library::ProjectInfo>> {
    Ok(Json(
        blocking(&s, move |l| l.project_offline(&t.name, t.on)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct WatchedQuery {
    project: String,
}

pub(crate) async fn project_watched(
    State(s): State<AppState>,
    Query(q): Query<WatchedQuery>,
) -> ApiResult<Json<Vec<atelier_library::WatchedFolder>>> {
    Ok(Json(blocking(&s, move |l| l.watch_list(Some(&q.project))).await?))
}

/// A project's use against the studio's plan limits (R9.5).
pub(crate) async fn project_usage(
    State(s): State<AppState>,
    Query(q): Query<WatchedQuery>,
) -> ApiResult<Json<atelier_library::ProjectUsage>> {
    Ok(Json(blocking(&s, move |l| l.project_usage(&q.project)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct WatchEdit {
    project: String,
    path: String,
    /// True to watch the folder, false to stop.
    watch: bool,
}

pub(crate) async fn project_watch(
    State(s): State<AppState>,
    Json(w): Json<WatchEdit>,
) -> ApiResult<Json<Vec<atelier_library::WatchedFolder>>> {
    Ok(Json(
        blocking(&s, move |l| {
            let path = std::path::Path::new(&w.path);
            if w.watch {
                l.watch_add(&w.project, path)
            } else {
                l.watch_remove(&w.project, path)
            }
        })
        .await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Settings {
    name: String,
    #[serde(flatten)]
    settings: ProjectSettings,
}

pub(crate) async fn project_settings(
    State(s): State<AppState>,
    Json(p): Json<Settings>,
) -> ApiResult<Json<atelier_library::ProjectInfo>> {
    Ok(Json(
        blocking(&s, move |l| l.project_settings(&p.name, &p.settings)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ProjectDelete {
    name: String,
    confirm: String,
}

pub(crate) async fn project_delete(
    State(s): State<AppState>,
    Json(p): Json<ProjectDelete>,
) -> ApiResult<Json<atelier_library::ProjectDeleteReport>> {
    Ok(Json(
        blocking(&s, move |l| l.project_delete(&p.name, &p.confirm)).await?,
    ))
}

// ---- brands

pub(crate) async fn brands(State(s): State<AppState>) -> ApiResult<Json<Vec<atelier_library::BrandInfo>>> {
    Ok(Json(blocking(&s, |l| l.brand_list()).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Named {
    name: String,
}

pub(crate) async fn brand_create(
    State(s): State<AppState>,
    Json(n): Json<Named>,
) -> ApiResult<Json<atelier_library::BrandInfo>> {
    Ok(Json(blocking(&s, move |l| l.brand_create(&n.name)).await?))
}

pub(crate) async fn brand_rename(
    State(s): State<AppState>,
    Json(r): Json<Renaming>,
) -> ApiResult<Json<atelier_library::BrandInfo>> {
    Ok(Json(blocking(&s, move |l| l.brand_rename(&r.old, &r.new)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Kit {
    name: String,
    #[serde(flatten)]
    edit: KitEdit,
}

pub(crate) async fn brand_kit(
    State(s): State<AppState>,
    Json(k): Json<Kit>,
) -> ApiResult<Json<atelier_library::BrandInfo>> {
    Ok(Json(blocking(&s, move |l| l.brand_kit(&k.name, &k.edit)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Member {
    brand: String,
    user: String,
    role: Option<BrandRole>,
}

pub(crate) async fn brand_member(
    State(s): State<AppState>,
    Json(m): Json<Member>,
) -> ApiResult<Json<atelier_library::BrandInfo>> {
    Ok(Json(
        blocking(&s, move |l| l.brand_member(&m.brand, &m.user, m.role)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Pin {
    brand: String,
    ids: Vec<AssetId>,
    pin: bool,
}

pub(crate) async fn brand_pin(
    State(s): State<AppState>,
    Json(p): Json<Pin>,
) -> ApiResult<Json<atelier_library::BrandInfo>> {
    Ok(Json(
        blocking(&s, move |l| l.brand_pin(&p.brand, &p.ids, p.pin)).await?,
    ))
}

// ---- sidecars

pub(crate) async fn sidecar_failures(
    State(s): State<AppState>,
) -> ApiResult<Json<Vec<atelier_library::SidecarFailure>>> {
    Ok(Json(blocking(&s, |l| l.sidecar_failures()).await?))
}

// ---- models

pub(crate) async fn models(State(s): State<AppState>) -> ApiResult<Json<Vec<atelier_library::ModelSummary>>> {
    Ok(Json(blocking(&s, |l| l.models(None)).await?))
}

pub(crate) async fn model(
    State(s): State<AppState>,
    Path(id): Path<String>,
) -> ApiResult<Json<atelier_library::ModelDetail>> {
    Ok(Json(blocking(&s, move |l| l.model(&id)).await?))
}

// ---- collections

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct NeedBrand {
    brand: String,
}

pub(crate) async fn collections(
    State(s): State<AppState>,
    Query(b): Query<NeedBrand>,
) -> ApiResult<Json<Vec<atelier_library::CollectionInfo>>> {
    Ok(Json(blocking(&s, move |l| l.collection_list(&b.brand)).await?))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct CollectionPath {
    path: String,
    brand: Option<String>,
    to: Option<String>,
    new: Option<String>,
}

fn need<T>(v: Option<T>, what: &str) -> ApiResult<T> {
    v.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MissingField,
            format!("give `{what}`"),
        )
    })
}

pub(crate) async fn collection_create(
    State(s): State<AppState>,
    Json(c): Json<CollectionPath>,
) -> ApiResult<Json<atelier_library::CollectionInfo>> {
    let brand = need(c.brand, "brand")?;
    Ok(Json(
        blocking(&s, move |l| l.collection_create(&c.path, &brand)).await?,
    ))
}

pub(crate) async fn collection_rename(
    State(s): State<AppState>,
    Json(c): Json<CollectionPath>,
) -> ApiResult<Json<atelier_library::CollectionInfo>> {
    let new = need(c.new, "new")?;
    Ok(Json(
        blocking(&s, move |l| {
            l.collection_rename(&c.path, &new, c.brand.as_deref())
        })
        .await?,
    ))
}

/// `POST /api/collections/cover`: choose a collection's cover, or (`asset: null`) give it back
/// to the automatic one.
#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct CollectionCoverBody {
    path: String,
    brand: Option<String>,
    /// One of its assets (filed in it or below); none: the automatic cover, its newest card.
    asset: Option<AssetId>,
}

pub(crate) async fn collection_cover(
    State(s): State<AppState>,
    Json(c): Json<CollectionCoverBody>,
) -> ApiResult<Json<atelier_library::CollectionInfo>> {
    Ok(Json(
        blocking(&s, move |l| {
            l.collection_cover(&c.path, c.asset, c.brand.as_deref())
        })
        .await?,
    ))
}

pub(crate) async fn collection_move(
    State(s): State<AppState>,
    Json(c): Json<CollectionPath>,
) -> ApiResult<Json<atelier_library::CollectionInfo>> {
    Ok(Json(
        blocking(&s, move |l| {
            l.collection_move(&c.path, c.to.as_deref(), c.brand.as_deref())
        })
        .await?,
    ))
}

pub(crate) async fn collection_delete(
    State(s): State<AppState>,
    Json(c): Json<CollectionPath>,
) -> ApiResult<Json<serde_json::Value>> {
    let n = blocking(&s, move |l| l.collection_delete(&c.path, c.brand.as_deref())).await?;
    Ok(Json(serde_json::json!({ "deleted": n })))
}

// ---- campaigns

pub(crate) async fn campaigns(
    State(s): State<AppState>,
    Query(b): Query<BrandScope>,
) -> ApiResult<Json<Vec<atelier_library::CampaignInfo>>> {
    Ok(Json(
        blocking(&s, move |l| l.campaign_list(b.brand.as_deref())).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct CampaignCreate {
    name: String,
    brand: String,
    description: Option<String>,
}

pub(crate) async fn campaign_create(
    State(s): State<AppState>,
    Json(c): Json<CampaignCreate>,
) -> ApiResult<Json<atelier_library::CampaignInfo>> {
    Ok(Json(
        blocking(&s, move |l| {
            l.campaign_create(&c.name, &c.brand, c.description.as_deref())
        })
        .await?,
    ))
}

pub(crate) async fn campaign_rename(
    State(s): State<AppState>,
    Json(r): Json<Renaming>,
) -> ApiResult<Json<atelier_library::CampaignInfo>> {
    let brand = need(r.brand, "brand")?;
    Ok(Json(
        blocking(&s, move |l| l.campaign_rename(&r.old, &r.new, &brand)).await?,
    ))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct CampaignRef {
    name: String,
    brand: String,
}

pub(crate) async fn campaign_delete(
    State(s): State<AppState>,
    Json(c): Json<CampaignRef>,
) -> ApiResult<Json<serde_json::Value>> {
    let name = c.name.clone();
    blocking(&s, move |l| l.campaign_delete(&c.name, &c.brand)).await?;
    Ok(Json(serde_json::json!({ "deleted": name })))
}

// ---- tags

pub(crate) async fn tags(State(s): State<AppState>) -> ApiResult<Json<Vec<atelier_library::TagInfo>>> {
    Ok(Json(blocking(&s, |l| l.tag_list()).await?))
}

pub(crate) async fn tag_rename(
    State(s): State<AppState>,
    Json(r): Json<Renaming>,
) -> ApiResult<Json<serde_json::Value>> {
    let out = serde_json::json!({ "renamed": r.old, "to": r.new });
    blocking(&s, move |l| l.tag_rename(&r.old, &r.new)).await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Merge {
    from: String,
    into: String,
}

pub(crate) async fn tag_merge(
    State(s): State<AppState>,
    Json(m): Json<Merge>,
) -> ApiResult<Json<serde_json::Value>> {
    let out = serde_json::json!({ "merged": m.from, "into": m.into });
    blocking(&s, move |l| l.tag_merge(&m.from, &m.into)).await?;
    Ok(Json(out))
}

pub(crate) async fn tag_delete(
    State(s): State<AppState>,
    Json(n): Json<Named>,
) -> ApiResult<Json<serde_json::Value>> {
    let out = serde_json::json!({ "deleted": n.name });
    blocking(&s, move |l| l.tag_delete(&n.name)).await?;
    Ok(Json(out))
}

// ---- changes, import, export

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct Since {
    since: Option<i64>,
    limit: Option<usize>,
    /// Wait up to this many seconds (at most 25) for a change when there is none yet: the
    /// app's live refresh holds one such request open, so a change — made here, by the CLI,
    /// or arriving from the studio — shows within a tick instead of at the next poll.
    wait: Option<u64>,
}

/// How often a waiting `GET /api/changes` looks at the journal again.
const CHANGES_TICK: std::time::Duration = std::time::Duration::from_millis(40);

pub(crate) async fn changes(
    State(s): State<AppState>,
    Query(q): Query<Since>,
) -> ApiResult<Json<Vec<atelier_library::Change>>> {
    let since = q.since.unwrap_or(0);
    let limit = q.limit.unwrap_or(1000).min(10_000);
    let until = tokio::time::Instant::now() + std::time::Duration::from_secs(q.wait.unwrap_or(0).min(25));
    loop {
        let page = blocking(&s, move |l| l.changes_since(since, limit)).await?;
        if !page.is_empty() || tokio::time::Instant::now() >= until {
            return Ok(Json(page));
        }
        tokio::time::sleep(CHANGES_TICK).await;
    }
}

/// Where the journal is now: the seq of its newest entry (0 for none).
#[derive(Debug, Serialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct JournalHead {
    #[ts(type = "number")]
    head: i64,
}

/// `GET /api/changes/head`: where the app's live refresh starts following the journal.
pub(crate) async fn changes_head(State(s): State<AppState>) -> ApiResult<Json<JournalHead>> {
    let head = blocking(&s, |l| l.journal_head()).await?;
    Ok(Json(JournalHead { head }))
}

#[derive(Debug, Deserialize, ts_rs::TS)]
#[ts(export)]
pub(crate) struct ImportBody {
    paths: Vec<PathBuf>,
    #[serde(default)]
    options: ImportOptions,
}

pub(crate) async fn import(
    State(s): State<AppState>,
    Json(b): Json<ImportBody>,
) -> ApiResult<Json<atelier_library::ImportReport>> {
    Ok(Json(
        blocking(&s, move |l| {
            l.import(&b.paths, &b.options, &CancelToken::new(), &None)
        })
        .await?,
    ))
}
