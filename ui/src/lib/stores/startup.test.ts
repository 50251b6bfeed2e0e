import { describe, expect, it } from 'vitest';
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
