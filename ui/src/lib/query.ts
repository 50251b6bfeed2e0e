/**
 * The Library's view state (what the rail and the toolbar chose) and the pure functions that turn
 * it into an AssetQuery, count the active filters and summarise them for the line under the
 * toolbar (SPEC R3.3). The brand scope is kept apart: Clear all never touches it.
 */
import type { AssetQuery, Bucket, Flag, Kind, Rating, Sort, Source, Status, TagMode } from './api/client';
import { FLAG_LABEL, SOURCE_LABEL, STATUS_LABEL } from './format';

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
}

/** Everything the grid shows, besides the brand. */
export interface View {
  rail: RailPick;
  nested: boolean;
  filters: Filters;
  /** `null`: newest added first, or relevance while searching. */
  sort: Sort | null;
  /** A project page restricts to its project. */
  project: string | null;
  kind: Kind | null;
}

export function emptyFilters(): Filters {
  return { text: '', campaign: null, tags: [], tagMode: 'any', sources: [], ratings: [], statuses: [], flags: [] };
}

export function defaultView(): View {
  return { rail: { bucket: 'all' }, nested: false, filters: emptyFilters(), sort: null, project: null, kind: null };
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
    sort: view.sort,
    limit,
    cursor: null,
  };
}

/** A stable key for a query without its page fields, to tell whether results are stale. */
export function queryKey(q: AssetQuery): string {
  return JSON.stringify({ ...q, limit: null, cursor: null });
}

/** How many filters the More menu holds are on (Source, Rating, Status, Flag): one per value. */
export function moreCount(f: Filters): number {
  return f.sources.length + f.ratings.length + f.statuses.length + f.flags.length;
}

/** Whether any toolbar filter is on (the summary line shows only then). */
export function anyFilter(f: Filters): boolean {
  return f.text.trim() !== '' || f.campaign !== null || f.tags.length > 0 || moreCount(f) > 0;
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
  return out;
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
