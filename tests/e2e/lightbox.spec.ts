// The lightbox (SPEC R4): dark stage, click toggles fit/100 %, wheel zoom, ←/→ and on-screen arrows
// with "3 of 40", Esc; the Info tab edits name, rating (clicking the active star clears it), flag,
// tags (create inline), collections, campaigns (team brands only), and shows the read-only facts
// with the prompt and generation parameters and camera data; Download, Delete; no desktop-only
// actions in a browser.
import path from 'node:path';
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, FIXTURES, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({
    commands: [
      ['brand', 'create', 'Acme'],
      ['collection', 'create', 'Shoots/June', '--brand', 'Acme'],
      ['campaign', 'create', 'Launch', '--brand', 'Acme'],
      ['move', '--text', 'canon', '--brand', 'Acme'],
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

const box = () => page.getByRole('dialog', { name: /^Lightbox/ });
const info = () => box().getByRole('tabpanel', { name: 'Info' });
const search = () => page.getByRole('searchbox', { name: 'Search', exact: true });

test('opens from a card, counts, and steps with arrows and keys', async () => {
  await search().fill('canon');
  await expect(cards(page)).toHaveCount(7);
  await cards(page).nth(0).click();
  await expect(box()).toBeVisible();
  await expect(box()).toContainText('1 of 7');
  await expect(box().getByRole('img', { name: /Canon/ })).toBeVisible();
  await box().getByRole('button', { name: 'Next' }).click();
  await expect(box()).toContainText('2 of 7');
  await page.keyboard.press('ArrowRight');
  await expect(box()).toContainText('3 of 7');
  await page.keyboard.press('ArrowLeft');
  await expect(box()).toContainText('2 of 7');
  await expect(box().getByRole('button', { name: 'Previous' })).toBeEnabled();
  await shot(page, 'lightbox');
});

test('click toggles fit and 100 %, the wheel zooms, F toggles back', async () => {
  const stage = box().locator('.stage');
  await expect(stage).toContainText('Fit');
  await stage.click({ position: { x: 300, y: 300 } });
  await expect(stage.locator('.zoom')).toHaveText('100 %');
  // Drag pans the picture.
  const pic = stage.getByRole('img', { name: /Canon/ });
  const before100 = await pic.evaluate((el) => (el as HTMLElement).style.transform);
  const box0 = (await stage.boundingBox())!;
  await page.mouse.move(box0.x + 400, box0.y + 300);
  await page.mouse.down();
  await page.mouse.move(box0.x + 250, box0.y + 200, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => pic.evaluate((el) => (el as HTMLElement).style.transform)).not.toBe(before100);
  await expect(stage.locator('.zoom')).toHaveText('100 %');
  await stage.click({ position: { x: 300, y: 300 } });
  await expect(stage.locator('.zoom')).toContainText('Fit');
  const before = await stage.locator('.zoom').textContent();
  await stage.hover({ position: { x: 400, y: 300 } });
  await page.mouse.wheel(0, -400);
  await expect(stage.locator('.zoom')).not.toHaveText(before ?? '');
  await page.keyboard.press('f');
  await expect(stage.locator('.zoom')).toContainText('Fit');
});

test('camera facts, and no desktop-only actions in a browser', async () => {
  await expect(info()).toContainText('Camera');
  await expect(info()).toContainText(/Exposure.*ƒ\//);
  await expect(info()).toContainText('Acme');
  await expect(box().getByRole('button', { name: 'Reveal in folder' })).toHaveCount(0);
  await expect(box().getByRole('button', { name: 'Open with' })).toHaveCount(0);
  await expect(box().getByRole('link', { name: 'Download' })).toHaveAttribute('href', /\/media\/original\/.+\?download$/);
});

test('rating: set, and clicking the active star clears it', async () => {
  const name = (await box().locator('.title .name').textContent())!.trim();
  const rating = () => a.cliJson<SearchPage>('search', name.replace(/\.JPG$/i, ''), '--limit', '1').items[0]!.rating;
  await info().getByRole('button', { name: '3 stars' }).click();
  await expect(info().getByRole('button', { name: '3 stars' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(rating).toBe(3);
  await info().getByRole('button', { name: '3 stars' }).click();
  await expect.poll(rating).toBe(0);
  await info().getByRole('button', { name: 'Pick' }).click();
  await expect(info().getByRole('button', { name: 'Pick' })).toHaveAttribute('aria-pressed', 'true');
});

test('tags: create inline and remove', async () => {
  const input = info().getByRole('combobox', { name: 'Add a tag' });
  await input.fill('colour-chart');
  await input.press('Enter');
  await expect(info().getByRole('list', { name: 'Tags of this asset' })).toContainText('colour-chart');
  expect(a.cliJson<SearchPage>('search', '--tag', 'colour-chart').total).toBe(1);
  await info().getByRole('button', { name: 'Remove tag colour-chart' }).click();
  await expect(info().getByRole('list', { name: 'Tags of this asset' })).toHaveCount(0);
  expect(a.cliJson<SearchPage>('search', '--tag', 'colour-chart').total).toBe(0);
});

test('collections and campaigns of a team-brand asset', async () => {
  await info().getByRole('combobox', { name: 'Add to collection' }).selectOption('Shoots/June');
  await expect(info().getByRole('button', { name: 'Remove from collection Shoots/June' })).toBeVisible();
  // This asset as the collection's cover, then the automatic one again.
  type Coll = { path: string; cover: string | null; cover_chosen: boolean };
  const june = async () => (await a.api<Coll[]>('/api/collections?brand=Acme')).find((c) => c.path === 'Shoots/June')!;
  await info().getByRole('button', { name: 'Make this the cover of Shoots/June' }).click();
  const chosen = info().getByRole('button', { name: /^Cover of Shoots\/June/ });
  await expect(chosen).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await june()).cover_chosen).toBe(true);
  await chosen.click();
  await expect(info().getByRole('button', { name: 'Make this the cover of Shoots/June' })).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await june()).cover_chosen).toBe(false);
  await info().getByRole('combobox', { name: 'Add to campaign' }).selectOption('Launch');
  await expect(info().getByRole('button', { name: 'Remove from campaign Launch' })).toBeVisible();
  expect(a.cliJson<SearchPage>('search', '--brand', 'Acme', '--campaign', 'Launch').total).toBe(1);
  await shot(page, 'lightbox-info');
});

test('rename from the Info tab', async () => {
  const field = info().getByRole('textbox', { name: 'File name' });
  await field.fill('chart-hero.jpg');
  await field.press('Enter');
  await expect(box().locator('.title .name')).toHaveText('chart-hero.jpg');
  expect(a.cliJson<SearchPage>('search', 'chart-hero').total).toBe(1);
});

test('Esc closes; a generated PNG shows its prompt and parameters; Personal assets have no campaigns', async () => {
  await page.keyboard.press('Escape');
  await expect(box()).toBeHidden();
  await search().fill('lora');
  await expect(cards(page).first()).toHaveAccessibleName(/lora/i);
  await cards(page).first().click();
  await expect(info()).toContainText('Generation');
  await expect(info()).toContainText('Model');
  await expect(info()).toContainText('Seed');
  await expect(info().getByRole('button', { name: 'Copy prompt' })).toBeVisible();
  await expect(info().getByRole('combobox', { name: 'Add to campaign' })).toHaveCount(0);
  await expect(info()).toContainText('Personal');
  await shot(page, 'lightbox-generated');
});

test('delete from the lightbox asks first', async () => {
  const before = a.cliJson<SearchPage>('search').total;
  await box().getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: /Delete “/ });
  await confirm.getByRole('button', { name: 'Delete asset' }).click();
  await expect.poll(() => a.cliJson<SearchPage>('search').total).toBe(before - 1);
});

test('a video the browser can’t play says so and offers the file', async () => {
  const mpg = path.join(FIXTURES, 'video/real/Sony_FD100__MVC-008V.MPG');
  a.cli('import', mpg);
  await search().fill('MVC-008V');
  await expect(cards(page)).toHaveCount(1);
  await cards(page).first().click();
  const said = box().getByRole('status').filter({ hasText: 'can’t play here' });
  await expect(said).toContainText('(MPG)');
  const download = said.getByRole('link', { name: 'Download' });
  await expect(download).toHaveAttribute('download', 'Sony_FD100__MVC-008V.MPG');
  const [file] = await Promise.all([page.waitForEvent('download'), download.click()]);
  expect(file.suggestedFilename()).toBe('Sony_FD100__MVC-008V.MPG');
  await shot(page, 'lightbox-video-unplayable');
  // The Info panel says what the file is (video facts, as ffprobe reads them).
  const info = box().getByRole('complementary', { name: 'Asset details' });
  for (const [k, v] of [['Video codec', 'MPEG-1'], ['Frame rate', '25 fps'], ['Bit rate', '191 kb/s'], ['Audio', 'MP2'], ['Duration', '0:01']]) {
    await expect(info.getByText(k, { exact: true })).toBeVisible();
    await expect(info).toContainText(v);
  }
  await box().getByRole('button', { name: 'Close' }).click();
  await expect(box()).toBeHidden();
  await search().fill('');
});

test('while the large preview is made, the stand-in says so', async () => {
  await page.route('**/media/preview/**', async (route) => {
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
  });
  // A picture not opened before in this session (the browser keeps previews it has shown).
  await search().fill('iphone');
  await expect(cards(page)).toHaveCount(4);
  await cards(page).last().click();
  const cue = box().getByRole('status').filter({ hasText: 'Loading preview…' });
  await expect(cue).toBeVisible();
  await shot(page, 'lightbox-loading-preview');
  await expect(cue).toBeHidden({ timeout: 10_000 });
  await page.unroute('**/media/preview/**');
  await box().getByRole('button', { name: 'Close' }).click();
  await expect(box()).toBeHidden();
  await search().fill('');
});
