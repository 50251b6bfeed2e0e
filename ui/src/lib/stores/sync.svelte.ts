/**
 * The background sync as the app shows it (SPEC R14.2): `GET /api/studio/sync` every 2 s while
 * the library is bound to a studio (every 30 s while standalone, to notice a sign-in made from
 * the command line), again right after each batch of the change journal — our own mutations
 * poke it, so a change shows as waiting at once —, and the *Couldn't sync* list, reloaded when
 * its count moves. Asking costs nothing: the local server answers from what it knows and never
 * calls the studio for it. Runs while someone shows it ({@link SyncWatch.start}).
 */
import { api, type SyncRefusal, type SyncStatus } from '../api/client';
import { changes } from './changes.svelte';

const BOUND_EVERY = 2000;
/** While originals are on their way: their progress bars move. */
const MOVING_EVERY = 500;
const HIDDEN_EVERY = 6000;
const STANDALONE_EVERY = 30_000;

class SyncWatch {
  status = $state<SyncStatus | null>(null);
  /** The *Couldn't sync* list, newest first. */
  refusals = $state<SyncRefusal[]>([]);
  /** Whether the library is bound to a studio; null until the server first answers. */
  bound = $derived(this.status ? this.status.state !== 'standalone' : null);

  private users = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private busy = false;
  private again = false;
  private unsubscribe: (() => void) | null = null;
  /** The refusal count the list was last loaded for. */
  private listedFor = -1;

  /** Starts polling (shared by everyone who shows it); the returned function stops this user's. */
  start(): () => void {
    this.users += 1;
    if (this.users === 1) {
      this.unsubscribe = changes.subscribe(() => void this.refresh());
      void this.refresh();
    }
    return () => {
      this.users -= 1;
      if (this.users > 0) return;
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      this.unsubscribe?.();
      this.unsubscribe = null;
    };
  }

  /** Asks now (after a sign-in or sign-out, when a panel opens). */
  async refresh(): Promise<void> {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.busy = true;
    try {
      const s = await api.syncStatus();
      this.status = s;
      if (s.refusals !== this.listedFor) await this.loadRefusals();
    } catch {
      // The server may be restarting: the indicator keeps what it showed; the next poll asks again.
    } finally {
      this.busy = false;
      if (this.again) {
        this.again = false;
        void this.refresh();
      } else {
        this.schedule();
      }
    }
  }

  /** Reloads the *Couldn't sync* list. */
  async loadRefusals(): Promise<void> {
    const count = this.status?.refusals ?? 0;
    this.refusals = count > 0 || this.refusals.length > 0 ? await api.syncRefusals() : [];
    this.listedFor = count;
  }

  /** *Sync now*: wakes the background sync, then follows it closely for a moment. */
  async syncNow(): Promise<void> {
    this.status = await api.syncNow();
    setTimeout(() => void this.refresh(), 400);
  }

  /** Takes an entry off the *Couldn't sync* list (the change stays undone). */
  async discard(id: number): Promise<void> {
    const left = await api.syncRefusalDiscard(id);
    this.refusals = left;
    this.listedFor = left.length;
    if (this.status) this.status = { ...this.status, refusals: left.length };
  }

  /** Sends a refused change again, as a new one the studio decides anew; it leaves the list
   *  (and comes back, with the reason of now, if refused again). */
  async retry(id: number): Promise<void> {
    const left = await api.syncRefusalRetry(id);
    this.refusals = left;
    this.listedFor = left.length;
    if (this.status) this.status = { ...this.status, refusals: left.length };
    setTimeout(() => void this.refresh(), 800);
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.users === 0) return;
    const hidden = typeof document !== 'undefined' && document.hidden;
    const moving = (this.status?.transfers.length ?? 0) > 0;
    const every = this.bound === false ? STANDALONE_EVERY : hidden ? HIDDEN_EVERY : moving ? MOVING_EVERY : BOUND_EVERY;
    this.timer = setTimeout(() => void this.refresh(), every);
  }
}

export const syncWatch = new SyncWatch();
