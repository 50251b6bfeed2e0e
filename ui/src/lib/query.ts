/**
 * The Library's view state (what the rail and the toolbar chose) and the pure functions that turn
 * it into an AssetQuery, count the active filters and summarise them for the line under the
 * toolbar (SPEC R3.3). The brand scope is kept apart: Clear all never touches it.
 */
import type { AssetQuery, Bucket, Flag, Kind, Label, Presence, Rating, Shape, Sort, Source, Status, TagMode } from './api/client';
import { FLAG_LABEL, LABEL_NAME, SHAPE_LABEL, SOURCE_LABEL, STATUS_LABEL, fileTypeLabel } from './format';

/** What the rail picked: a bucket or a collection. */
export type RailPick = { bucket: Bucket } | { collection: string };

/** The toolbar's filters. */
export interface Filters {
  text: string;
  campaign: string | null;
  tags: string[];
  tagMode: TagMode;
  sources: Source[];
  ratings: Rating[];
  statuses: Status[];
  flags: Flag[];
  /** At least this many stars (0: any). */
  minRating: number;
  labels: Label[];
  cameras: string[];
  lenses: string[];
  fileTypes: string[];
  shapes: Shape[];
  /** true: with a location; false: without; null: either. */
  gps: boolean | null;
  presences: Presence[];
  /** Capture days, `YYYY-MM-DD` ('' open). */
  capturedFrom: string;
  capturedTo: string;
  /** Days added, `YYYY-MM-DD` in this browser's calendar ('' open). */
  addedFrom: string;
  addedTo: string;
}

/** Everything the grid shows, besides the brand. */
export interface View {
  rail: RailPick;
  nested: boolean;
  filters: Filters;
  /** `null`: newest added first, or relevance while searching. */
  sort: Sort | null;
  /** The sort turned around (oldest, smallest, fewest stars first; Z to A). */
  ascending: boolean;
  /** A project page restricts to its project. */
  project: string | null;
  kind: Kind | null;
}

export function emptyFilters(): Filters {
  return {
    text: '',
    campaign: null,
    tags: [],
    tagMode: 'any',
    sources: [],
    ratings: [],
    statuses: [],
    flags: [],
    minRating: 0,
    labels: [],
    cameras: [],
    lenses: [],
    fileTypes: [],
    shapes: [],
    gps: null,
    presences: [],
    capturedFrom: '',
    capturedTo: '',
    addedFrom: '',
    addedTo: '',
  };
}

export function defaultView(): View {
  return { rail: { bucket: 'all' }, nested: false, filters: emptyFilters(), sort: null, ascending: false, project: null, kind: null };
}

function range(from: string, to: string, offsetMinutes = 0) {
  return from || to ? { from: from || null, to: to || null, offset_minutes: offsetMinutes } : null;
}

/** This browser's offset from UTC in minutes east (Paris in winter: 60), for "added" days. */
export function localOffset(): number {
  return -new Date().getTimezoneOffset();
}

/** The AssetQuery for a view in a brand scope (`null` brand: All brands). */
export function buildQuery(view: View, brand: string | null, limit = 200): AssetQuery {
  const f = view.filters;
  const text = f.text.trim();
  const collection = 'collection' in view.rail ? view.rail.collection : null;
  return {
    text: text ? text : null,
    tags: [...f.tags],
    tag_mode: f.tagMode,
    sources: [...f.sources],
    ratings: [...f.ratings],
    statuses: [...f.statuses],
    flags: [...f.flags],
    campaign: f.campaign,
    collection,
    nested: collection !== null && view.nested,
    bucket: 'bucket' in view.rail ? view.rail.bucket : 'all',
    project: view.project,
    brand,
    kind: view.kind,
    min_rating: f.minRating > 0 ? (f.minRating as Rating) : null,
    labels: [...f.labels],
    cameras: [...f.cameras],
    lenses: [...f.lenses],
    file_types: [...f.fileTypes],
    shapes: [...f.shapes],
    gps: f.gps,
    presences: [...f.presences],
    captured: range(f.capturedFrom, f.capturedTo),
    added: range(f.addedFrom, f.addedTo, localOffset()),
    sort: view.sort,
    ascending: view.sort !== null && view.ascending,
    limit,
    cursor: null,
  };
}

/** A stable key for a query without its page fields, to tell whether results are stale. */
export function queryKey(q: AssetQuery): string {
  return JSON.stringify({ ...q, limit: null, cursor: null });
}

/** How many filters the More menu holds are on (Source, Rating, Status, Flag, Label): one per value. */
export function moreCount(f: Filters): number {
  return f.sources.length + f.ratings.length + f.statuses.length + f.flags.length + f.labels.length + (f.minRating > 0 ? 1 : 0);
}

/** How many filters the File menu holds are on (type, camera, lens, shape, location, presence). */
export function fileCount(f: Filters): number {
  return f.cameras.length + f.lenses.length + f.fileTypes.length + f.shapes.length + (f.gps === null ? 0 : 1) + f.presences.length;
}

/** How many date ranges are on. */
export function dateCount(f: Filters): number {
  return (f.capturedFrom || f.capturedTo ? 1 : 0) + (f.addedFrom || f.addedTo ? 1 : 0);
}

/** Whether any toolbar filter is on (the summary line shows only then). */
export function anyFilter(f: Filters): boolean {
  return f.text.trim() !== '' || f.campaign !== null || f.tags.length > 0 || moreCount(f) + fileCount(f) + dateCount(f) > 0;
}

/** Adds `v` to `list` when missing, removes it when present (a new array). */
export function toggle<T>(list: readonly T[], v: T): T[] {
  return list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
}

export function ratingLabel(r: Rating): string {
  return r === 0 ? 'Unrated' : `${'★'.repeat(r)}`;
}

/** One chip per active filter, each with a label and how to remove it. */
export interface Chip {
  key: string;
  label: string;
  remove: (f: Filters) => Filters;
}

export function chips(f: Filters): Chip[] {
  const out: Chip[] = [];
  const text = f.text.trim();
  if (text) out.push({ key: 'text', label: `“${text}”`, remove: (x) => ({ ...x, text: '' }) });
  if (f.campaign) {
    out.push({ key: 'campaign', label: `Campaign: ${f.campaign}`, remove: (x) => ({ ...x, campaign: null }) });
  }
  if (f.tags.length) {
    const joiner = f.tagMode === 'all' ? ' and ' : ' or ';
    out.push({
      key: 'tags',
      label: `Tag${f.tags.length > 1 ? 's' : ''}: ${f.tags.join(joiner)}`,
      remove: (x) => ({ ...x, tags: [] }),
    });
  }
  if (f.sources.length) {
    out.push({
      key: 'sources',
      label: `Source: ${f.sources.map((s) => SOURCE_LABEL[s]).join(' or ')}`,
      remove: (x) => ({ ...x, sources: [] }),
    });
  }
  if (f.ratings.length) {
    const sorted = [...f.ratings].sort((a, b) => a - b);
    out.push({
      key: 'ratings',
      label: `Rating: ${sorted.map(ratingLabel).join(' or ')}`,
      remove: (x) => ({ ...x, ratings: [] }),
    });
  }
  if (f.statuses.length) {
    out.push({
      key: 'statuses',
      label: `Status: ${f.statuses.map((s) => STATUS_LABEL[s]).join(' or ')}`,
      remove: (x) => ({ ...x, statuses: [] }),
    });
  }
  if (f.flags.length) {
    out.push({
      key: 'flags',
      label: `Flag: ${f.flags.map((s) => FLAG_LABEL[s]).join(' or ')}`,
      remove: (x) => ({ ...x, flags: [] }),
    });
  }
  if (f.minRating > 0) {
    out.push({ key: 'minRating', label: `${'★'.repeat(f.minRating)} and up`, remove: (x) => ({ ...x, minRating: 0 }) });
  }
  if (f.labels.length) {
    out.push({
      key: 'labels',
      label: `Label: ${f.labels.map((l) => LABEL_NAME[l]).join(' or ')}`,
      remove: (x) => ({ ...x, labels: [] }),
    });
  }
  const list = (key: string, title: string, values: string[], remove: (x: Filters) => Filters) => {
    if (values.length) out.push({ key, label: `${title}: ${values.join(' or ')}`, remove });
  };
  list('fileTypes', 'Type', f.fileTypes.map(fileTypeLabel), (x) => ({ ...x, fileTypes: [] }));
  list('cameras', 'Camera', f.cameras, (x) => ({ ...x, cameras: [] }));
  list('lenses', 'Lens', f.lenses, (x) => ({ ...x, lenses: [] }));
  list('shapes', 'Orientation', f.shapes.map((v) => SHAPE_LABEL[v]), (x) => ({ ...x, shapes: [] }));
  if (f.gps !== null) {
    out.push({ key: 'gps', label: f.gps ? 'With location' : 'Without location', remove: (x) => ({ ...x, gps: null }) });
  }
  if (f.presences.length) {
    out.push({ key: 'presences', label: 'Missing or offline files', remove: (x) => ({ ...x, presences: [] }) });
  }
  const span = (from: string, to: string) => (from && to ? `${from} – ${to}` : from ? `from ${from}` : `until ${to}`);
  if (f.capturedFrom || f.capturedTo) {
    out.push({ key: 'captured', label: `Captured ${span(f.capturedFrom, f.capturedTo)}`, remove: (x) => ({ ...x, capturedFrom: '', capturedTo: '' }) });
  }
  if (f.addedFrom || f.addedTo) {
    out.push({ key: 'added', label: `Added ${span(f.addedFrom, f.addedTo)}`, remove: (x) => ({ ...x, addedFrom: '', addedTo: '' }) });
  }
  return out;
}

// ---- the view in the address bar: every filter, the sort and the rail, so a reload or a
// shared link shows the same grid

const LISTS: [keyof Filters, string][] = [
  ['tags', 'tag'],
  ['sources', 'source'],
  ['ratings', 'rating'],
  ['statuses', 'status'],
  ['flags', 'flag'],
  ['labels', 'label'],
  ['cameras', 'camera'],
  ['lenses', 'lens'],
  ['fileTypes', 'type'],
  ['shapes', 'orientation'],
  ['presences', 'presence'],
];

const SCALARS: [keyof Filters, string][] = [
  ['capturedFrom', 'captured_from'],
  ['capturedTo', 'captured_to'],
  ['addedFrom', 'added_from'],
  ['addedTo', 'added_to'],
];

const SORTS: Sort[] = ['added', 'captured', 'name', 'rating', 'size', 'dimensions'];

/** The view as URL search parameters (only what differs from the default). */
export function viewToSearch(view: View): string {
  const p = new URLSearchParams();
  const f = view.filters;
  if (f.text.trim()) p.set('q', f.text.trim());
  if ('collection' in view.rail) p.set('collection', view.rail.collection);
  else if (view.rail.bucket !== 'all') p.set('bucket', view.rail.bucket);
  if (view.nested) p.set('nested', '1');
  if (f.campaign) p.set('campaign', f.campaign);
  if (f.tagMode === 'all') p.set('tags', 'all');
  for (const [key, name] of LISTS) for (const v of f[key] as (string | number)[]) p.append(name, String(v));
  if (f.minRating > 0) p.set('min_rating', String(f.minRating));
  if (f.gps !== null) p.set('gps', f.gps ? 'yes' : 'no');
  for (const [key, name] of SCALARS) if (f[key]) p.set(name, String(f[key]));
  if (view.kind) p.set('kind', view.kind);
  if (view.sort) p.set('sort', view.sort);
  if (view.sort && view.ascending) p.set('order', 'reverse');
  const s = p.toString();
  return s ? `?${s}` : '';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A view from URL search parameters; what it can't read is left at the default. */
export function viewFromSearch(search: string, base: View = defaultView()): View {
  const p = new URLSearchParams(search);
  const f: Filters = { ...emptyFilters() };
  f.text = p.get('q') ?? '';
  f.campaign = p.get('campaign');
  f.tagMode = p.get('tags') === 'all' ? 'all' : 'any';
  for (const [key, name] of LISTS) {
    const values = p.getAll(name).filter(Boolean);
    (f as unknown as Record<string, unknown>)[key] = key === 'ratings' ? values.map(Number).filter((n) => n >= 0 && n <= 5) : values;
  }
  const min = Number(p.get('min_rating') ?? 0);
  f.minRating = Number.isInteger(min) && min >= 0 && min <= 5 ? min : 0;
  const gps = p.get('gps');
  f.gps = gps === 'yes' ? true : gps === 'no' ? false : null;
  for (const [key, name] of SCALARS) {
    const v = p.get(name) ?? '';
    (f as unknown as Record<string, unknown>)[key] = DATE.test(v) ? v : '';
  }
  const collection = p.get('collection');
  const bucket = p.get('bucket') as Bucket | null;
  const rail: RailPick = collection
    ? { collection }
    : { bucket: bucket && ['all', 'recent', 'unfiled', 'trash'].includes(bucket) ? bucket : 'all' };
  const sort = p.get('sort') as Sort | null;
  const kind = p.get('kind');
  return {
    ...base,
    rail,
    nested: p.get('nested') === '1',
    filters: f,
    sort: sort && SORTS.includes(sort) ? sort : null,
    ascending: p.get('order') === 'reverse',
    kind: kind === 'image' || kind === 'video' ? kind : base.kind,
  };
}

/** The rail pick's title for the page header ("All assets", "June"). */
export function railTitle(rail: RailPick): string {
  if ('collection' in rail) {
    const parts = rail.collection.split('/');
    return parts[parts.length - 1] ?? rail.collection;
  }
  const titles: Record<Bucket, string> = { all: 'All assets', recent: 'Recently added', unfiled: 'Unfiled', trash: 'Trash' };
  return titles[rail.bucket];
}

/** The view a saved query shows (the inverse of {@link buildQuery}; the brand stays the app's). */
export function viewFromQuery(q: AssetQuery): View {
  const f: Filters = {
    ...emptyFilters(),
    text: q.text ?? '',
    campaign: q.campaign,
    tags: [...q.tags],
    tagMode: q.tag_mode,
    sources: [...q.sources],
    ratings: [...q.ratings],
    statuses: [...q.statuses],
    flags: [...q.flags],
    minRating: q.min_rating ?? 0,
    labels: [...q.labels],
    cameras: [...q.cameras],
    lenses: [...q.lenses],
    fileTypes: [...q.file_types],
    shapes: [...q.shapes],
    gps: q.gps,
    presences: [...q.presences],
    capturedFrom: q.captured?.from ?? '',
    capturedTo: q.captured?.to ?? '',
    addedFrom: q.added?.from ?? '',
    addedTo: q.added?.to ?? '',
  };
  return {
    rail: q.collection ? { collection: q.collection } : { bucket: q.bucket },
    nested: q.nested,
    filters: f,
    sort: q.sort,
    ascending: q.ascending,
    project: null,
    kind: q.kind,
  };
}

/** Whether a view shows what a saved query does (the rail marks it current). */
export function sameSearch(view: View, q: AssetQuery): boolean {
  const strip = (x: AssetQuery) => ({ ...x, brand: null, limit: null, cursor: null, project: null, added: x.added ? { ...x.added, offset_minutes: 0 } : null });
  return JSON.stringify(strip(buildQuery(view, null))) === JSON.stringify(strip({ ...emptyQueryLike(), ...q }));
}

function emptyQueryLike(): AssetQuery {
  return buildQuery(defaultView(), null);
}