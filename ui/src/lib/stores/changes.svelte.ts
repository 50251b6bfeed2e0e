/**
 * Live updates from the change journal (`GET /api/changes`): asks where the journal is once, then
 * keeps one request waiting on the server for the next change while the tab is visible (every
 * 6 s while hidden; right after our own mutations, through {@link poke}) and tells listeners what
 * changed, so edits made elsewhere (the CLI, another tab, a watcher, the studio) appear at once.
 */
import { api, type Change } from '../api/client';

type Listener = (changes: Change[]) => void;

/** How long one live-refresh request waits on the server for a change. */
const LONG_POLL_SECONDS = 20;

class Changes {
  head = -1;
  private listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private busy = false;
  private again = false;
  /** Bumps on every batch (components can read it to re-run effects). */
  tick = $state(0);
  /** Bumps when thumbnails arrive from the studio: placeholders shown for lack of one ask again. */
  thumbs = $state(0);

  subscribe(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async start(): Promise<void> {
    if (this.head >= 0) return;
    try {
      this.head = (await api.changesHead()).head;
    } catch {
      this.head = 0;
    }
    this.schedule();
  }

  private schedule(delay = 2000): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delay);
  }

  /** Polls now (after a mutation of ours). */
  poke(): void {
    if (this.head < 0) return;
    if (this.busy) {
      this.again = true;
      return;
    }
    void this.poll();
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    let failed = true;
    try {
      const batch: Change[] = [];
      for (let i = 0; i < 20; i += 1) {
        // The first page waits on the server for a change (visible tab only): a change shows
        // as soon as it is journaled, without polling fast.
        const wait = i === 0 && !document.hidden ? LONG_POLL_SECONDS : undefined;
        const page = await api.changes(this.head, 1000, undefined, wait);
        if (!page.length) break;
        batch.push(...page);
        this.head = page[page.length - 1]!.seq;
        if (page.length < 1000) break;
      }
      if (batch.length) {
        this.tick += 1;
        if (batch.some((c) => c.action === 'synced' && c.after?.['thumbnails'] !== undefined)) this.thumbs += 1;
        for (const l of this.listeners) l(batch);
      }
      failed = false;
    } catch {
      // The server may be restarting; keep polling quietly.
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        this.schedule(0);
      } else if (document.hidden) {
        this.schedule(6000);
      } else {
        // Visible: the next waiting request at once (it returns when something changes);
        // after a failure, a pause instead of a busy loop.
        this.schedule(failed ? 2000 : 0);
      }
    }
  }
}

export const changes = new Changes();
