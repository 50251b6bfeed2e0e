import { describe, expect, it } from 'vitest';
import { findHead } from './changes.svelte';

describe('findHead', () => {
  it('finds the journal head in a few probes', async () => {
    for (const head of [0, 1, 2, 7, 1000, 1_234_567]) {
      let probes = 0;
      const got = await findHead(async (since) => {
        probes += 1;
        return since < head;
      });
      expect(got).toBe(head);
      expect(probes).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(head + 2)) + 2);
    }
  });
});
