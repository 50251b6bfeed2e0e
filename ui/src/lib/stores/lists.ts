/**
 * Which of the app-wide lists (brands, projects and tags, each with counts of cards) a batch of
 * journal entries can have changed. Rating, flagging, labelling, reviewing, renaming or filing
 * an asset changes none of them, and on a big library reloading them costs the server tens of
 * milliseconds (the tag list: 40 ms on the million) — once per key pressed while culling.
 * Knows the journal's vocabulary, nothing of how the lists are loaded.
 */
import type { Change } from '../api/client';
import type { ChangeAction } from '../api/types/ChangeAction';

/** What an asset's entry does that changes which cards exist, or where they count. */
const CARDS_CHANGE: ReadonlySet<ChangeAction> = new Set<ChangeAction>([
  'import',
  'bulk_insert',
  'delete',
  'trash',
  'restore',
  'brand',
  'project',
  'stack',
  'unstack',
  'fork',
  // Duplicates merged into one.
  'merge',
  // From the studio or sent again: may be any of the above.
  'synced',
  'retry',
]);

/** What an asset's entry does that changes its tags (an XMP sidecar edited elsewhere, read in). */
const TAGGING: ReadonlySet<ChangeAction> = new Set<ChangeAction>(['tag_add', 'tag_remove', 'sidecar_read']);

export interface ListsToReload {
  brands: boolean;
  projects: boolean;
  tags: boolean;
}

/** The lists `batch` may have changed. */
export function listsToReload(batch: readonly Change[]): ListsToReload {
  const out: ListsToReload = { brands: false, projects: false, tags: false };
  for (const c of batch) {
    const cards = c.entity === 'asset' && CARDS_CHANGE.has(c.action);
    out.brands ||= cards || c.entity === 'brand';
    out.projects ||= cards || c.entity === 'project';
    out.tags ||= cards || c.entity === 'tag' || (c.entity === 'asset' && TAGGING.has(c.action));
  }
  return out;
}
