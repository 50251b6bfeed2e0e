import { describe, expect, it, vi } from 'vitest';
import { isStarted, MAX_WAIT_MS, started, startupDone } from './startup';

describe('startup gate', () => {
  it('holds requests until the grid says its first page settled, then lets all through', async () => {
    expect(isStarted()).toBe(false);
    let through = false;
    const waiting = started().then(() => (through = true));
    await Promise.resolve();
    expect(through).toBe(false);
    startupDone();
    await waiting;
    expect(through).toBe(true);
    expect(isStarted()).toBe(true);
    startupDone(); // again: nothing changes
    await started();
    expect(MAX_WAIT_MS).toBeLessThanOrEqual(1000);
  });
});

describe('startup gate without a grid answer', () => {
  it('opens by itself after MAX_WAIT_MS, so a slow first page holds nothing back for long', async () => {
    vi.useFakeTimers();
    vi.resetModules();
    try {
      const gate = await import('./startup');
      expect(gate.isStarted()).toBe(false);
      vi.advanceTimersByTime(gate.MAX_WAIT_MS - 1);
      expect(gate.isStarted()).toBe(false);
      vi.advanceTimersByTime(1);
      await gate.started();
      expect(gate.isStarted()).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });
});
