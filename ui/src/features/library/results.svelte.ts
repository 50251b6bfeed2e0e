/**
 * The grid's results: a contiguous run of results from the top, fetched by keyset pages (the
 * server's opaque cursor, never an offset) as the user nears the end, plus the total count.
 *
 * Built for a million assets: items live in a plain array (not a deep reactive proxy) and a
 * `version` rune announces changes; each item drops its prompt (the Info panel fetches details).
 * Every new query aborts the one in flight (AbortController). Performance marks:
 * `grid:first-paint` (navigation → first results painted) and `grid:results` (query sent →
 * results painted).
 */
import { api, isAbort, messageOf, type AssetId, type AssetQuery, type AssetSummary, type Closeness, type Cursor, type SimilarItem } from '../../lib/api/client';
import { queryKey } from '../../lib/query';
import { startupDone } from '../../lib/stores/startup';

const PAGE = 200;
const BIG_PAGE = 1000;
/** A live refresh refetches at most this many from the top. */
const REFRESH_CAP = 3000;

let firstPaintMarked = false;

function slim(s: AssetSummary): AssetSummary {
  return s.prompt === null ? s : { ...s, prompt: null };
}

/** Marks after the next frame is painted. */
function afterPaint(fn: () => void): void {
  if (typeof requestAnimationFrame === 'undefined') {
    fn();
    return;
  }
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/** The results key of a similarity query. */
export function similarKey(id: AssetId, scope: AssetQuery): string {
  return `similar:${id}:${queryKey(scope)}`;
}

export class Results {
  /** Results from the top; `items.length` is how many are loaded. */
  items: AssetSummary[] = [];
  /** Bumped whenever `items` changes. */
  version = $state(0);
  total = $state(0);
  /** True until the first page of the current query arrived. */
  loading = $state(true);
  loadingMore = $state(false);
  error = $state<string | null>(null);
  /** The query whose results these are (in similar mode: the scope). */
  query: AssetQuery | null = null;
  /** Find similar (R13.1): the asset whose nearest matches these are, or null. */
  similarTo: AssetId | null = null;
  /** In similar mode: the asset has no visual signature yet ("Still indexing"). */
  indexing = $state(false);
  /** In similar mode: each match's closeness (the card's cue). */
  closeness = new Map<AssetId, Closeness>();
  /** In similar mode: matches past where close matches end, kept back until asked for. */
  distant: SimilarItem[] = [];
  /** How many are kept back (the "Show less similar" button's count). */
  distantCount = $state(0);
  key = '';
  /**
   * The key of the newest query asked for; differs from `key` while its first page is on the
   * way. A view switched back to what is shown must still cancel that newer request, and a
   * refresh meanwhile must re-run the newer query, not the shown one.
   */
  requested = '';
  private pending: (() => Promise<void>) | null = null;
  private next: Cursor | null = null;
  private controller: AbortController | null = null;
  private moreController: AbortController | null = null;
  private generation = 0;

  get loaded(): number {
    return this.items.length;
  }

  get complete(): boolean {
    return this.next === null;
  }

  /**
   * Switches to the nearest visual matches of `id` within `scope`, closest first (one answer,
   * no further pages).
   */
  async similar(id: AssetId, scope: AssetQuery): Promise<void> {
    this.controller?.abort();
    this.moreController?.abort();
    this.loadingMore = false;
    const controller = new AbortController();
    this.controller = controller;
    const gen = ++this.generation;
    const key = similarKey(id, scope);
    this.requested = key;
    this.pending = () => this.similar(id, scope);
    if (key !== this.key) this.loading = true;
    this.error = null;
    try {
      const page = await api.similar(id, { ...scope, limit: null, cursor: null }, 200, controller.signal);
      if (gen !== this.generation) return;
      this.query = scope;
      this.similarTo = id;
      this.key = key;
      this.pending = null;
      this.indexing = !page.indexed;
      // Close matches first; the list stops where they end ("No more close matches") and the
      // rest waits behind "Show less similar".
      this.closeness = new Map(page.items.map((it) => [it.id, it.closeness]));
      const close = page.items.filter((it) => it.closeness !== 'distant');
      this.distant = page.items.filter((it) => it.closeness === 'distant');
      this.distantCount = this.distant.length;
      this.items = close.map(slim);
      this.total = close.length;
      this.next = null;
      this.loading = false;
      this.version += 1;
      afterPaint(startupDone);
    } catch (e) {
      if (isAbort(e) || gen !== this.generation) return;
      startupDone();
      this.loading = false;
      this.error = messageOf(e);
      this.items = [];
      this.total = 0;
      this.next = null;
      this.version += 1;
    }
  }

  /** In similar mode: adds the matches past the close ones (closest first). */
  showDistant(): void {
    if (!this.distant.length) return;
    this.items = [...this.items, ...this.distant.map(slim)];
    this.total = this.items.length;
    this.distant = [];
    this.distantCount = 0;
    this.version += 1;
  }

  /** Runs a new query from the top (aborting whatever was in flight). */
  async reset(query: AssetQuery): Promise<void> {
    this.similarTo = null;
    this.indexing = false;
    this.closeness = new Map();
    this.distant = [];
    this.distantCount = 0;
    this.controller?.abort();
    this.moreController?.abort();
    this.loadingMore = false;
    const controller = new AbortController();
    this.controller = controller;
    const gen = ++this.generation;
    const key = queryKey(query);
    this.requested = key;
    this.pending = () => this.reset(query);
    const sameQuery = key === this.key;
    if (!sameQuery) this.loading = true;
    this.error = null;
    performance.mark('grid:query');
    try {
      const page = await api.search({ ...query, limit: PAGE, cursor: null }, controller.signal);
      if (gen !== this.generation) return;
      this.query = query;
      this.key = key;
      this.pending = null;
      this.items = page.items.map(slim);
      this.total = page.total;
      this.next = page.next;
      this.loading = false;
      this.version += 1;
      afterPaint(() => {
        try {
          performance.measure('grid:results', 'grid:query');
          if (!firstPaintMarked && page.items.length > 0) {
            firstPaintMarked = true;
            performance.mark('grid:first-paint');
            performance.measure('grid:first-paint', { start: 0, end: 'grid:first-paint' });
          }
        } catch {
          // marks cleared by a benchmark: fine
        }
        startupDone();
      });
    } catch (e) {
      if (isAbort(e) || gen !== this.generation) return;
      startupDone();
      this.loading = false;
      this.error = messageOf(e);
      this.items = [];
      this.total = 0;
      this.next = null;
      this.version += 1;
    }
  }

  /** Loads pages until `index` is loaded (or the results end). */
  async ensure(index: number): Promise<void> {
    if (this.loadingMore || this.loading || !this.query) return;
    const gen = this.generation;
    while (index >= this.items.length && this.next !== null && gen === this.generation) {
      const want = index - this.items.length + PAGE;
      const limit = want > PAGE * 2 ? BIG_PAGE : PAGE;
      const controller = new AbortController();
      this.moreController = controller;
      this.loadingMore = true;
      try {
        const page = await api.search({ ...this.query, limit, cursor: this.next }, controller.signal);
        if (gen !== this.generation) return;
        for (const it of page.items) this.items.push(slim(it));
        this.total = Math.max(page.total, this.items.length);
        this.next = page.next;
        this.version += 1;
      } catch (e) {
        if (!isAbort(e) && gen === this.generation) this.error = messageOf(e);
        return;
      } finally {
        if (gen === this.generation) this.loadingMore = false;
      }
    }
  }

  /**
   * Refetches what is loaded (up to a cap) for the same query, after changes made here or
   * elsewhere; the scroll position stays, items beyond the cap load again on demand.
   */
  async refresh(): Promise<void> {
    if (this.pending) {
      await this.pending();
      return;
    }
    if (!this.query) return;
    if (this.similarTo !== null) {
      await this.similar(this.similarTo, this.query);
      return;
    }
    if (this.loadingMore) this.moreController?.abort();
    const query = this.query;
    const gen = ++this.generation;
    const controller = new AbortController();
    this.controller?.abort();
    this.controller = controller;
    const want = Math.min(Math.max(this.items.length, PAGE), REFRESH_CAP);
    const items: AssetSummary[] = [];
    let next: Cursor | null = null;
    try {
      let total: number;
      do {
        const limit = Math.min(BIG_PAGE, want - items.length);
        const page = await api.search({ ...query, limit: Math.max(limit, 1), cursor: next }, controller.signal);
        if (gen !== this.generation) return;
        for (const it of page.items) items.push(slim(it));
        next = page.next;
        total = page.total;
      } while (next !== null && items.length < want);
      this.items = items;
      this.next = next;
      this.total = total;
      this.loadingMore = false;
      this.error = null;
      this.version += 1;
    } catch (e) {
      if (!isAbort(e) && gen === this.generation) this.error = messageOf(e);
    }
  }

  /** Changes loaded items in place (optimistic display after our own edits). */
  patch(ids: Set<string>, fn: (s: AssetSummary) => AssetSummary): void {
    let changed = false;
    for (let i = 0; i < this.items.length; i += 1) {
      const it = this.items[i]!;
      if (ids.has(it.id)) {
        this.items[i] = fn(it);
        changed = true;
      }
    }
    if (changed) this.version += 1;
  }

  indexOf(id: string): number {
    return this.items.findIndex((it) => it.id === id);
  }

  /** Every id of the current query, loading all pages (for up to `max` results). */
  async allIds(max: number): Promise<AssetSummary[] | null> {
    if (this.total > max) return null;
    await this.ensure(this.total - 1);
    return this.items.length >= this.total ? this.items : null;
  }
}
