/**
 * Typed wrappers for every endpoint of crates/web. The wire types are generated from Rust
 * (ts-rs) into ./types and re-exported from here, so the rest of the UI imports only this module.
 *
 * Every failure becomes an {@link ApiFailure} carrying the server's `code` (switch on it) and
 * `message` (show it to people). URLs are relative: the session cookie rides along same-origin.
 */
import type { ApiError } from './types/ApiError';
import type { AssetDetail } from './types/AssetDetail';
import type { LocalAsset } from './types/LocalAsset';
import type { ModelDetail } from './types/ModelDetail';
import type { SidecarFailure } from './types/SidecarFailure';
import type { SignedInReport } from './types/SignedInReport';
import type { StudioLogin } from './types/StudioLogin';
import type { StudioStatus } from './types/StudioStatus';
import type { Connection } from './types/Connection';
import type { RefusalRef } from './types/RefusalRef';
import type { SyncRefusal } from './types/SyncRefusal';
import type { SyncState } from './types/SyncState';
import type { SyncStatus } from './types/SyncStatus';
import type { BrowserLogin } from './types/BrowserLogin';
import type { StudioMember } from './types/StudioMember';
import type { StudioInvitation } from './types/StudioInvitation';
import type { StudioDevice } from './types/StudioDevice';
import type { InvitationLink } from './types/InvitationLink';
import type { StudioRole } from './types/StudioRole';
import type { WatchedFolder } from './types/WatchedFolder';
import type { JournalHead } from './types/JournalHead';
import { isStarted, started } from '../stores/startup';
import type { Dispose } from './types/Dispose';
import type { DuplicateGroup } from './types/DuplicateGroup';
import type { DuplicatesReport } from './types/DuplicatesReport';
import type { MergeReport } from './types/MergeReport';
import type { SimilarItem } from './types/SimilarItem';
import type { SimilarPage } from './types/SimilarPage';
import type { ModelSummary } from './types/ModelSummary';
import type { AssetId } from './types/AssetId';
import type { AssetQuery } from './types/AssetQuery';
import type { AssetSummary } from './types/AssetSummary';
import type { BrandInfo } from './types/BrandInfo';
import type { BrandRole } from './types/BrandRole';
import type { Bucket } from './types/Bucket';
import type { BucketCounts } from './types/BucketCounts';
import type { BulkRequest } from './types/BulkRequest';
import type { BulkFailure } from './types/BulkFailure';
import type { Intent } from './types/Intent';
import type { BulkReport } from './types/BulkReport';
import type { CampaignInfo } from './types/CampaignInfo';
import type { CampaignLinkState } from './types/CampaignLinkState';
import type { Change } from './types/Change';
import type { Cursor } from './types/Cursor';
import type { CollectionInfo } from './types/CollectionInfo';
import type { ExportReport } from './types/ExportReport';
import type { Flag } from './types/Flag';
import type { Label } from './types/Label';
import type { Closeness } from './types/Closeness';
import type { Shape } from './types/Shape';
import type { Presence } from './types/Presence';
import type { FacetValues } from './types/FacetValues';
import type { FacetValue } from './types/FacetValue';
import type { SavedSearch } from './types/SavedSearch';
import type { DateRange } from './types/DateRange';
import type { ImportMode } from './types/ImportMode';
import type { ImportOptions } from './types/ImportOptions';
import type { ImportReport } from './types/ImportReport';
import type { KitEdit } from './types/KitEdit';
import type { Kind } from './types/Kind';
import type { MemberInfo } from './types/MemberInfo';
import type { Page } from './types/Page';
import type { ProjectDeleteReport } from './types/ProjectDeleteReport';
import type { ProjectInfo } from './types/ProjectInfo';
import type { ProjectUsage } from './types/ProjectUsage';
import type { OriginalFetched } from './types/OriginalFetched';
import type { ProjectSettings } from './types/ProjectSettings';
import type { Rating } from './types/Rating';
import type { ReviewAction } from './types/ReviewAction';
import type { ReviewEvent } from './types/ReviewEvent';
import type { AssetSelection } from './types/AssetSelection';
import type { Session } from './types/Session';
import type { Sort } from './types/Sort';
import type { Source } from './types/Source';
import type { Status } from './types/Status';
import type { TagInfo } from './types/TagInfo';
import type { TagMode } from './types/TagMode';
import type { JournalSpan } from './types/JournalSpan';
import type { UndoReport } from './types/UndoReport';
import type { UndoRequest } from './types/UndoRequest';
import type { Renamed } from './types/Renamed';

export type {
  ApiError,
  JournalSpan,
  UndoReport,
  BrowserLogin,
  SignedInReport,
  StudioMember,
  StudioInvitation,
  StudioDevice,
  InvitationLink,
  StudioRole,
  StudioLogin,
  StudioStatus,
  Connection,
  SyncRefusal,
  SyncState,
  SyncStatus,
  Dispose,
  DuplicateGroup,
  DuplicatesReport,
  MergeReport,
  SimilarItem,
  SimilarPage,
  AssetDetail,
  LocalAsset,
  ModelDetail,
  ModelSummary,
  SidecarFailure,
  WatchedFolder,
  AssetId,
  AssetQuery,
  AssetSummary,
  BrandInfo,
  BrandRole,
  Bucket,
  BucketCounts,
  BulkFailure,
  Intent,
  BulkReport,
  CampaignInfo,
  CampaignLinkState,
  Change,
  CollectionInfo,
  Cursor,
  ExportReport,
  Flag,
  Label,
  Closeness,
  Shape,
  Presence,
  FacetValues,
  FacetValue,
  SavedSearch,
  DateRange,
  ImportMode,
  ImportOptions,
  ImportReport,
  KitEdit,
  Kind,
  MemberInfo,
  Page,
  ProjectDeleteReport,
  ProjectInfo,
  ProjectUsage,
  ProjectSettings,
  Rating,
  ReviewAction,
  ReviewEvent,
  AssetSelection,
  Session,
  Sort,
  Source,
  Status,
  TagInfo,
  TagMode,
};

/** A request the server (or the network) refused. */
export class ApiFailure extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(status: number, body: ApiError) {
    super(body.message);
    this.name = 'ApiFailure';
    this.code = body.code;
    this.status = status;
    this.details = body.details;
  }
}

/** Whether `e` is an abort of a request that a newer one replaced. */
export function isAbort(e: unknown): boolean {
  return e instanceof DOMException && e.name === 'AbortError';
}

/** The message to show a person for any error. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiFailure) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Turns a non-2xx response into an ApiFailure, whatever its body is. */
async function failure(res: Response): Promise<ApiFailure> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as Partial<ApiError>;
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      return new ApiFailure(res.status, body as ApiError);
    }
  } catch {
    // not JSON: fall through
  }
  const message =
    res.status === 401
      ? 'Your session has ended. Open the link Atelier printed when it started.'
      : text.trim() || `The server answered ${res.status} ${res.statusText}`;
  return new ApiFailure(res.status, { code: res.status === 401 ? 'unauthorized' : 'http_error', message });
}

/** The browsers' budget for keepalive request bodies in flight (64 KiB), less a margin. */
const KEEPALIVE_BUDGET = 60 * 1024;
let keepaliveBytes = 0;

/** The grid's first page (its search, or Find similar's): never waits for the app's start
 * (startup.ts). */
const GRID_FIRST = new Set(['/api/search', '/api/similar']);

async function request<T>(method: 'GET' | 'POST', url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  if (!isStarted() && !GRID_FIRST.has(url)) await started();
  let res: Response;
  const json = body === undefined ? undefined : JSON.stringify(body);
  const init: RequestInit = {
    method,
    signal,
    credentials: 'same-origin',
    headers: json === undefined ? undefined : { 'content-type': 'application/json' },
    body: json,
  };
  // A change sent just before the page goes away (a decision, then a click on a link or a
  // reload) must still reach the server: keepalive lets the request outlive the page. Browsers
  // refuse keepalive bodies beyond 64 KiB in flight in all, so the bytes are counted here and a
  // request that would pass the budget goes without (it is sent either way, never twice).
  const size = json === undefined ? 0 : new TextEncoder().encode(json).length;
  const keepalive = method === 'POST' && keepaliveBytes + size <= KEEPALIVE_BUDGET;
  if (keepalive) keepaliveBytes += size;
  try {
    res = await fetch(url, { ...init, keepalive });
  } catch (e) {
    if (isAbort(e)) throw e;
    throw new ApiFailure(0, {
      code: 'network_error',
      message: 'Atelier is not answering. Is `atelier serve` (or the app) still running?',
    });
  } finally {
    if (keepalive) keepaliveBytes -= size;
  }
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

const get = <T>(url: string, signal?: AbortSignal) => request<T>('GET', url, undefined, signal);
const post = <T>(url: string, body: unknown, signal?: AbortSignal) => request<T>('POST', url, body, signal);

function qs(params: Record<string, string | number | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

const enc = encodeURIComponent;

/** A query with every field at its default. */
export function emptyQuery(): AssetQuery {
  return {
    text: null,
    tags: [],
    tag_mode: 'any',
    sources: [],
    ratings: [],
    statuses: [],
    flags: [],
    campaign: null,
    collection: null,
    nested: false,
    bucket: 'all',
    project: null,
    brand: null,
    kind: null,
    min_rating: null,
    labels: [],
    cameras: [],
    lenses: [],
    file_types: [],
    shapes: [],
    gps: null,
    presences: [],
    captured: null,
    added: null,
    sort: null,
    ascending: false,
    limit: null,
    cursor: null,
  };
}

export type Selection = AssetSelection;

/** Distributes an intent over the `BulkRequest` union (TypeScript can't spread into it directly). */
function bulkBody(selection: Selection, intent: Intent): BulkRequest {
  return { selection, ...intent } as BulkRequest;
}

export const api = {
  session: (signal?: AbortSignal) => get<Session>('/api/session', signal),

  // ---- assets
  search: (q: AssetQuery, signal?: AbortSignal) => post<Page>('/api/search', q, signal),
  buckets: (brand: string | null, signal?: AbortSignal) => get<BucketCounts>(`/api/buckets${qs({ brand })}`, signal),
  /** The person's saved searches, each with its count in the brand scope. */
  savedSearches: (brand: string | null, signal?: AbortSignal) => get<SavedSearch[]>(`/api/saved-searches${qs({ brand })}`, signal),
  savedSearchCreate: (name: string, query: AssetQuery) => post<SavedSearch>('/api/saved-searches/create', { name, query }),
  savedSearchUpdate: (id: string, change: { name?: string; query?: AssetQuery }) =>
    post<SavedSearch>('/api/saved-searches/update', { id, ...change }),
  savedSearchDelete: (id: string) => post<{ deleted: boolean }>('/api/saved-searches/delete', { id }),
  /** The cameras, lenses and file types in view, with counts (what the filters offer). */
  facets: (brand: string | null, signal?: AbortSignal) => get<FacetValues>(`/api/facets${qs({ brand })}`, signal),
  asset: (id: AssetId, signal?: AbortSignal) => get<LocalAsset>(`/api/assets/${enc(id)}`, signal),
  rename: (id: AssetId, name: string) => post<Renamed>(`/api/assets/${enc(id)}/rename`, { name }),
  fork: (id: AssetId) => post<LocalAsset>(`/api/assets/${enc(id)}/fork`, {}),
  stack: (ids: AssetId[], cover?: AssetId) => post<BulkReport>('/api/stack', { ids, cover }),
  unstack: (ids: AssetId[]) => post<BulkReport>('/api/unstack', { ids }),
  /** Find similar (R13.1): the closest assets within `scope`, closest first. */
  similar: (id: AssetId, scope: AssetQuery, limit = 200, signal?: AbortSignal) =>
    post<SimilarPage>('/api/similar', { id, scope, limit }, signal),
  /** Near-duplicate groups within `scope` (R13.2). */
  duplicates: (scope: AssetQuery, includeBursts: boolean, signal?: AbortSignal) =>
    post<DuplicatesReport>('/api/duplicates', { scope, include_bursts: includeBursts }, signal),
  mergeDuplicates: (keep: AssetId, others: AssetId[], then: Dispose) =>
    post<MergeReport>('/api/duplicates/merge', { keep, others, then }),
  reviewLog: (id: AssetId, signal?: AbortSignal) => get<ReviewEvent[]>(`/api/assets/${enc(id)}/review-log`, signal),
  /** The one organising call: an intent (ids, never names) on a selection. */
  bulk: (selection: Selection, intent: Intent) => post<BulkReport>('/api/bulk', bulkBody(selection, intent)),
  /** Takes back one action (the spans its report gave); Redo when they are an undo's own. */
  undo: (spans: JournalSpan[]) => post<UndoReport>('/api/undo', { spans } satisfies UndoRequest),
  emptyTrash: () => post<BulkReport>('/api/trash/empty', {}),

  // ---- projects
  projects: (signal?: AbortSignal) => get<ProjectInfo[]>('/api/projects', signal),
  projectCreate: (name: string, description: string | null, brand: string | null) =>
    post<ProjectInfo>('/api/projects/create', { name, description, brand }),
  projectRename: (old: string, name: string) => post<ProjectInfo>('/api/projects/rename', { old, new: name }),
  projectArchive: (name: string, on: boolean) => post<ProjectInfo>('/api/projects/archive', { name, on }),
  projectShare: (name: string, on: boolean) => post<ProjectInfo>('/api/projects/share', { name, on }),
  projectOffline: (name: string, on: boolean) => post<ProjectInfo>('/api/projects/offline', { name, on }),
  projectSettings: (name: string, settings: Partial<ProjectSettings>) =>
    post<ProjectInfo>('/api/projects/settings', { name, ...settings }),
  projectDelete: (name: string, confirm: string) =>
    post<ProjectDeleteReport>('/api/projects/delete', { name, confirm }),

  // ---- brands
  brands: (signal?: AbortSignal) => get<BrandInfo[]>('/api/brands', signal),
  brandCreate: (name: string) => post<BrandInfo>('/api/brands/create', { name }),
  brandRename: (old: string, name: string) => post<BrandInfo>('/api/brands/rename', { old, new: name }),
  brandKit: (name: string, edit: Partial<KitEdit>) => post<BrandInfo>('/api/brands/kit', { name, ban: [], unban: [], ...edit }),
  brandMember: (brand: string, user: string, role: BrandRole | null) =>
    post<BrandInfo>('/api/brands/member', { brand, user, role }),
  brandPin: (brand: string, ids: AssetId[], pin: boolean) => post<BrandInfo>('/api/brands/pin', { brand, ids, pin }),

  // ---- collections
  collections: (brand: string, signal?: AbortSignal) =>
    get<CollectionInfo[]>(`/api/collections${qs({ brand })}`, signal),
  collectionCreate: (path: string, brand: string) => post<CollectionInfo>('/api/collections/create', { path, brand }),
  collectionRename: (path: string, name: string, brand: string) =>
    post<CollectionInfo>('/api/collections/rename', { path, new: name, brand }),
  collectionMove: (path: string, to: string | null, brand: string) =>
    post<CollectionInfo>('/api/collections/move', { path, to, brand }),
  /** Choose a collection's cover (one of its assets), or `null` for the automatic one. */
  collectionCover: (path: string, asset: string | null, brand: string) =>
    post<CollectionInfo>('/api/collections/cover', { path, asset, brand }),
  collectionDelete: (path: string, brand: string) =>
    post<{ deleted: number }>('/api/collections/delete', { path, brand }),

  // ---- campaigns
  campaigns: (brand: string | null, signal?: AbortSignal) =>
    get<CampaignInfo[]>(`/api/campaigns${qs({ brand })}`, signal),
  campaignCreate: (name: string, brand: string, description: string | null) =>
    post<CampaignInfo>('/api/campaigns/create', { name, brand, description }),
  campaignRename: (old: string, name: string, brand: string) =>
    post<CampaignInfo>('/api/campaigns/rename', { old, new: name, brand }),
  campaignDelete: (name: string, brand: string) => post<{ deleted: string }>('/api/campaigns/delete', { name, brand }),
  /** The Visibility section's state, asked of the studio (`needs_studio` when standalone). */
  campaignLink: (name: string, brand: string, signal?: AbortSignal) =>
    get<CampaignLinkState>(`/api/campaigns/link${qs({ name, brand })}`, signal),
  campaignLinkChange: (name: string, brand: string, op: 'publish' | 'regenerate' | 'unpublish') =>
    post<CampaignLinkState>('/api/campaigns/link', { name, brand, op }),

  // ---- watched folders
  projectUsage: (project: string, signal?: AbortSignal) =>
    get<ProjectUsage>(`/api/projects/usage?project=${enc(project)}`, signal),
  watched: (project: string, signal?: AbortSignal) =>
    get<WatchedFolder[]>(`/api/projects/watched?project=${enc(project)}`, signal),
  watch: (project: string, path: string, watch: boolean) =>
    post<WatchedFolder[]>('/api/projects/watch', { project, path, watch }),

  // ---- sidecars
  sidecarFailures: (signal?: AbortSignal) => get<SidecarFailure[]>('/api/sidecars/failures', signal),
  studioStatus: (signal?: AbortSignal) => get<StudioStatus>('/api/studio/status', signal),
  /** The background sync's state (cheap: never asks the studio; the indicator polls it). */
  syncStatus: (signal?: AbortSignal) => get<SyncStatus>('/api/studio/sync', signal),
  /** Wakes the background sync now; answers its state. */
  syncNow: () => post<SyncStatus>('/api/studio/sync', undefined),
  /** The *Couldn't sync* list (changes the studio refused, already undone here), newest first. */
  syncRefusals: (signal?: AbortSignal) => get<SyncRefusal[]>('/api/studio/refusals', signal),
  /** Takes an entry off the *Couldn't sync* list; answers what remains. */
  syncRefusalDiscard: (id: number) => post<SyncRefusal[]>('/api/studio/refusals/discard', { id } satisfies RefusalRef),
  syncRefusalRetry: (id: number) => post<SyncRefusal[]>('/api/studio/refusals/retry', { id } satisfies RefusalRef),
  downloadOriginal: (id: string) => post<OriginalFetched>('/api/studio/download', { id }),
  studioLogin: (body: StudioLogin) => post<SignedInReport>('/api/studio/login', body),
  studioLogout: () => post<boolean>('/api/studio/logout', {}),
  studioBrowserLogin: (url: string, session_only = false) =>
    post<BrowserLogin>('/api/studio/login/browser', { url, session_only }),
  studioBrowserLoginState: (signal?: AbortSignal) => get<BrowserLogin>('/api/studio/login/browser', signal),
  studioMembers: (signal?: AbortSignal) => get<StudioMember[]>('/api/studio/members', signal),
  studioMemberRole: (user_id: string, role: StudioRole) =>
    post<StudioMember>('/api/studio/members/role', { user_id, role }),
  studioMemberRemove: (user_id: string) => post<boolean>('/api/studio/members/remove', { user_id }),
  studioInvite: (email: string, role: StudioRole) => post<InvitationLink>('/api/studio/invite', { email, role }),
  studioInvitations: (signal?: AbortSignal) => get<StudioInvitation[]>('/api/studio/invitations', signal),
  studioInvitationRevoke: (id: string) => post<boolean>('/api/studio/invitations/revoke', { id }),
  studioInvitationResend: (id: string) => post<InvitationLink>('/api/studio/invitations/resend', { id }),
  studioDevices: (signal?: AbortSignal) => get<StudioDevice[]>('/api/studio/devices', signal),
  studioDeviceRevoke: (id: string) => post<boolean>('/api/studio/devices/revoke', { id }),

  // ---- models
  models: (signal?: AbortSignal) => get<ModelSummary[]>('/api/models', signal),
  model: (id: string, signal?: AbortSignal) => get<ModelDetail>(`/api/models/${enc(id)}`, signal),

  // ---- tags
  tags: (signal?: AbortSignal) => get<TagInfo[]>('/api/tags', signal),
  tagRename: (old: string, name: string) => post<unknown>('/api/tags/rename', { old, new: name }),
  tagMerge: (from: string, into: string) => post<unknown>('/api/tags/merge', { from, into }),
  tagDelete: (name: string) => post<unknown>('/api/tags/delete', { name }),

  // ---- journal
  /** Journal entries after `since`; with `wait` (seconds, ≤ 25) the server holds the request
   * until there is one, so live refresh is immediate. */
  changes: (since: number, limit: number, signal?: AbortSignal, wait?: number) =>
    get<Change[]>(`/api/changes${qs({ since, limit, wait })}`, signal),
  /** The seq of the journal's newest entry: where following the changes starts. */
  changesHead: () => get<JournalHead>('/api/changes/head'),

  // ---- files
  importPaths: (paths: string[], options: ImportOptions) => post<ImportReport>('/api/import', { paths, options }),
  exportZip: (selection: Selection) => post<{ url: string; report: ExportReport }>('/api/export', { selection }),
};

/** Media URLs (thumbnails are immutable per asset, so the browser caches them). */
export const media = {
  thumb: (id: AssetId) => `/media/thumb/${enc(id)}`,
  preview: (id: AssetId) => `/media/preview/${enc(id)}`,
  original: (id: AssetId) => `/media/original/${enc(id)}`,
  download: (id: AssetId) => `/media/original/${enc(id)}?download`,
};

export interface UploadFields {
  project: string | null;
  brand: string | null;
  tags: string[];
}

/**
 * Uploads files in one multipart request (XHR, for upload progress). `onProgress` gets the
 * fraction sent, 0–1. Resolves with the import report; rejects with ApiFailure.
 */
export function upload(
  files: File[],
  fields: UploadFields,
  onProgress?: (sent: number) => void,
  signal?: AbortSignal,
): Promise<ImportReport> {
  const form = new FormData();
  if (fields.project) form.append('project', fields.project);
  if (fields.brand) form.append('brand', fields.brand);
  for (const t of fields.tags) form.append('tag', t);
  for (const f of files) form.append('file', f, f.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/upload');
    xhr.withCredentials = true;
    xhr.responseType = 'text';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && onProgress) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300 && body) {
        resolve(body as ImportReport);
        return;
      }
      const err = body as Partial<ApiError> | null;
      reject(
        new ApiFailure(xhr.status, {
          code: err?.code ?? 'http_error',
          message: err?.message ?? `The upload failed (${xhr.status || 'no answer'})`,
        }),
      );
    };
    xhr.onerror = () =>
      reject(new ApiFailure(0, { code: 'network_error', message: 'The upload was interrupted: Atelier is not answering' }));
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(form);
  });
}
