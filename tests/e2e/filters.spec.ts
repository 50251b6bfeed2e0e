// Filters and sorts (issue 14, feature 3): at least N stars, colour labels (keys 6–9), camera,
// orientation, location, file type and dates from the toolbar; every sort both ways; all of it
// in the address bar and back after a reload — each count checked against the CLI's answer.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

type Facets = { cameras: { name: string; count: number }[]; lenses: unknown[]; file_types: { name: string; count: number }[] };

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({ folders: ['photos', 'exif'] });
  const some = a.cliJson<SearchPage>('search', '--limit', '6').items;
  a.cli('rate', '5', some[0]!.id);
  a.cli('rate', '4', some[1]!.id);
  a.cli('rate', '3', some[2]!.id);
  a.cli('rate', '2', some[3]!.id);
  page = await signIn(browser, a);
  await expect(cards(page).first()).toBeVisible();
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const total = () => page.getByRole('toolbar', { name: 'Filters' }).locator('.total');
const summary = () => page.getByRole('status', { name: 'Active filters' });
const cli = (...args: string[]) => a.cliJson<SearchPage>('search', ...args, '--limit', '1').total;
const shows = (n: number) => expect(total()).toHaveText(`${n} ${n === 1 ? 'asset' : 'assets'}`);

test('at least 3★ from More', async () => {
  await page.getByRole('button', { name: /^More/ }).click();
  await page.getByRole('combobox', { name: 'Rating at least' }).selectOption('3');
  await page.keyboard.press('Escape');
  await shows(cli('--min-rating', '3'));
  expect(cli('--min-rating', '3')).toBe(3);
  await expect(summary()).toContainText('★★★ and up');
  await summary().getByRole('button', { name: 'Clear all' }).click();
});

test('6 labels the card red; the Label filter finds it; 6 again takes it off', async () => {
  await cards(page).first().focus();
  const name = (await cards(page).first().getAttribute('aria-label'))!.replace(/^Open /, '');
  await page.keyboard.press('6');
  const card = page.getByRole('gridcell').filter({ has: page.getByRole('button', { name: `Open ${name}`, exact: true }) });
  await expect(card.getByLabel('Red label')).toBeVisible();
  await expect.poll(() => cli('--label', 'red')).toBe(1);
  await page.getByRole('button', { name: /^More/ }).click();
  await page.getByRole('dialog', { name: 'More filters' }).getByRole('checkbox', { name: 'Red' }).check();
  await page.keyboard.press('Escape');
  await shows(1);
  await shot(page, 'filters-label');
  await summary().getByRole('button', { name: 'Clear all' }).click();
  await cards(page).first().focus();
  await page.keyboard.press('6');
  await expect.poll(() => cli('--label', 'red')).toBe(0);
});

test('camera, orientation and location from File; dates from Dates', async () => {
  const facets = a.cliJson<Facets>('facets');
  const camera = facets.cameras.find((c) => c.count >= 2) ?? facets.cameras[0]!;
  await page.getByRole('button', { name: /^File/ }).click();
  const file = page.getByRole('dialog', { name: 'File filters' });
  await file.getByRole('group', { name: 'Camera' }).getByRole('checkbox', { name: new RegExp(`^${camera.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).check();
  await shows(camera.count);
  await shot(page, 'filters-file');
  await file.getByRole('group', { name: 'Camera' }).getByRole('checkbox', { name: new RegExp(`^${camera.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`) }).uncheck();
  await file.getByRole('checkbox', { name: 'Portrait' }).check();
  await shows(cli('--orientation', 'portrait'));
  await file.getByRole('checkbox', { name: 'Portrait' }).uncheck();
  await file.getByRole('radio', { name: 'With GPS position' }).check();
  const gps = cli('--gps', 'yes');
  expect(gps).toBeGreaterThan(0);
  await shows(gps);
  await file.getByRole('radio', { name: 'Any' }).check();
  await page.keyboard.press('Escape');

  await page.getByRole('button', { name: /^Dates/ }).click();
  const dates = page.getByRole('dialog', { name: 'Date filters' });
  await dates.getByLabel('Captured from').fill('2005-01-01');
  await dates.getByLabel('Captured to').fill('2012-12-31');
  await shows(cli('--captured-from', '2005-01-01', '--captured-to', '2012-12-31'));
  await page.keyboard.press('Escape');
  await expect(summary()).toContainText('Captured 2005-01-01 – 2012-12-31');
  await summary().getByRole('button', { name: 'Clear all' }).click();
});

test('sorts both ways, in the address bar, back after a reload', async () => {
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('name');
  const byName = a.cliJson<SearchPage>('search', '--sort', 'name', '--limit', '2').items;
  await expect(cards(page).first()).toHaveAttribute('aria-label', `Open ${byName[0]!.name}`);
  await page.getByRole('button', { name: 'Reverse order' }).click();
  const reversed = a.cliJson<SearchPage>('search', '--sort', 'name', '--reverse', '--limit', '2').items;
  await expect(cards(page).first()).toHaveAttribute('aria-label', `Open ${reversed[0]!.name}`);
  await expect(page.getByRole('button', { name: 'Reverse order' })).toHaveAttribute('aria-pressed', 'true');

  await page.getByRole('combobox', { name: 'Sort' }).selectOption('rating');
  await page.getByRole('button', { name: /^More/ }).click();
  await page.getByRole('combobox', { name: 'Rating at least' }).selectOption('2');
  await page.keyboard.press('Escape');
  await shows(4);
  // Reversed rating: fewest stars first.
  const firstRated = a.cliJson<SearchPage>('search', '--sort', 'rating', '--reverse', '--min-rating', '2', '--limit', '1').items[0]!;
  expect(firstRated.rating).toBe(2);
  await expect(cards(page).first()).toHaveAttribute('aria-label', `Open ${firstRated.name}`);
  expect(page.url()).toContain('sort=rating');
  expect(page.url()).toContain('order=reverse');
  expect(page.url()).toContain('min_rating=2');

  await page.reload();
  await shows(4);
  await expect(page.getByRole('combobox', { name: 'Sort' })).toHaveValue('rating');
  await expect(page.getByRole('button', { name: 'Reverse order' })).toHaveAttribute('aria-pressed', 'true');
  await expect(cards(page).first()).toHaveAttribute('aria-label', `Open ${firstRated.name}`);
  await expect(summary()).toContainText('★★ and up');
  await shot(page, 'filters-sorted');
});

test('Save search keeps the filters in the rail with a live count; Rename and Delete from its menu', async () => {
  // The reloaded page still shows 2★ and up, sorted by rating.
  await summary().getByRole('button', { name: 'Save search…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save this search' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Keepers');
  await dialog.getByRole('button', { name: 'Save search' }).click();
  const rail = page.getByRole('list', { name: 'Saved searches' });
  const keepers = rail.getByRole('button', { name: /^Keepers/ });
  await expect(keepers).toContainText('4');
  await expect(keepers).toHaveAttribute('aria-current', 'page');

  // Live: a rating made elsewhere moves the count.
  const unrated = a.cliJson<SearchPage>('search', '--rating', '0', '--limit', '1').items[0]!;
  a.cli('rate', '5', unrated.id);
  await expect(keepers).toContainText('5');

  await summary().getByRole('button', { name: 'Clear all' }).click();
  await expect(keepers).not.toHaveAttribute('aria-current', 'page');
  await keepers.click();
  await shows(5);
  await expect(page.getByRole('combobox', { name: 'Sort' })).toHaveValue('rating');
  await shot(page, 'saved-search');

  // A name already used is refused, saying why.
  await summary().getByRole('button', { name: 'Save search…' }).click();
  await page.getByRole('dialog', { name: 'Save this search' }).getByRole('textbox', { name: 'Name' }).fill('keepers');
  await page.getByRole('dialog', { name: 'Save this search' }).getByRole('button', { name: 'Save search' }).click();
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('already have a saved search named');

  await rail.getByRole('button', { name: 'Actions for Keepers' }).click();
  await page.getByRole('menuitem', { name: 'Rename…' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename “Keepers”' });
  await rename.getByRole('textbox', { name: 'Name' }).fill('Best of the shoot');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rail.getByRole('button', { name: /^Best of the shoot/ })).toBeVisible();
  await rail.getByRole('button', { name: 'Actions for Best of the shoot' }).click();
  await page.getByRole('menuitem', { name: 'Delete…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete saved search' }).click();
  await expect(page.getByRole('heading', { name: 'Saved searches' })).toBeHidden();
  expect(cli('--min-rating', '2')).toBe(5);
});
