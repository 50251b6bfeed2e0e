/**
 * What the top bar's sync indicator says (SPEC R14.2), from the background sync's state: a short
 * label, its tone, the *Couldn't sync* count when something was refused, and the sentence the
 * panel shows. Pure, so it is tested without a browser.
 */
import type { Connection, SyncState, SyncStatus } from '../../lib/api/client';
import { count, sentence } from '../../lib/format';

/** ok: all synced; busy: moving changes; warn: needs the person (offline, signed out, revoked). */
export type SyncTone = 'ok' | 'busy' | 'warn';

export interface SyncIndicator {
  /** "Up to date", "Syncing…", "Offline — 3 waiting", "Signed out", "Revoked". */
  label: string;
  tone: SyncTone;
  /** "2 couldn’t sync", or null when the studio refused nothing. */
  refused: string | null;
  /** The button's accessible name: the label, then what was refused. */
  name: string;
}

/** The indicator for a bound library; null for a standalone one (it offers *Sign in* instead). */
export function syncIndicator(s: Pick<SyncStatus, 'state' | 'pending' | 'refusals'>): SyncIndicator | null {
  let label: string;
  let tone: SyncTone;
  switch (s.state) {
    case 'standalone':
      return null;
    case 'up_to_date':
      // A change made a moment ago goes within a tenth of a second: say it is on its way.
      [label, tone] = s.pending > 0 ? ['Syncing…', 'busy'] : ['Up to date', 'ok'];
      break;
    case 'syncing':
      [label, tone] = ['Syncing…', 'busy'];
      break;
    case 'offline':
      [label, tone] = [s.pending > 0 ? `Offline — ${count(s.pending)} waiting` : 'Offline', 'warn'];
      break;
    case 'signed_out':
      [label, tone] = ['Signed out', 'warn'];
      break;
    case 'revoked':
      [label, tone] = ['Revoked', 'warn'];
      break;
  }
  const refused = s.refusals > 0 ? `${count(s.refusals)} couldn’t sync` : null;
  return { label, tone, refused, name: refused ? `${label}, ${refused}` : label };
}

/** The panel's sentence about the state: the server's reason when it gave one, else ours. */
export function syncSentence(s: Pick<SyncStatus, 'state' | 'message'>): string {
  if (s.message?.trim()) return sentence(s.message);
  switch (s.state) {
    case 'standalone':
      return 'This library isn’t bound to a studio.';
    case 'up_to_date':
      return 'Everything here is on the studio, and the studio’s changes are here.';
    case 'syncing':
      return 'Sending and receiving changes…';
    case 'offline':
      return 'The studio can’t be reached. Changes wait here and go as soon as it answers.';
    case 'signed_out':
      return 'Signed out of the studio: sign in again to sync.';
    case 'revoked':
      return 'The studio signed this library out: sign in again to sync.';
  }
}

/** "Last synced 5 min ago", "Never synced yet" (`ago` formats the instant). */
export function lastSynced(at: string | null, ago: (iso: string) => string): string {
  return at ? `Last synced ${ago(at)}` : 'Never synced yet';
}

/** The sync state the studio status implies, while the sync's own state isn't known. */
export function stateOfConnection(c: Connection): SyncState {
  return c === 'online' ? 'up_to_date' : c;
}
