// XMP write-back failures are shown (SPEC R2.6): a sidecar that can't be rewritten (not readable
// XMP) keeps its change queued, and the top bar says which sidecars are waiting and why.
import { test, expect, startAtelier, signIn, haveCorpus, SKIP_REASON, errorsOf, CORPUS, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

test.skip(!haveCorpus, SKIP_REASON);

let a: Atelier;
let page: Page;
let sidecar: string;

test.beforeAll(async ({ browser }) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-sidecars-'));
  copyFileSync(path.join(CORPUS, 'photos/digicam/Canon_PowerShot_G2__IMG_0301.JPG'), path.join(dir, 'IMG_0301.JPG'));
  sidecar = path.join(dir, 'IMG_0301.JPG.xmp');
  a = await startAtelier({ empty: true, commands: [['import', dir]] });
  writeFileSync(sidecar, '<x:xmpmeta><rdf:RDF><rdf:Description>');
  const id = a.cliJson<SearchPage>('search').items[0]!.id;
  a.cli('rate', '3', id);
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

test('a sidecar that cannot be written is listed with its reason, and left as it was', async () => {
  const warn = page.getByRole('button', { name: '1 XMP sidecar not written' });
  await expect(warn).toBeVisible();
  await warn.click();
  const list = page.getByRole('menu', { name: 'Sidecars not written' });
  await expect(list).toContainText(sidecar.replace(/\.xmp$/, ''));
  await expect(list).toContainText("its XML can't be read");
  expect(readFileSync(sidecar, 'utf8')).toBe('<x:xmpmeta><rdf:RDF><rdf:Description>');
});
