// Keyboard (SPEC R17): arrows move, Space/Enter open, Esc closes or clears, 0–5 rate, P/X/U flag,
// / focuses search, Ctrl/Cmd-A selects all, Delete asks first, T focuses tags, F toggles fit in the
// lightbox, ? lists the shortcuts — and nothing fires while a text field has focus.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({ folders: ['photos'] });
  page = await signIn(browser, a);
  await expect(cards(page).first()).toBeVisible();
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const focusedCard = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? '');
const byName = (name: string) => a.cliJson<SearchPage>('search', name.replace(/^Open /, '').replace(/\.[^.]+$/, ''), '--limit', '1').items[0]!;

test('arrows move between cards; Space opens; ← → step; Esc closes', async () => {
  await cards(page).first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  const second = await cards(page).nth(2).getAttribute('aria-label');
  expect(await focusedCard()).toBe(second);
  await page.keyboard.press('ArrowDown');
  const cols = await page.getByRole('grid').getAttribute('aria-colcount');
  expect(await focusedCard()).toBe(await cards(page).nth(2 + Number(cols)).getAttribute('aria-label'));
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press(' ');
  const box = page.getByRole('dialog', { name: /^Lightbox/ });
  await expect(box).toBeVisible();
  await expect(box).toContainText('3 of 36');
  await page.keyboard.press('ArrowRight');
  await expect(box).toContainText('4 of 36');
  await page.keyboard.press('Escape');
  await expect(box).toBeHidden();
  expect(await focusedCard()).toBe(await cards(page).nth(3).getAttribute('aria-label'));
});

test('0–5 rate and P/X/U flag the card under the cursor', async () => {
  const name = await focusedCard();
  await page.keyboard.press('4');
  await expect.poll(() => byName(name).rating).toBe(4);
  await page.keyboard.press('0');
  await expect.poll(() => byName(name).rating).toBe(0);
  await page.keyboard.press('p');
  await expect.poll(() => byName(name).flag).toBe('pick');
  // The pick shows on the card without hovering it, and doesn't cover its selection box.
  await page.mouse.move(0, 0);
  const card = page.getByRole('gridcell').filter({ has: page.getByRole('button', { name, exact: true }) });
  await expect(card.getByLabel('Pick', { exact: true })).toBeVisible();
  const flagBox = (await card.getByLabel('Pick', { exact: true }).boundingBox())!;
  const selectBox = (await card.getByRole('checkbox').boundingBox())!;
  expect(flagBox.y > selectBox.y + selectBox.height || flagBox.x + flagBox.width < selectBox.x).toBe(true);
  await card.getByRole('checkbox').click();
  await expect(card.getByRole('checkbox')).toBeChecked();
  await card.getByRole('checkbox').click();
  await expect(card.getByRole('checkbox')).not.toBeChecked();
  await card.getByRole('button', { name, exact: true }).focus();
  await page.keyboard.press('x');
  await expect.poll(() => byName(name).flag).toBe('reject');
  await page.keyboard.press('u');
  await expect.poll(() => byName(name).flag).toBe('none');
});

test('the lightbox takes the same keys, and F toggles fit / 100 %', async () => {
  // A large picture, so that 100 % differs from fit.
  await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('Canon_EOS_RP');
  await expect(cards(page)).toHaveCount(1);
  await cards(page).first().focus();
  await page.keyboard.press('Enter');
  const box = page.getByRole('dialog', { name: /^Lightbox/ });
  await expect(box).toBeVisible();
  const name = (await box.locator('.title .name').textContent())!;
  await page.keyboard.press('5');
  await expect(box.getByRole('button', { name: '5 stars' })).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(() => byName(name).rating).toBe(5);
  await page.keyboard.press('f');
  await expect(box.locator('.zoom')).toHaveText('100 %');
  await page.keyboard.press('f');
  await expect(box.locator('.zoom')).toContainText('Fit');
  await page.keyboard.press('t');
  await expect(box.getByRole('combobox', { name: 'Add a tag' })).toBeFocused();
  await page.keyboard.type('p5x');
  await expect.poll(() => byName(name).flag).toBe('none');
  await page.keyboard.press('Enter');
  await expect(box.getByRole('list', { name: 'Tags of this asset' })).toContainText('p5x');
  await expect.poll(() => byName(name).rating).toBe(5);
  await page.getByRole('button', { name: 'Close' }).click();
  await page.getByRole('button', { name: 'Clear all' }).click();
  await expect(cards(page).nth(5)).toBeVisible();
});

test('T on a card opens the lightbox with its tag field ready', async () => {
  await cards(page).nth(2).focus();
  await page.keyboard.press('t');
  const box = page.getByRole('dialog', { name: /^Lightbox/ });
  await expect(box).toBeVisible();
  await expect(box.getByRole('combobox', { name: 'Add a tag' })).toBeFocused();
  await page.keyboard.type('from-grid');
  await page.keyboard.press('Enter');
  await expect(box.getByRole('list', { name: 'Tags of this asset' })).toContainText('from-grid');
  await expect.poll(() => a.cliJson<SearchPage>('search', '--tag', 'from-grid').total).toBe(1);
  await page.getByRole('button', { name: 'Close' }).click();
  await expect(box).toBeHidden();
});

test('/ focuses search and typing there triggers nothing', async () => {
  await cards(page).first().focus();
  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Search', exact: true });
  await expect(search).toBeFocused();
  await page.keyboard.type('3');
  await expect(page.getByRole('dialog', { name: /^Lightbox/ })).toBeHidden();
  expect(a.cliJson<SearchPage>('search', '--rating', '3').total).toBe(0);
  await search.press('Escape');
  await expect(search).toHaveValue('');
});

test('Ctrl/Cmd-A selects all, Esc clears, T opens the tag editor, Delete asks first', async () => {
  // The previous test's search ("3") may still be the loaded result set: wait for all of them.
  await expect(page.getByRole('toolbar', { name: 'Filters' })).toContainText('36 assets');
  await cards(page).first().focus();
  await page.keyboard.press('Control+a');
  const bar = page.getByRole('toolbar', { name: 'Selection actions' });
  await expect(bar).toContainText('36 selected');
  await page.keyboard.press('Escape');
  await expect(bar).toBeHidden();

  await page.keyboard.press('Shift+ArrowRight');
  await expect(bar).toContainText('2 selected');
  await page.keyboard.press('t');
  await expect(page.getByRole('dialog', { name: 'Tags of the selection' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Tags of the selection' })).toBeHidden();

  await cards(page).first().focus();
  await page.keyboard.press('Delete');
  const confirm = page.getByRole('dialog', { name: 'Delete 2 assets?' });
  await expect(confirm).toBeVisible();
  await shot(page, 'keyboard-delete-confirm');
  // Keys inside the dialog don't reach the grid.
  await page.keyboard.press('5');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(a.cliJson<SearchPage>('search').total).toBe(36);
  expect(a.cliJson<SearchPage>('search', '--rating', '5').total).toBe(1);
});

test('? lists the shortcuts', async () => {
  await cards(page).first().focus();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Toggle fit / 100 %');
  await shot(page, 'keyboard-help');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
});

test('Delete rejected: the view’s rejects, counted, confirmed, to the Trash', async () => {
  await page.getByRole('searchbox', { name: 'Search', exact: true }).fill('');
  await cards(page).first().focus();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('toolbar', { name: 'Selection actions' })).toHaveCount(0);
  const allAssets = page.getByRole('button', { name: /^All assets/ });
  await expect(allAssets).toContainText('36');
  await expect(page.getByRole('button', { name: /Delete \d+ rejected/ })).toHaveCount(0);
  // The second and the fifth card, reached with the arrows.
  await cards(page).first().focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('x');
  for (let i = 0; i < 3; i += 1) await page.keyboard.press('ArrowRight');
  await page.keyboard.press('x');
  const button = page.getByRole('button', { name: 'Delete 2 rejected' });
  await expect(button).toBeVisible();
  await button.click();
  const confirm = page.getByRole('dialog', { name: 'Delete 2 rejected assets?' });
  await expect(confirm).toContainText('Trash');
  await confirm.getByRole('button', { name: 'Delete 2 rejected assets' }).click();
  await expect(allAssets).toContainText('34');
  await expect(button).toHaveCount(0);
  expect(a.cliJson<SearchPage>('search', '--flag', 'reject').total).toBe(0);
  expect(a.cliJson<SearchPage>('trash', 'list').total).toBe(2);
});
