import { describe, expect, it } from 'vitest';
import { commandFor, isTypingTarget, type KeyLike } from './keys';

const key = (k: string, more: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, target: null, ...more });
const input = (type = 'text') => ({ tagName: 'INPUT', type });

describe('isTypingTarget', () => {
  it('text fields take typing; checkboxes and buttons do not', () => {
    expect(isTypingTarget(input())).toBe(true);
    expect(isTypingTarget(input('search'))).toBe(true);
    expect(isTypingTarget({ tagName: 'TEXTAREA' })).toBe(true);
    expect(isTypingTarget({ tagName: 'SELECT' })).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true })).toBe(true);
    expect(isTypingTarget(input('checkbox'))).toBe(false);
    expect(isTypingTarget({ tagName: 'BUTTON' })).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('commandFor', () => {
  it('nothing fires while typing', () => {
    for (const k of ['1', 'p', 'Delete', '/', 'ArrowLeft', 'j', 'a']) {
      expect(commandFor(key(k, { target: input() }), 'grid')).toBe(null);
      expect(commandFor(key(k, { target: { tagName: 'TEXTAREA' } }), 'review')).toBe(null);
    }
  });
  it('modifiers silence single keys; Ctrl/Cmd-A selects all in the grid', () => {
    expect(commandFor(key('p', { ctrlKey: true }), 'grid')).toBe(null);
    expect(commandFor(key('3', { altKey: true }), 'grid')).toBe(null);
    expect(commandFor(key('a', { ctrlKey: true }), 'grid')).toEqual({ kind: 'selectAll' });
    expect(commandFor(key('a', { metaKey: true }), 'grid')).toEqual({ kind: 'selectAll' });
    expect(commandFor(key('a', { ctrlKey: true }), 'review')).toBe(null);
    expect(commandFor(key('j', { ctrlKey: true }), 'review')).toBe(null);
  });
  it('grid keys', () => {
    expect(commandFor(key('ArrowDown'), 'grid')).toEqual({ kind: 'move', dx: 0, dy: 1, extend: false });
    expect(commandFor(key('ArrowLeft', { shiftKey: true }), 'grid')).toEqual({ kind: 'move', dx: -1, dy: 0, extend: true });
    expect(commandFor(key(' '), 'grid')).toEqual({ kind: 'open' });
    expect(commandFor(key('Enter'), 'grid')).toEqual({ kind: 'open' });
    expect(commandFor(key('0'), 'grid')).toEqual({ kind: 'rate', rating: 0 });
    expect(commandFor(key('5'), 'grid')).toEqual({ kind: 'rate', rating: 5 });
    expect(commandFor(key('6'), 'grid')).toEqual({ kind: 'label', label: 'red' });
    expect(commandFor(key('9'), 'lightbox')).toEqual({ kind: 'label', label: 'blue' });
    expect(commandFor({ ...key('z'), ctrlKey: true }, 'grid')).toEqual({ kind: 'undo' });
    expect(commandFor({ ...key('z'), metaKey: true, shiftKey: true }, 'page')).toEqual({ kind: 'redo' });
    expect(commandFor(key('P'), 'grid')).toEqual({ kind: 'flag', flag: 'pick' });
    expect(commandFor(key('x'), 'grid')).toEqual({ kind: 'flag', flag: 'reject' });
    expect(commandFor(key('u'), 'grid')).toEqual({ kind: 'flag', flag: 'none' });
    expect(commandFor(key('Delete'), 'grid')).toEqual({ kind: 'delete' });
    expect(commandFor(key('t'), 'grid')).toEqual({ kind: 'tags' });
    expect(commandFor(key('/'), 'grid')).toEqual({ kind: 'search' });
    expect(commandFor(key('Escape'), 'grid')).toEqual({ kind: 'escape' });
    expect(commandFor(key('f'), 'grid')).toBe(null);
  });
  it('lightbox keys', () => {
    expect(commandFor(key('ArrowRight'), 'lightbox')).toEqual({ kind: 'next' });
    expect(commandFor(key('ArrowLeft'), 'lightbox')).toEqual({ kind: 'prev' });
    expect(commandFor(key('ArrowUp'), 'lightbox')).toBe(null);
    expect(commandFor(key('f'), 'lightbox')).toEqual({ kind: 'fit' });
    expect(commandFor(key('i'), 'lightbox')).toEqual({ kind: 'info' });
    expect(commandFor(key('a', { ctrlKey: true }), 'lightbox')).toBe(null);
  });
  it('review keys', () => {
    expect(commandFor(key('j'), 'review')).toEqual({ kind: 'next' });
    expect(commandFor(key('k'), 'review')).toEqual({ kind: 'prev' });
    expect(commandFor(key('a'), 'review')).toEqual({ kind: 'approve' });
    expect(commandFor(key('r'), 'review')).toEqual({ kind: 'requestChanges' });
    expect(commandFor(key('n'), 'review')).toEqual({ kind: 'note' });
    expect(commandFor(key('A', { shiftKey: true }), 'review')).toBe(null);
    expect(commandFor(key('3'), 'review')).toBe(null);
  });
  it('pages only know search, help and escape', () => {
    expect(commandFor(key('/'), 'page')).toEqual({ kind: 'search' });
    expect(commandFor(key('?', { shiftKey: true }), 'page')).toEqual({ kind: 'help' });
    expect(commandFor(key('3'), 'page')).toBe(null);
  });
});
