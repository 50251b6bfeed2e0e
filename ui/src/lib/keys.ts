/**
 * Keyboard shortcuts (SPEC R17, R7.6) as pure data: which key does what in which context. The
 * one global listener in App.svelte asks {@link commandFor} and dispatches; nothing fires while a
 * text field has focus, and single-key shortcuts never fire with Ctrl, Cmd or Alt held.
 */
import type { Flag, Label, Rating } from './api/client';

export type Context = 'grid' | 'lightbox' | 'review' | 'page';

export type Command =
  | { kind: 'move'; dx: number; dy: number; extend: boolean }
  | { kind: 'open' }
  | { kind: 'escape' }
  | { kind: 'rate'; rating: Rating }
  | { kind: 'flag'; flag: Flag }
  | { kind: 'label'; label: Label }
  | { kind: 'search' }
  | { kind: 'selectAll' }
  | { kind: 'delete' }
  | { kind: 'tags' }
  | { kind: 'fit' }
  | { kind: 'help' }
  | { kind: 'next' }
  | { kind: 'prev' }
  | { kind: 'approve' }
  | { kind: 'requestChanges' }
  | { kind: 'note' }
  | { kind: 'info' }
  | { kind: 'compare' }
  | { kind: 'undo' }
  | { kind: 'redo' };

/** The subset of KeyboardEvent the router reads (so tests can build plain objects). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
  target?: unknown;
}

/** Whether an element takes typed text (inputs, text areas, selects, editable content). */
export function isTypingTarget(target: unknown): boolean {
  if (!target || typeof target !== 'object') return false;
  const el = target as { tagName?: string; isContentEditable?: boolean; type?: string };
  if (el.isContentEditable) return true;
  const tag = (el.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el.type ?? 'text').toLowerCase();
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image'].includes(type);
  }
  return false;
}

/** Keys 6–9 set these labels, as in Lightroom (purple has no key). */
const KEY_LABELS: Label[] = ['red', 'yellow', 'green', 'blue'];

const ARROWS: Record<string, [number, number]> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The command for a key press in a context, or null when the key is not a shortcut there. */
export function commandFor(e: KeyLike, ctx: Context): Command | null {
  if (isTypingTarget(e.target)) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (mod || e.altKey) {
    if (mod && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'a' && (ctx === 'grid' || ctx === 'lightbox')) {
      return ctx === 'grid' ? { kind: 'selectAll' } : null;
    }
    if (mod && !e.altKey && e.key.toLowerCase() === 'z') return { kind: e.shiftKey ? 'redo' : 'undo' };
    if (e.ctrlKey && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'y') return { kind: 'redo' };
    return null;
  }
  const key = e.key;
  if (key === 'Escape') return { kind: 'escape' };
  if (key === '/') return ctx === 'review' ? null : { kind: 'search' };
  if (key === '?') return { kind: 'help' };
  if (ctx === 'page') return null;

  if (ctx === 'review') {
    switch (key.toLowerCase()) {
      case 'j':
        return e.shiftKey ? null : { kind: 'next' };
      case 'k':
        return e.shiftKey ? null : { kind: 'prev' };
      case 'a':
        return e.shiftKey ? null : { kind: 'approve' };
      case 'r':
        return e.shiftKey ? null : { kind: 'requestChanges' };
      case 'n':
        return e.shiftKey ? null : { kind: 'note' };
    }
    if (key === 'ArrowRight' || key === 'ArrowDown') return { kind: 'next' };
    if (key === 'ArrowLeft' || key === 'ArrowUp') return { kind: 'prev' };
    return null;
  }

  const arrow = ARROWS[key];
  if (arrow) {
    if (ctx === 'lightbox') {
      if (arrow[1] !== 0) return null;
      return arrow[0] > 0 ? { kind: 'next' } : { kind: 'prev' };
    }
    return { kind: 'move', dx: arrow[0], dy: arrow[1], extend: e.shiftKey };
  }
  if (e.shiftKey) return null;
  if (key === 'Enter' || key === ' ' || key === 'Spacebar') {
    return ctx === 'grid' ? { kind: 'open' } : null;
  }
  if (/^[0-5]$/.test(key)) return { kind: 'rate', rating: Number(key) as Rating };
  if (/^[6-9]$/.test(key)) return { kind: 'label', label: KEY_LABELS[Number(key) - 6]! };
  switch (key.toLowerCase()) {
    case 'p':
      return { kind: 'flag', flag: 'pick' };
    case 'x':
      return { kind: 'flag', flag: 'reject' };
    case 'u':
      return { kind: 'flag', flag: 'none' };
    case 't':
      return { kind: 'tags' };
    case 'i':
      return ctx === 'lightbox' ? { kind: 'info' } : null;
    case 'f':
      return ctx === 'lightbox' ? { kind: 'fit' } : null;
    case 'c':
      return ctx === 'grid' ? { kind: 'compare' } : null;
  }
  if (key === 'Delete' || key === 'Backspace') return { kind: 'delete' };
  return null;
}

/** The shortcuts as the help dialog lists them. */
export const SHORTCUTS: { keys: string; what: string; where: string }[] = [
  { keys: '← → ↑ ↓', what: 'Move between assets (Shift extends the selection)', where: 'Grid' },
  { keys: 'Space / Enter', what: 'Open in the lightbox', where: 'Grid' },
  { keys: '← →', what: 'Previous / next asset', where: 'Lightbox' },
  { keys: 'F', what: 'Toggle fit / 100 %', where: 'Lightbox' },
  { keys: 'I', what: 'Show or hide the Info panel', where: 'Lightbox' },
  { keys: 'Esc', what: 'Close the lightbox, or clear the selection', where: 'Everywhere' },
  { keys: '0 – 5', what: 'Set the rating (0 clears it)', where: 'Grid, lightbox' },
  { keys: 'P / X / U', what: 'Flag as pick / reject / unflag', where: 'Grid, lightbox' },
  { keys: '6 / 7 / 8 / 9', what: 'Label red / yellow / green / blue (again: no label)', where: 'Grid, lightbox' },
  { keys: '/', what: 'Focus the search box', where: 'Everywhere' },
  { keys: 'Ctrl/⌘ A', what: 'Select every result', where: 'Grid' },
  { keys: 'Ctrl/⌘ Z', what: 'Undo the last change (ratings, flags, tags, collections, moves, deletes…)', where: 'Everywhere' },
  { keys: 'Ctrl/⌘ Shift Z', what: 'Redo', where: 'Everywhere' },
  { keys: 'Delete', what: 'Delete (asks first)', where: 'Grid, lightbox' },
  { keys: 'T', what: 'Focus tags', where: 'Grid, lightbox' },
  { keys: 'C', what: 'Compare the selection side by side (2 to 6)', where: 'Grid' },
  { keys: 'Enter / Z', what: 'Make the candidate the select / zoom every pane to 100 %', where: 'Compare' },
  { keys: 'J / K', what: 'Next / previous in the queue', where: 'Review' },
  { keys: 'A / R', what: 'Approve / request changes', where: 'Review' },
  { keys: 'N', what: 'Write a note', where: 'Review' },
  { keys: '?', what: 'Show these shortcuts', where: 'Everywhere' },
];
