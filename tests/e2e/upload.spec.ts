// Import and upload (issue items 2 and 10): the Import dialog uploads picked files into a project
// with brand, tags and collection, shows per-file progress and outcomes (imported, already in the
// library, skipped, failed with the reason) with Retry; files dropped anywhere on the window upload
// into the current project; new assets appear in the grid without a reload.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, CORPUS, FIXTURES, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

const files = {
  png: path.join(CORPUS, 'formats/file-type/file-type__fixture_fixture.png'),
  suite: path.join(CORPUS, 'formats/pngsuite/pngsuite__PngSuite.png'),
  corrupt: path.join(CORPUS, 'corrupt/file-type/file-type__fixture_fixture-corrupt.png'),
  text: path.join(FIXTURES, '../LICENSES.md'),
  duplicate: path.join(CORPUS, 'photos/digicam/Nikon_D90__DSC_0001.JPG'),
  dropped: path.join(CORPUS, 'formats/pngsuite/pngsuite__png_basi2c08.png'),
};

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({
    folders: ['photos'],
    commands: [
      ['brand', 'create', 'Acme'],
      ['collection', 'create', 'Inbound', '--brand', 'Acme'],
      ['project', 'create', 'Studio day'],
    ],
  });
  page = await signIn(browser, a);
  await expect(cards(page).first()).toBeVisible();
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const panel = () => page.getByRole('region', { name: 'Uploads' });

test('the Import dialog uploads with project, brand, tags and collection; outcomes per file', async () => {
  await page.getByRole('button', { name: 'Upload to library' }).click();
  const dlg = page.getByRole('dialog', { name: 'Upload to library' });
  await dlg.getByLabel('Choose files').setInputFiles([files.png, files.suite, files.corrupt, files.text, files.duplicate]);
  await expect(dlg.getByRole('list', { name: 'Files to upload' }).getByRole('listitem')).toHaveCount(5);
  await dlg.getByRole('combobox', { name: 'Project' }).selectOption('Studio day');
  await dlg.getByRole('combobox', { name: 'Brand' }).selectOption('Acme');
  await dlg.getByRole('combobox', { name: 'Collection' }).selectOption('Inbound');
  const tag = dlg.getByRole('combobox', { name: 'Add a tag' });
  await tag.fill('upload-test');
  await tag.press('Enter');
  await shot(page, 'upload-dialog');
  await dlg.getByRole('button', { name: 'Upload 5 files' }).click();
  await expect(dlg).toBeHidden();

  await expect(panel().getByRole('status')).toHaveText('2 imported · 1 already in the library · 1 skipped · 1 failed', { timeout: 30_000 });
  await expect(panel()).toContainText('Corrupt or truncated PNG');
  await expect(panel()).toContainText('Not a supported image or video');
  await expect(panel().getByRole('button', { name: `Retry ${path.basename(files.corrupt)}` })).toBeVisible();
  await shot(page, 'upload-panel');
  // The tray never covers the rail's Upload to library; Hide folds it to one line.
  const rail = page.getByRole('button', { name: 'Upload to library' });
  const uncovered = () =>
    rail.evaluate((b) => {
      const r = b.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return !!hit && b.contains(hit);
    });
  expect(await uncovered()).toBe(true);
  await panel().getByRole('button', { name: 'Hide' }).click();
  await expect(panel().getByRole('listitem')).toHaveCount(0);
  await expect(panel().getByRole('status')).toContainText('2 imported');
  expect(await uncovered()).toBe(true);
  await panel().getByRole('button', { name: 'Show' }).click();

  expect(a.cliJson<SearchPage>('search', '--tag', 'upload-test').total).toBe(2);
  expect(a.cliJson<SearchPage>('search', '--project', 'Studio day', '--source', 'uploaded').total).toBe(2);
  await expect.poll(() => a.cliJson<SearchPage>('search', '--brand', 'Acme', '--collection', 'Inbound').total).toBe(2);
});

test('new uploads show in the grid without a reload', async () => {
  await expect(page.getByRole('button', { name: /^All assets/ })).toContainText('38');
  await expect(cards(page).first()).toHaveAccessibleName(/Open (file-type__fixture_fixture|pngsuite__PngSuite)\.png/);
});

test('Retry sends a failed file again', async () => {
  await panel().getByRole('button', { name: `Retry ${path.basename(files.corrupt)}` }).click();
  await expect(panel().getByRole('status').first()).toHaveText('2 imported · 1 already in the library · 1 skipped · 1 failed');
  await panel().getByRole('button', { name: 'Dismiss upload summary' }).click();
  await expect(panel()).toBeHidden();
});

test('files dropped anywhere on the window upload into the current project', async () => {
  const bytes = readFileSync(files.dropped).toString('base64');
  const name = path.basename(files.dropped);
  const dt = await page.evaluateHandle(
    ({ bytes, name }) => {
      const bin = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
      const t = new DataTransfer();
      t.items.add(new File([bin], name, { type: 'image/png' }));
      return t;
    },
    { bytes, name },
  );
  await page.dispatchEvent('main', 'dragenter', { dataTransfer: dt });
  await expect(page.getByText('Drop to upload')).toBeVisible();
  await shot(page, 'upload-drop');
  await page.dispatchEvent('main', 'drop', { dataTransfer: dt });
  await expect(panel().getByRole('status')).toHaveText('1 imported', { timeout: 30_000 });
  const current = a.cliJson<SearchPage>('search', 'basi2c08').items[0]!;
  expect(current.project).toBe('Studio day');
});
