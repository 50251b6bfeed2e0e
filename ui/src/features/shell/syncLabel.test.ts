import { describe, expect, it } from 'vitest';
import { lastSynced, stateOfConnection, syncIndicator, syncSentence } from './syncLabel';

const at = (state: Parameters<typeof syncIndicator>[0]['state'], pending = 0, refusals = 0) => ({ state, pending, refusals });

describe('syncIndicator', () => {
  it('shows nothing new for a standalone library', () => {
    expect(syncIndicator(at('standalone', 0, 0))).toBeNull();
  });

  it('says how the sync stands', () => {
    expect(syncIndicator(at('up_to_date'))).toEqual({ label: 'Up to date', tone: 'ok', refused: null, name: 'Up to date' });
    expect(syncIndicator(at('syncing', 3))?.label).toBe('Syncing…');
    expect(syncIndicator(at('signed_out'))?.label).toBe('Signed out');
    expect(syncIndicator(at('revoked'))?.label).toBe('Revoked');
    expect(syncIndicator(at('revoked'))?.tone).toBe('warn');
  });

  it('counts what waits while offline', () => {
    expect(syncIndicator(at('offline', 1234))).toMatchObject({ label: 'Offline — 1,234 waiting', tone: 'warn' });
    expect(syncIndicator(at('offline', 0))?.label).toBe('Offline');
  });

  it('calls a change that just waits for the next push syncing, not up to date', () => {
    expect(syncIndicator(at('up_to_date', 1))).toMatchObject({ label: 'Syncing…', tone: 'busy' });
  });

  it('adds what the studio refused, whatever the state', () => {
    expect(syncIndicator(at('up_to_date', 0, 1))).toEqual({
      label: 'Up to date',
      tone: 'ok',
      refused: '1 couldn’t sync',
      name: 'Up to date, 1 couldn’t sync',
    });
    expect(syncIndicator(at('offline', 2, 12))?.name).toBe('Offline — 2 waiting, 12 couldn’t sync');
  });
});

describe('syncSentence', () => {
  it('prefers the server’s reason, as a sentence', () => {
    expect(syncSentence({ state: 'offline', message: "the studio at http://x can't be reached" })).toBe(
      "The studio at http://x can't be reached",
    );
  });
  it('says it in its own words otherwise', () => {
    expect(syncSentence({ state: 'up_to_date', message: null })).toMatch(/^Everything here is on the studio/);
    expect(syncSentence({ state: 'offline', message: '  ' })).toMatch(/can’t be reached/);
    expect(syncSentence({ state: 'revoked', message: null })).toMatch(/sign in again/);
  });
});

describe('lastSynced', () => {
  it('is relative, or says it never happened', () => {
    expect(lastSynced(null, () => 'x')).toBe('Never synced yet');
    expect(lastSynced('2026-01-01T00:00:00Z', (iso) => `at ${iso}`)).toBe('Last synced at 2026-01-01T00:00:00Z');
  });
});

describe('stateOfConnection', () => {
  it('maps the studio status onto the sync states', () => {
    expect(stateOfConnection('online')).toBe('up_to_date');
    expect(stateOfConnection('offline')).toBe('offline');
    expect(stateOfConnection('standalone')).toBe('standalone');
    expect(stateOfConnection('signed_out')).toBe('signed_out');
    expect(stateOfConnection('revoked')).toBe('revoked');
  });
});
