/**
 * Undo and Redo of organising actions (issue 14): every action whose report names the journal
 * entries it wrote (`undo`) is kept here, newest last; Undo sends those spans back to the
 * library, which puts each asset back as it was before — or leaves it, when it changed since —
 * and Redo undoes the undo. Ctrl/⌘+Z and Ctrl/⌘+Shift+Z (or Ctrl+Y) reach it from anywhere a
 * text field doesn't have the key; each action's toast offers Undo too.
 */
import { api, messageOf, type JournalSpan, type UndoReport } from '../api/client';
import { bulkSummary, sentence } from '../format';
import { changes } from './changes.svelte';
import { toasts } from './toasts.svelte';

/** One action that can be taken back: what the toast called it, and its journal entries. */
export interface Undoable {
  /** Past tense, as the action's toast said it ("rated 3★", "filed in June"). */
  verb: string;
  /** How many assets it changed. */
  count: number;
  spans: JournalSpan[];
}

/** How many actions each list keeps (Lightroom keeps the session's; 50 is plenty for a day). */
const DEPTH = 50;

class UndoHistory {
  done = $state.raw<Undoable[]>([]);
  undone = $state.raw<Undoable[]>([]);
  busy = $state(false);

  /** Records an action just done (a new action forgets what could be redone). */
  push(verb: string, count: number, spans: JournalSpan[] | undefined): Undoable | null {
    if (!spans?.length) return null;
    const entry: Undoable = { verb, count, spans };
    this.done = [...this.done.slice(-(DEPTH - 1)), entry];
    this.undone = [];
    return entry;
  }

  /** A toast's Undo button for an action just recorded. */
  action(entry: Undoable | null) {
    return entry ? { label: 'Undo', run: () => void this.undo(entry) } : undefined;
  }

  /** Takes back `entry` (default: the last action). */
  async undo(entry?: Undoable): Promise<void> {
    const e = entry ?? this.done[this.done.length - 1];
    if (!e) {
      toasts.show('info', 'Nothing to undo');
      return;
    }
    await this.run(e, 'undo');
  }

  /** Puts back the last action undone. */
  async redo(): Promise<void> {
    const e = this.undone[this.undone.length - 1];
    if (!e) {
      toasts.show('info', 'Nothing to redo');
      return;
    }
    await this.run(e, 'redo');
  }

  private async run(e: Undoable, how: 'undo' | 'redo'): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const from = how === 'undo' ? 'done' : 'undone';
    this[from] = this[from].filter((x) => x !== e);
    try {
      const r = await api.undo(e.spans);
      const back: Undoable = { verb: e.verb, count: e.count, spans: r.assets.undo ?? [] };
      if (back.spans.length) {
        if (how === 'undo') this.undone = [...this.undone.slice(-(DEPTH - 1)), back];
        else this.done = [...this.done.slice(-(DEPTH - 1)), back];
      }
      report(r, how, e, back.spans.length ? back : null);
    } catch (err) {
      toasts.show('error', sentence(messageOf(err)));
    } finally {
      this.busy = false;
      changes.poke();
    }
  }
}

function report(r: UndoReport, how: 'undo' | 'redo', e: Undoable, back: Undoable | null): void {
  const what = `${e.verb} (${e.count === 1 ? '1 asset' : `${e.count.toLocaleString('en')} assets`})`;
  const head = how === 'undo' ? `Undone: ${what}` : `Redone: ${what}`;
  const a = r.assets;
  const issues = a.failed.length + (a.skipped ?? []).length;
  const text = issues ? `${head}. ${bulkSummary(a, how === 'undo' ? 'put back' : 'done again')}` : head;
  const details = [...a.failed, ...(a.skipped ?? [])].slice(0, 50).map((f) => `${f.id}: ${sentence(f.message)}`);
  details.push(...r.notes.map(sentence));
  const kind = issues || r.notes.length ? 'warning' : 'success';
  const button = back
    ? how === 'undo'
      ? { label: 'Redo', run: () => void undo.redo() }
      : { label: 'Undo', run: () => void undo.undo(back) }
    : undefined;
  toasts.show(kind, text, details, undefined, button);
}

export const undo = new UndoHistory();
