/**
 * The review queue's stepping (SPEC R7.6), pure: oldest first, and after each decision the next
 * undecided item (after the current one, wrapping around), or null when all are decided.
 */

/** Search pages come newest first; the queue is oldest first. */
export function oldestFirst<T extends { added_at: string }>(items: T[]): T[] {
  return [...items].sort((a, b) => (a.added_at < b.added_at ? -1 : a.added_at > b.added_at ? 1 : 0));
}

export function nextUndecided(count: number, current: number, decided: (i: number) => boolean): number | null {
  for (let k = 1; k <= count; k += 1) {
    const i = (current + k) % count;
    if (!decided(i)) return i;
  }
  return null;
}

export function clampIndex(i: number, count: number): number {
  return Math.max(0, Math.min(count - 1, i));
}
