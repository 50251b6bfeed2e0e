// The Library: rail (buckets with live counts, collections tree with New/Rename/Move/Delete, Include
// nested, Search collections, drop to file), toolbar (search, Campaign, Tag Any/All, More with its
// count, summary line, Clear all keeps the brand), brand picker persistence, the grid and live
// refresh from changes made with the CLI, and the first-run state of an empty library.
import { test, expect, startAtelier, signIn, shot, cards, thumbnailsLoaded, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({
    commands: [
      ['brand', 'create', 'Acme'],
      ['collection', 'create', 'Shoots/2026/June', '--brand', 'Acme'],
      ['collection', 'create', 'References', '--brand', 'Acme'],
      ['campaign', 'create', 'Launch', '--brand', 'Acme'],
      ['move', '--text', 'canon', '--brand', 'Acme'],
      ['tag', 'add', 'camera', '--text', 'canon'],
      ['tag', 'add', 'client/acme', '--text', 'nikon'],
    ],
  });
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const rail = () => page.getByRole('complementary', { name: 'Library navigation' });
const bucket = (name: string) => rail().getByRole('button', { name: new RegExp(`^${name}`) });
const brandPicker = () => page.getByRole('combobox', { name: 'Brand' });

test('opens on a seeded library: thumbnails and live bucket counts', async () => {
  await expect(cards(page).first()).toBeVisible();
  expect(await thumbnailsLoaded(page, 8)).toBeGreaterThan(8);
  await expect(bucket('All assets')).toContainText('51');
  await expect(bucket('Recently added')).toContainText('51');
  await expect(bucket('Unfiled')).toContainText('51');
  await expect(page.getByRole('toolbar', { name: 'Filters' })).toContainText('51 assets');
  await expect(page.getByRole('grid', { name: 'All assets' })).toHaveAttribute('aria-rowcount', /\d+/);
  await shot(page, 'library');
});

test('hover shows the name and pixel dimensions', async () => {
  const first = cards(page).first();
  await first.hover();
  const card = page.locator('[role="gridcell"]').first();
  await expect(card.locator('.hover')).toBeVisible();
  await expect(card.locator('.dims')).toHaveText(/\d+ × \d+/);
});

test('search matches name parts, shows the summary line, and Clear all keeps the brand', async () => {
  const search = page.getByRole('searchbox', { name: 'Search', exact: true });
  await search.fill('canon');
  const summary = page.getByRole('status', { name: 'Active filters' });
  await expect(summary).toContainText('7 matches');
  await expect(cards(page)).toHaveCount(7);
  await expect(page.getByRole('combobox', { name: 'Sort' })).toHaveValue('relevance');
  await shot(page, 'library-search');
  await brandPicker().selectOption('Acme');
  await expect(summary).toContainText('7 matches');
  await summary.getByRole('button', { name: 'Clear all' }).click();
  await expect(summary).toBeHidden();
  await expect(search).toHaveValue('');
  await expect(brandPicker()).toHaveValue('Acme');
  await expect(cards(page)).toHaveCount(7);
});

test('the brand scope persists across reloads and scopes the counts', async () => {
  await page.reload();
  await expect(brandPicker()).toHaveValue('Acme');
  await expect(bucket('All assets')).toContainText('7');
  await brandPicker().selectOption('');
  await expect(bucket('All assets')).toContainText('51');
  await brandPicker().selectOption('Acme');
});

test('More filters show how many are on; Tag filter with Any and All', async () => {
  await brandPicker().selectOption('');
  await page.getByRole('button', { name: /^More/ }).click();
  const more = page.getByRole('dialog', { name: 'More filters' });
  await more.getByRole('checkbox', { name: 'Generated' }).check();
  await expect(page.getByRole('button', { name: /^More/ })).toContainText('1');
  const generated = a.cliJson<SearchPage>('search', '--source', 'generated', '--limit', '1').total;
  await expect(page.getByRole('status', { name: 'Active filters' })).toContainText(`${generated} match`);
  await more.getByRole('checkbox', { name: 'Generated' }).uncheck();
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: /^Tag/ }).click();
  const tags = page.getByRole('dialog', { name: 'Filter by tag' });
  await tags.getByRole('checkbox', { name: /camera/ }).check();
  await tags.getByRole('checkbox', { name: /client\/acme/ }).check();
  await expect(page.getByRole('status', { name: 'Active filters' })).toContainText('11 matches');
  await tags.getByText('All', { exact: true }).click();
  await expect(page.getByRole('status', { name: 'Active filters' })).toContainText('0 matches');
  await expect(page.getByText('No assets match')).toBeVisible();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(cards(page).first()).toBeVisible();
});

test('the Campaign filter narrows to one campaign', async () => {
  a.cli('campaign', 'add', 'Launch', '--brand', 'Acme', '--text', 'canon', '--json');
  await page.getByRole('combobox', { name: 'Campaign' }).selectOption('Launch');
  await expect(page.getByRole('status', { name: 'Active filters' })).toContainText('7 matches');
  await page.getByRole('button', { name: 'Clear all' }).click();
});

test('collections: new, nested counts, search, rename, move, delete', async () => {
  await brandPicker().selectOption('Acme');
  const tree = rail().getByRole('list', { name: 'Collections of Acme' });
  await expect(tree.getByRole('button', { name: /^Shoots/ })).toBeVisible();
  await expect(tree.getByRole('button', { name: /^June/ })).toBeVisible();

  // New top-level collection
  await rail().getByRole('button', { name: 'New collection' }).click();
  const dlg = page.getByRole('dialog', { name: 'New collection' });
  await dlg.getByRole('textbox', { name: 'Name' }).fill('Picks');
  await dlg.getByRole('button', { name: 'Create' }).click();
  await expect(tree.getByRole('button', { name: /^Picks/ })).toBeVisible();

  // Search collections keeps the matches' parents
  await rail().getByRole('searchbox', { name: 'Search collections' }).fill('jun');
  await expect(tree.getByRole('button', { name: /^June/ })).toBeVisible();
  await expect(tree.getByRole('button', { name: /^Picks/ })).toBeHidden();
  await rail().getByRole('searchbox', { name: 'Search collections' }).fill('');

  // Rename
  await tree.getByRole('button', { name: 'Actions for Picks' }).click();
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const rn = page.getByRole('dialog', { name: 'Rename collection' });
  await rn.getByRole('textbox', { name: 'Name' }).fill('Selects');
  await rn.getByRole('button', { name: 'Rename' }).click();
  await expect(tree.getByRole('button', { name: /^Selects/ })).toBeVisible();

  // Move under Shoots/2026
  await tree.getByRole('button', { name: 'Actions for Selects' }).click();
  await page.getByRole('menuitem', { name: 'Move…' }).click();
  const mv = page.getByRole('dialog', { name: /Move “Selects”/ });
  await mv.getByRole('combobox', { name: 'Move into' }).selectOption('Shoots/2026');
  await mv.getByRole('button', { name: 'Move' }).click();
  const list = await a.api<{ path: string }[]>('/api/collections?brand=Acme');
  expect(list.map((c) => c.path)).toContain('Shoots/2026/Selects');

  // Delete (assets stay)
  await tree.getByRole('button', { name: 'Actions for Selects' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: /Delete “Selects”/ }).getByRole('button', { name: 'Delete collection' }).click();
  await expect(tree.getByRole('button', { name: /^Selects/ })).toBeHidden();
  await shot(page, 'library-collections');
});

test('dragging a selection onto a collection files it; Include nested rolls up', async () => {
  const tree = rail().getByRole('list', { name: 'Collections of Acme' });
  await bucket('All assets').click();
  const boxes = page.getByRole('grid').getByRole('checkbox');
  await boxes.nth(0).check({ force: true });
  await boxes.nth(2).click({ force: true, modifiers: ['Shift'] });
  await expect(page.getByRole('toolbar', { name: 'Selection actions' })).toContainText('3 selected');
  const june = tree.locator('li', { has: page.getByRole('button', { name: /^June/ }) });
  await page.locator('[role="gridcell"]').nth(1).dragTo(june);
  await expect(page.getByRole('status').filter({ hasText: 'filed in June' })).toBeVisible();
  await expect(tree.getByRole('button', { name: /^June/ })).toContainText('3');
  const filed = a.cliJson<SearchPage>('search', '--brand', 'Acme', '--collection', 'Shoots/2026/June');
  expect(filed.total).toBe(3);
  await expect(bucket('Unfiled')).toContainText('4');

  await tree.getByRole('button', { name: /^Shoots/ }).click();
  await expect(cards(page)).toHaveCount(0);
  // A parent that holds nothing itself: no talk of filters; its count says 0 here, 3 nested; the
  // empty state offers Include nested.
  await expect(tree.getByRole('button', { name: /^Shoots/ })).toContainText('0+3');
  await expect(page.getByText('Nothing filed in Shoots yet')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Clear filters' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Include nested' }).click();
  await expect(rail().getByRole('checkbox', { name: 'Include nested' })).toBeChecked();
  await expect(cards(page)).toHaveCount(3);
  await expect(tree.getByRole('button', { name: /^Shoots/ })).toContainText('3');
  await rail().getByRole('checkbox', { name: 'Include nested' }).uncheck();
  await bucket('All assets').click();
});

test('a collection dragged onto another nests there, onto the heading goes to the top; right-click opens its menu', async () => {
  const tree = rail().getByRole('list', { name: 'Collections of Acme' });
  await a.api('/api/collections/create', { path: 'Moodboard', brand: 'Acme' });
  const mood = tree.getByRole('button', { name: /^Moodboard/ });
  await expect(mood).toBeVisible();
  const shoots = tree.locator('li', { has: page.getByRole('button', { name: /^Shoots/ }) }).first();
  await mood.dragTo(shoots);
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('Moved “Moodboard” into Shoots');
  await expect.poll(async () => (await a.api<{ path: string }[]>('/api/collections?brand=Acme')).map((c) => c.path)).toContain('Shoots/Moodboard');

  await tree.getByRole('button', { name: /^Moodboard/ }).click({ button: 'right' });
  await expect(page.getByRole('menuitem', { name: 'Move…' })).toBeVisible();
  await page.keyboard.press('Escape');

  await tree.getByRole('button', { name: /^Moodboard/ }).dragTo(rail().getByRole('heading', { name: 'Collections' }));
  await expect.poll(async () => (await a.api<{ path: string }[]>('/api/collections?brand=Acme')).map((c) => c.path)).toContain('Moodboard');
  await shot(page, 'library-collection-nested');
});

test('a collection shows the cover chosen for it; its menu gives back the automatic one', async () => {
  type Coll = { path: string; cover: string | null; cover_chosen: boolean };
  const tree = rail().getByRole('list', { name: 'Collections of Acme' });
  const june = async () => (await a.api<Coll[]>('/api/collections?brand=Acme')).find((c) => c.path === 'Shoots/2026/June')!;
  const automatic = (await june()).cover!;
  const filed = a.cliJson<SearchPage>('search', '--brand', 'Acme', '--collection', 'Shoots/2026/June');
  const other = filed.items.map((i) => i.id).find((id) => id !== automatic)!;
  await a.api('/api/collections/cover', { path: 'Shoots/2026/June', brand: 'Acme', asset: other });
  const cover = tree.getByRole('button', { name: /^June/ }).locator('img.cover');
  await expect(cover).toHaveAttribute('src', new RegExp(other));
  // Not filed there: refused with what is allowed.
  const unfiled = a.cliJson<SearchPage>('search', '--brand', 'Acme').items.map((i) => i.id).find((id) => !filed.items.some((f) => f.id === id))!;
  const refused = await page.evaluate(async (asset) => {
    const r = await fetch('/api/collections/cover', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: 'Shoots/2026/June', brand: 'Acme', asset }) });
    return { status: r.status, body: await r.json() };
  }, unfiled);
  expect(refused.status).toBe(400);
  expect(refused.body.code).toBe('cover_not_in_collection');

  await tree.getByRole('button', { name: /^June/ }).click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Automatic cover' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('shows its newest asset again');
  await expect(cover).toHaveAttribute('src', new RegExp(automatic));
  expect((await june()).cover_chosen).toBe(false);
  await tree.getByRole('button', { name: /^June/ }).click({ button: 'right' });
  await expect(page.getByRole('menuitem', { name: 'Automatic cover' })).toBeDisabled();
  await page.keyboard.press('Escape');
});

test('changes made elsewhere appear without a reload', async () => {
  await brandPicker().selectOption('');
  await page.getByRole('button', { name: /^More/ }).click();
  await page.getByRole('dialog', { name: 'More filters' }).getByRole('checkbox', { name: /5 stars/ }).check();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('status', { name: 'Active filters' })).toContainText('0 matches');
  a.cli('rate', '5', '--text', 'nikon', '--json');
  await expect(page.getByRole('status', { name: 'Active filters' })).toContainText('4 matches', { timeout: 10_000 });
  await expect(cards(page)).toHaveCount(4);
  await page.getByRole('button', { name: 'Clear all' }).click();
});

test('sort by captured date', async () => {
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('captured');
  await expect(cards(page).first()).toBeVisible();
  const firstCaptured = a.cliJson<SearchPage & { items: { name: string }[] }>('search', '--limit', '1', '--sort', 'captured');
  await expect(cards(page).first()).toHaveAccessibleName(`Open ${firstCaptured.items[0]!.name}`);
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('added');
});

test('a fresh, empty library greets with Upload', async ({ browser }) => {
  const empty = await startAtelier({ empty: true });
  try {
    const p = await signIn(browser, empty);
    await expect(p.getByRole('heading', { name: 'Welcome to Atelier' })).toBeVisible();
    await expect(p.getByRole('grid').getByRole('button', { name: 'Upload to library' })).toBeVisible();
    await expect(p.getByRole('button', { name: /^All assets/ })).toContainText('0');
    await shot(p, 'library-empty');
    await p.context().close();
  } finally {
    await empty.stop();
  }
});

test('cards say what the Caption setting asks — file name by default — and it is kept', async () => {
  await brandPicker().selectOption('');
  await bucket('All assets').click();
  const first = page.getByRole('gridcell').first();
  const name = (await cards(page).first().getAttribute('aria-label'))!.replace(/^Open /, '');
  const foot = first.locator('.foot');
  await expect(foot).toContainText(name);
  // Caption and card size live under View options (Lightroom's View Options).
  const viewOptions = page.getByRole('button', { name: 'View options' });
  await viewOptions.click();
  const caption = page.getByRole('combobox', { name: 'Caption' });
  await caption.selectOption('dimensions');
  await expect(foot).toContainText(/\d+ × \d+/);
  await caption.selectOption('captured');
  await expect(foot).not.toContainText(name);
  await caption.selectOption('none');
  await expect(foot).toHaveText('');
  await page.reload();
  await viewOptions.click();
  await expect(page.getByRole('combobox', { name: 'Caption' })).toHaveValue('none');
  await page.getByRole('combobox', { name: 'Caption' }).selectOption('name');
  // The size slider goes from a contact sheet to big pictures.
  const size = page.getByRole('slider', { name: 'Card size' });
  await expect(size).toHaveAttribute('min', '100');
  await expect(size).toHaveAttribute('max', '560');
  await shot(page, 'library-caption');
  await page.keyboard.press('Escape');
});

test('the smallest cards: Similar shrinks to its icon and the badges step aside', async () => {
  await page.getByRole('button', { name: 'View options' }).click();
  const size = page.getByRole('slider', { name: 'Card size' });
  await size.fill('100');
  await page.keyboard.press('Escape');
  const card = page.getByRole('gridcell').filter({ has: page.locator('.badge') }).first();
  await card.hover();
  const similar = card.getByRole('button', { name: /^Find similar/ });
  await expect(similar).toBeVisible();
  await expect(similar.locator('.similar-label')).toBeHidden();
  const badges = card.locator('.badges');
  await expect(badges).toHaveCSS('opacity', '0');
  await shot(page, 'library-smallest-cards');
  await page.getByRole('button', { name: 'View options' }).click();
  await size.fill('220');
  await page.keyboard.press('Escape');
});
