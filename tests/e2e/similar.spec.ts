// Find similar and near-duplicate review (SPEC R13): a half-size re-encode of a photo (made by
// ffmpeg, so the project never saw it) is found first from the card's hover and from the
// lightbox; the Duplicates view groups it with its original, and merging keeps the original
// with the copy's tag and rating, deleting the copy only after a confirmation.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, CORPUS, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;
const SOURCE = 'Nikon_D90__DSC_0001.JPG';
/** Imported as a copy: the rename template keeps the name, extension and its case included. */
const ORIGINAL = SOURCE;

test.beforeAll(async ({ browser }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-similar-'));
  for (const f of [SOURCE, 'Canon_PowerShot_G2__IMG_0301.JPG', 'Kodak_DC260__P0004796.JPG', 'Olympus_C-5050__PB180004.JPG']) {
    copyFileSync(path.join(CORPUS, 'photos/digicam', f), path.join(dir, f));
  }
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', path.join(dir, SOURCE), '-vf', 'scale=iw/2:-2', '-q:v', '6', path.join(dir, 'export-small.jpg')]);
  a = await startAtelier({ empty: true, commands: [['import', '--copy', dir]] });
  const copy = a.cliJson<SearchPage>('search', 'export-small').items[0]!;
  a.cli('tag', 'add', 'client-pick', copy.id);
  a.cli('rate', '4', copy.id);
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('Find similar from a card lists the re-encoded copy first; Back to library returns', async () => {
  await expect(cards(page)).toHaveCount(5);
  const card = page.getByRole('gridcell').filter({ has: page.getByRole('button', { name: `Open ${ORIGINAL}` }) });
  await card.hover();
  await card.getByRole('button', { name: `Find similar to ${ORIGINAL}` }).click();
  await expect(page.getByRole('heading', { name: `Similar to ${ORIGINAL}` })).toBeVisible();
  // Only the close matches, each with its cue; the list says where they end, and the rest
  // waits behind "Show less similar" — as the CLI reads the same distances.
  const id = a.cliJson<SearchPage>('search', 'Nikon_D90').items[0]!.id;
  const cli = a.cliJson<{ items: { name: string; closeness: string }[] }>('similar', id);
  const close = cli.items.filter((i) => i.closeness !== 'distant').length;
  expect(close).toBeGreaterThanOrEqual(1);
  expect(cli.items[0]!.closeness).toBe('same');
  await expect(cards(page)).toHaveCount(close);
  await expect(cards(page).first()).toHaveAccessibleName(/Open export-small\.jpg/);
  const head = page.getByRole('region', { name: 'Find similar' });
  await expect(page.getByRole('gridcell').first()).toContainText('Same picture');
  await shot(page, 'similar-grid');
  if (close < 4) {
    await expect(head).toContainText('No more close matches');
    await head.getByRole('button', { name: `Show less similar (${4 - close})` }).click();
  }
  await expect(cards(page)).toHaveCount(4);
  await page.getByRole('button', { name: 'Back to library' }).click();
  await expect(page.getByRole('heading', { name: /Similar to/ })).toBeHidden();
  await expect(cards(page)).toHaveCount(5);
});

test('the lightbox has Find similar too, and the CLI agrees', async () => {
  await page.getByRole('button', { name: 'Open export-small.jpg' }).click();
  const lightbox = page.getByRole('dialog', { name: /Lightbox/ });
  await lightbox.getByRole('button', { name: 'Find similar', exact: true }).click();
  await expect(lightbox).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Similar to export-small.jpg' })).toBeVisible();
  await expect(cards(page).first()).toHaveAccessibleName(new RegExp(`Open ${ORIGINAL.replace('.', '\\.')}`));
  const id = a.cliJson<SearchPage>('search', 'export-small').items[0]!.id;
  const cli = a.cliJson<{ indexed: boolean; items: { name: string; distance: number }[] }>('similar', id, '--limit', '3');
  expect(cli.indexed).toBe(true);
  expect(cli.items[0]!.name).toBe(ORIGINAL);
  expect(cli.items[0]!.distance).toBeLessThan(cli.items[1]!.distance);
  await page.getByRole('button', { name: 'Back to library' }).click();
});

test('Duplicates groups the copy with its original; merging keeps the original with the copy’s tag and rating', async () => {
  await page.getByRole('link', { name: 'Duplicates' }).click();
  const group = page.getByRole('region', { name: /Group 1: 2 copies/ });
  await expect(group).toBeVisible();
  await expect(group.getByRole('radio', { name: `Keep ${ORIGINAL}` })).toBeChecked();
  await expect(page.getByRole('region', { name: /Group 2/ })).toHaveCount(0);
  await shot(page, 'duplicates');
  await group.getByRole('combobox', { name: /Then/ }).selectOption('delete');
  await group.getByRole('button', { name: `Merge 1 into “${ORIGINAL}”` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Delete 1 duplicate?');
  await dialog.getByRole('button', { name: 'Merge and delete 1' }).click();
  await expect(page.getByRole('heading', { name: 'No duplicates' })).toBeVisible();
  const left = a.cliJson<SearchPage>('search');
  expect(left.total).toBe(4);
  const kept = left.items.find((i) => i.name === ORIGINAL)!;
  expect(kept.tags).toContain('client-pick');
  expect(kept.rating).toBe(4);
});
