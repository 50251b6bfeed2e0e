import { describe, expect, it } from 'vitest';
import { rawPairs } from './uploads.svelte';

describe('RAW+JPEG pairs among uploads', () => {
  it('stacks a RAW under the JPEG or HEIC of the same name, case aside', () => {
    const items = [
      { name: 'IMG_0001.CR2', assetId: 'a' },
      { name: 'img_0001.JPG', assetId: 'b' },
      { name: 'IMG_0002.NEF', assetId: 'c' },
      { name: 'IMG_0003.heic', assetId: 'd' },
      { name: 'IMG_0003.dng', assetId: 'e' },
      { name: 'IMG_0004.jpg', assetId: 'f' },
      { name: 'IMG_0004.png', assetId: 'g' },
      { name: 'IMG_0005.jpg', assetId: null },
      { name: 'IMG_0005.arw', assetId: 'h' },
    ];
    expect(rawPairs(items)).toEqual([
      { name: 'img_0001.JPG', cover: 'b', ids: ['b', 'a'] },
      { name: 'IMG_0003.heic', cover: 'd', ids: ['d', 'e'] },
    ]);
  });
});
