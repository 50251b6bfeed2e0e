/**
 * One browsable set of assets: its view (rail pick, filters, sort), brand scope, results,
 * selection, keyboard cursor and lightbox position. The Library has one that lives for the whole
 * session; project and campaign pages make their own with fixed parts.
 */
import type { AssetId, AssetQuery, AssetSummary, Selection } from '../../lib/api/client';
import { buildQuery, defaultView, type View } from '../../lib/query';
import { SelectionModel } from '../../lib/selection';
import { Results } from './results.svelte';

export class GridController {
  view = $state<View>(defaultView());
  /** Brand scope: a brand name, or null for All brands. */
  brand = $state<string | null>(null);
  /** Fields forced on every query (a campaign page's campaign). */
  fixed: Partial<AssetQuery>;
  results = new Results();
  sel = new SelectionModel<AssetSummary>();
  /** Bumped when the selection changes. */
  selVersion = $state(0);
  /** The keyboard's current card. */
  cursor = $state(0);
  /** Index of the asset open in the lightbox, or null. */
  lightbox = $state<number | null>(null);
  /** Columns the grid lays out now (for ↑/↓). */
  cols = $state(1);
  /** Card size (px), persisted by the Library. */
  cardSize = $state(220);
  /** What each card's foot says (the Caption setting). */
  caption = $state<Caption>('name');
  /** Asks the grid to scroll a card into view. */
  reveal = $state<{ index: number; n: number } | null>(null);

  constructor(fixed: Partial<AssetQuery> = {}, view?: Partial<View>) {
    this.fixed = fixed;
    if (view) this.view = { ...defaultView(), ...view };
  }

  query = $derived.by((): AssetQuery => ({ ...buildQuery(this.view, this.brand), ...this.fixed }));

  /** Compare (issue 14): the picked assets shown side by side, or null. */
  compare = $state<AssetSummary[] | null>(null);

  /** Find similar (R13.1): the asset whose matches the grid shows instead of the query. */
  similar = $state<{ id: AssetId; name: string } | null>(null);

  /**
   * Where Find similar looks: everything the page can show in the brand scope (its fixed
   * parts, such as a campaign, included), whatever filters are on.
   */
  similarScope = $derived.by((): AssetQuery => ({ ...buildQuery(defaultView(), this.brand), ...this.fixed }));

  /** Switches the grid to the assets that look most like `item`. */
  findSimilar(item: AssetSummary): void {
    this.lightbox = null;
    this.similar = { id: item.id, name: item.name };
  }

  /** Back from Find similar to the query. */
  backFromSimilar(): void {
    this.similar = null;
  }

  selectedCount = $derived.by(() => {
    void this.selVersion;
    return this.sel.size(this.results.total);
  });

  /** The selection as the API takes it. */
  selection(): Selection {
    if (this.sel.all) return { query: { ...this.query, limit: null, cursor: null } };
    return { ids: this.sel.ids() };
  }

  touchSelection(): void {
    this.selVersion += 1;
  }

  clearSelection(): void {
    this.sel.clear();
    this.touchSelection();
  }

  /** Picked assets (explicit selection) or null when "all results" is selected. */
  pickedItems(): AssetSummary[] | null {
    void this.selVersion;
    return this.sel.all ? null : [...this.sel.picked.values()];
  }

  moveCursor(index: number): void {
    const max = Math.max(0, this.results.total - 1);
    this.cursor = Math.min(Math.max(0, index), max);
    this.reveal = { index: this.cursor, n: (this.reveal?.n ?? 0) + 1 };
  }

  /** The assets an action from the keyboard applies to: the selection, else the cursor's card. */
  targetSelection(): { selection: Selection; count: number; single: AssetSummary | null } | null {
    if (!this.sel.empty) {
      const picked = this.pickedItems();
      return {
        selection: this.selection(),
        count: this.selectedCount,
        single: picked && picked.length === 1 ? picked[0]! : null,
      };
    }
    const it = this.results.items[this.cursor];
    if (!it) return null;
    return { selection: { ids: [it.id] }, count: 1, single: it };
  }
}

/** The card size slider's range, in pixels: from a contact sheet to a wall of big pictures. */
export const CARD_MIN = 100;
export const CARD_MAX = 560;

/** What a card's foot says: its file name, pixel size, capture date, stars, creator, or nothing. */
export type Caption = 'name' | 'dimensions' | 'captured' | 'rating' | 'creator' | 'none';

/** The Caption setting's choices, as the toolbar lists them. */
export const CAPTIONS: [Caption, string][] = [
  ['name', 'File name'],
  ['dimensions', 'Dimensions'],
  ['captured', 'Capture date'],
  ['rating', 'Rating'],
  ['creator', 'Creator'],
  ['none', 'Nothing'],
];
