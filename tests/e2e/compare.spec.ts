// Compare (issue 14, feature 1): two to six picked photos side by side — the select and the
// candidates; ← → choose the active pane, 0–5 / P X U / 6–9 rate, flag and label it, Enter makes
// the active candidate the select, Z zooms every pane to 100 % and scrolling one pans them all.
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

const view = () => page.getByRole('dialog', { name: /^Compare \d assets/ });
const pane = (i: number) => view().locator('section.pane').nth(i);
const byName = (name: string) => a.cliJson<SearchPage>('search', name.replace(/\.[^.]+$/, ''), '--limit', '1').items[0]!;

test('C with one card says what it needs; the bulk bar opens three side by side', async () => {
  await cards(page).first().focus();
  await page.keyboard.press('c');
  await expect(page.getByRole('region', { name: 'Notifications' })).toContainText('Select 2 to 6 cards');
  const boxes = page.getByRole('grid').getByRole('checkbox');
  for (const i of [0, 1, 2]) await boxes.nth(i).check({ force: true });
  await page.getByRole('toolbar', { name: 'Selection actions' }).getByRole('button', { name: 'Compare' }).click();
  await expect(view()).toBeVisible();
  await expect(view().locator('section.pane')).toHaveCount(3);
  await expect(pane(0)).toHaveAttribute('aria-label', /^Select: /);
  await expect(pane(1)).toHaveAttribute('aria-label', /^Candidate 1: /);
  await shot(page, 'compare');
});

test('keys rate, flag and label the active pane; Enter makes it the select', async () => {
  await page.keyboard.press('ArrowRight');
  await expect(pane(1)).toHaveAttribute('aria-current', 'true');
  const candidate = (await pane(1).getAttribute('aria-label'))!.replace(/^Candidate 1: /, '');
  await page.keyboard.press('4');
  await page.keyboard.press('p');
  await page.keyboard.press('7');
  await expect.poll(() => byName(candidate).rating).toBe(4);
  await expect.poll(() => byName(candidate).flag).toBe('pick');
  await expect.poll(() => byName(candidate).label).toBe('yellow');
  await expect(pane(1)).toContainText('Pick');
  await page.keyboard.press('Enter');
  await expect(pane(0)).toHaveAttribute('aria-label', `Select: ${candidate}`);
});

test('Z zooms every pane; scrolling one pans the others; Esc closes', async () => {
  await page.keyboard.press('z');
  await expect(view().locator('.view.zoomed')).toHaveCount(3);
  // The previews are made on first request: wait until each pane has its picture.
  for (const i of [0, 1, 2]) {
    await expect.poll(() => pane(i).locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0), { timeout: 30_000 }).toBe(true);
  }
  const first = pane(0).locator('.view');
  await first.evaluate((el) => {
    el.scrollLeft = (el.scrollWidth - el.clientWidth) / 2;
    el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;
    el.dispatchEvent(new Event('scroll'));
  });
  await expect
    .poll(() => pane(1).locator('.view').evaluate((el) => Math.round((el.scrollLeft / Math.max(1, el.scrollWidth - el.clientWidth)) * 10)))
    .toBe(5);
  await shot(page, 'compare-zoomed');
  await page.keyboard.press('Escape');
  await expect(view()).toBeHidden();
  await expect(cards(page).first()).toBeVisible();
});
