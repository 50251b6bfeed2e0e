import { describe, expect, it } from 'vitest';
import { outcome, summaryLine, tally, worthSending } from './uploads.svelte';

const report = (over: Partial<Parameters<typeof outcome>[0]>) => ({ imported: [], duplicates: [], skipped: [], failed: [], models: [], cancelled: false, ...over });

describe('uploads', () => {
  it('skips OS litter', () => {
    expect(worthSending('shoot/.DS_Store')).toBe(false);
    expect(worthSending('Thumbs.db')).toBe(false);
    expect(worthSending('shoot/IMG_1.JPG')).toBe(true);
  });
  it('reads one file’s outcome from its import report', () => {
    expect(outcome(report({ imported: [{ path: 'a.jpg', id: 'x' }] }))).toEqual({ status: 'imported', message: null, assetId: 'x' });
    expect(outcome(report({ duplicates: [{ path: 'a.jpg', existing: 'y', existing_path: '/p' }] })).status).toBe('duplicate');
    expect(outcome(report({ skipped: [{ path: 'a.txt', reason: 'not media' }] }))).toEqual({ status: 'skipped', message: 'Not media', assetId: null });
    expect(outcome(report({ failed: [{ path: 'a.jpg', reason: 'truncated' }] })).status).toBe('failed');
    expect(outcome(report({})).status).toBe('failed');
    // A model file is cataloged as a model, not as an asset (issue 10, defect 12).
    expect(outcome(report({ models: [{ path: 'lora.safetensors', id: 'm', new: true }] }))).toEqual({ status: 'imported', message: 'Model added to the library', assetId: null });
    expect(outcome(report({ models: [{ path: 'lora.safetensors', id: 'm', new: false }] })).status).toBe('duplicate');
  });
  it('summarises a batch', () => {
    const items = [{ status: 'imported' as const }, { status: 'imported' as const }, { status: 'duplicate' as const }, { status: 'failed' as const }];
    expect(tally(items).imported).toBe(2);
    expect(summaryLine(items)).toBe('2 imported · 1 already in the library · 1 failed');
    expect(summaryLine([{ status: 'uploading' as const }, { status: 'imported' as const }])).toBe('1 of 2 done · 1 imported');
  });
});
