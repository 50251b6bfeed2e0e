/**
 * The grid's selection (SPEC R3.5): checkbox toggles, Shift ranges from the last clicked card,
 * Ctrl/Cmd-A for every result (kept as "all of this query", never a million ids in memory), Esc
 * to clear. Pure and framework-free so that it is unit-tested; the UI wraps it in a rune.
 */

/** What the selection keeps per asset: enough to tell which actions apply. */
export interface Picked {
  id: string;
  name: string;
  status: string;
  brand: string;
}

export class SelectionModel<T extends Picked = Picked> {
  /** Every result of the current query is selected (Ctrl/Cmd-A). */
  all = false;
  /** Explicitly picked assets, in picking order. */
  readonly picked = new Map<string, T>();
  /** Index of the card last toggled without Shift: where a Shift range starts. */
  anchor: number | null = null;

  get empty(): boolean {
    return !this.all && this.picked.size === 0;
  }

  /** How many are selected, given how many results there are. */
  size(total: number): number {
    return this.all ? total : this.picked.size;
  }

  has(id: string): boolean {
    return this.all || this.picked.has(id);
  }

  clear(): void {
    this.all = false;
    this.picked.clear();
    this.anchor = null;
  }

  selectAll(): void {
    this.all = true;
    this.picked.clear();
  }

  /**
   * Toggles one card. In "all" mode the loaded results become explicit picks first (the caller
   * must have loaded all of them: see {@link needsAllLoaded}).
   */
  toggle(index: number, item: T, loaded?: readonly (T | undefined)[]): void {
    if (this.all) {
      this.all = false;
      for (const it of loaded ?? []) if (it) this.picked.set(it.id, it);
    }
    if (this.picked.has(item.id)) this.picked.delete(item.id);
    else this.picked.set(item.id, item);
    this.anchor = index;
  }

  /** Whether toggling one card in "all" mode needs every result loaded first. */
  needsAllLoaded(loadedCount: number, total: number): boolean {
    return this.all && loadedCount < total;
  }

  /**
   * Shift-click: selects every card from the anchor to `index` (inclusive), keeping what was
   * selected. Without an anchor it toggles like a plain click.
   */
  range(index: number, items: readonly (T | undefined)[]): void {
    const item = items[index];
    if (!item) return;
    if (this.anchor === null || this.all) {
      if (this.all) return;
      this.toggle(index, item);
      return;
    }
    const [a, b] = this.anchor <= index ? [this.anchor, index] : [index, this.anchor];
    for (let i = a; i <= b; i += 1) {
      const it = items[i];
      if (it) this.picked.set(it.id, it);
    }
    this.anchor = index;
  }

  /** Replaces the only selection by one card (a plain click in culling flows). */
  only(index: number, item: T): void {
    this.all = false;
    this.picked.clear();
    this.picked.set(item.id, item);
    this.anchor = index;
  }

  /** Refreshes the kept facts of picked assets from newer results (a status changed). */
  refresh(items: readonly (T | undefined)[]): void {
    if (this.picked.size === 0) return;
    for (const it of items) if (it && this.picked.has(it.id)) this.picked.set(it.id, it);
  }

  /** Drops picks that no longer exist. */
  forget(ids: Iterable<string>): void {
    for (const id of ids) this.picked.delete(id);
  }

  ids(): string[] {
    return [...this.picked.keys()];
  }
}
