// Stacks (SPEC R2.9): a RAW and the JPEG of the same name, imported together, are one card with
// a count (the JPEG on top); the Info tab shows the stack, can give it another cover, and
// unstacks it.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, CORPUS, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-stacks-'));
  // A real RAW (a Kodak KDC) under a RAW name of the JPEG's stem: the pair stacks by name.
  copyFileSync(path.join(CORPUS, 'raw/real/Kodak_DC120__P003913.KDC'), path.join(dir, 'CRW_0304.CRW'));
  copyFileSync(path.join(CORPUS, 'photos/digicam/Canon_PowerShot_G2__IMG_0301.JPG'), path.join(dir, 'CRW_0304.JPG'));
  a = await startAtelier({ empty: true, commands: [['import', '--copy', dir]] });
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('a RAW and its JPEG are one card with a count, the JPEG on top', async () => {
  await expect(cards(page)).toHaveCount(1);
  await expect(cards(page).first()).toHaveAccessibleName(/Open CRW_0304\.JPG/i);
  await expect(page.getByRole('grid').first()).toContainText('2 in stack');
  expect(a.cliJson<SearchPage>('search').total).toBe(1);
});

test('the Info tab shows the stack, its members labelled; Unstack makes two cards', async () => {
  await cards(page).first().click();
  const stack = page.getByRole('list', { name: 'Assets in this stack' });
  await expect(stack.getByRole('listitem')).toHaveCount(2);
  await expect(stack.getByRole('listitem').nth(0)).toContainText('JPEG');
  await expect(stack.getByRole('listitem').nth(1)).toContainText('RAW');
  await shot(page, 'stack-info');
  await page.getByRole('button', { name: 'Unstack' }).click();
  await expect(stack).toBeHidden();
  await expect.poll(() => a.cliJson<SearchPage>('search').total).toBe(2);
  await page.keyboard.press('Escape');
  await expect(cards(page)).toHaveCount(2);
});

test('Stack from the bulk bar: the picked cards become one, the first picked on top', async () => {
  const bar = page.getByRole('toolbar', { name: 'Selection actions' });
  const boxes = page.getByRole('grid').getByRole('checkbox');
  await boxes.nth(0).check({ force: true });
  await expect(bar.getByRole('button', { name: 'Stack' })).toHaveAttribute('aria-disabled', 'true');
  await boxes.nth(1).check({ force: true });
  await expect(bar).toContainText('2 selected');
  await bar.getByRole('button', { name: 'Stack' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('Stacked');
  await expect(cards(page)).toHaveCount(1);
  await expect(page.getByRole('grid').first()).toContainText('2 in stack');
  expect(a.cliJson<SearchPage>('search').total).toBe(1);
});

test('a RAW and its JPEG uploaded from the browser stack as an import does', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-stack-upload-'));
  // The committed RAW again, made a different file (a byte appended after its data: readers
  // ignore it) so that it is new to the library.
  writeFileSync(path.join(dir, 'DSC_0042.KDC'), Buffer.concat([readFileSync(path.join(CORPUS, 'raw/real/Kodak_DC120__P003913.KDC')), Buffer.from([0])]));
  copyFileSync(path.join(CORPUS, 'photos/digicam/Nikon_D90__DSC_0001.JPG'), path.join(dir, 'DSC_0042.JPG'));
  await page.getByRole('button', { name: 'Upload to library' }).click();
  const dlg = page.getByRole('dialog', { name: 'Upload to library' });
  await dlg.getByLabel('Choose files').setInputFiles([path.join(dir, 'DSC_0042.KDC'), path.join(dir, 'DSC_0042.JPG')]);
  await dlg.getByRole('button', { name: 'Upload 2 files' }).click();
  await expect(page.getByRole('region', { name: 'Uploads' }).getByRole('status')).toHaveText('2 imported', { timeout: 30_000 });
  await expect.poll(() => a.cliJson<SearchPage>('search', 'DSC_0042').total).toBe(1);
  const card = a.cliJson<SearchPage>('search', 'DSC_0042').items[0]!;
  expect(card.name).toBe('DSC_0042.JPG');
  expect(card.stack_count).toBe(2);
});
