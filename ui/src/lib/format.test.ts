import { describe, expect, it } from 'vitest';
import { ago, binaryBytes, bulkSummary, bytes, captureTime, count, dimensions, duration, groupFailures, middle, plural, sentence } from './format';

const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);

describe('numbers and sizes', () => {
  it('counts with separators and plurals', () => {
    expect(count(1234567)).toBe('1,234,567');
    expect(plural(1, 'asset')).toBe('1 asset');
    expect(plural(3, 'asset')).toBe('3 assets');
    expect(plural(2, 'match', 'matches')).toBe('2 matches');
  });
  it('limits in powers of 1024, as the studio words them', () => {
    expect(binaryBytes(0)).toBe('0 bytes');
    expect(binaryBytes(4096)).toBe('4.0 KiB');
    expect(binaryBytes(20 * 2 ** 30)).toBe('20.0 GiB');
    expect(binaryBytes(-1)).toBe('—');
  });
  it('bytes in decimal units', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(2456607)).toBe('2.5 MB');
    expect(bytes(45_000_000)).toBe('45 MB');
    expect(bytes(-1)).toBe('—');
  });
  it('dimensions and durations', () => {
    expect(dimensions(4320, 3240)).toBe('4320 × 3240');
    expect(dimensions(0, 10)).toBe('—');
    expect(duration(65)).toBe('1:05');
    expect(duration(3723)).toBe('1:02:03');
  });
});

describe('dates', () => {
  it('keeps capture times in the camera’s local time', () => {
    expect(captureTime('2021-11-16T09:16:16')).toMatch(/Nov 16, 2021.*9:16/);
    expect(captureTime('2021-11-16T09:16:16+05:00')).toMatch(/9:16/);
    expect(captureTime(null)).toBe('—');
  });
  it('says how long ago', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    expect(ago('2026-01-01T11:59:50Z', now)).toBe('just now');
    expect(ago('2026-01-01T11:30:00Z', now)).toBe('30 min ago');
    expect(ago('2026-01-01T09:00:00Z', now)).toBe('3 h ago');
  });
});

describe('bulk summaries', () => {
  it('all succeeded', () => {
    expect(bulkSummary({ requested: 14, succeeded: ids(14), failed: [], skipped: [] }, 'moved')).toBe('All 14 moved');
    expect(bulkSummary({ requested: 1, succeeded: ids(1), failed: [], skipped: [] }, 'moved')).toBe('1 asset moved');
  });
  it('partial success names the reasons like people do', () => {
    const failed = ['a', 'b'].map((id) => ({ id, code: 'approved_locked' as const, message: "approved work can't be moved" }));
    expect(bulkSummary({ requested: 14, succeeded: ids(12), failed, skipped: [] }, 'moved')).toBe('12 of 14 moved; 2 are approved');
  });
  it('nothing done', () => {
    const failed = [{ id: 'a', code: 'invalid_transition' as const, message: 'approving needs an asset in review' }];
    expect(bulkSummary({ requested: 1, succeeded: [], failed, skipped: [] }, 'approved')).toBe(
      'Nothing approved: 1 failed: approving needs an asset in review',
    );
  });
  it('skipped ones are named apart, and a missing skipped list is fine', () => {
    const skipped = [{ id: 'a', code: 'already_in_campaign' as const, message: 'already in the campaign' }];
    expect(bulkSummary({ requested: 3, succeeded: ids(2), failed: [], skipped }, 'added')).toBe(
      '2 of 3 added; 1 skipped: already in the campaign',
    );
    const noSkipped = { requested: 2, succeeded: ids(2), failed: [] } as unknown as Parameters<typeof bulkSummary>[0];
    expect(bulkSummary(noSkipped, 'tagged')).toBe('All 2 tagged');
  });
  it('groups failures by code, most common first', () => {
    const g = groupFailures([
      { code: 'x', message: 'one' },
      { code: 'y', message: 'two' },
      { code: 'y', message: 'two' },
    ]);
    expect(g.map((x) => [x.code, x.n])).toEqual([
      ['y', 2],
      ['x', 1],
    ]);
  });
  it('capitalises server messages', () => {
    expect(sentence('self-approval is off')).toBe('Self-approval is off');
    expect(sentence('')).toBe('');
  });
});

describe('long names', () => {
  it('are shortened in the middle, keeping their end and extension', () => {
    expect(middle('short.jpg')).toBe('short.jpg');
    const long = 'Client_Campaign_Autumn_Shoot_Day2_IMG_2041_final_v3.jpg';
    const m = middle(long);
    expect([...m].length).toBe(30);
    expect(m.startsWith('Client_Campaign')).toBe(true);
    expect(m.endsWith('_v3.jpg')).toBe(true);
    expect(m).toContain('…');
    expect([...middle('a'.repeat(100))].length).toBe(30);
    expect(middle('東京'.repeat(40)).length).toBeLessThanOrEqual(30);
  });
});
