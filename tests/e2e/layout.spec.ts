// Long names and narrow windows (issue 14, defect 6): a brand with a 255-character name, at
// 1440×900, 1024×700 and 800×600 — the brand picker, the search and the page's buttons stay on
// screen, nothing scrolls sideways, long names wrap or are cut instead of pushing things out;
// the culling views (bulk bar, Compare, the lightbox's Info) and the Tags page too.
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);

const LONG = `Acme ${'Very Long Brand Name '.repeat(12)}`.slice(0, 255).trim();
let a: Atelier;

test.beforeAll(async () => {
  a = await startAtelier({ commands: [['brand', 'create', LONG]] });
});

test.afterAll(async () => {
  await a?.stop();
});

/** Whether `box` lies inside the window. */
function inside(page: Page, box: { x: number; y: number; width: number; height: number } | null): boolean {
  const v = page.viewportSize()!;
  return !!box && box.x >= 0 && box.y >= 0 && box.x + box.width <= v.width + 0.5 && box.y + box.height <= v.height + 0.5;
}

for (const size of [
  { width: 1440, height: 900 },
  { width: 1024, height: 700 },
  { width: 800, height: 600 },
]) {
  test(`at ${size.width}×${size.height}: the top bar, the library and a long brand's page fit`, async ({ browser }) => {
    const page = await signIn(browser, a, size);
    try {
      const picker = page.getByRole('combobox', { name: 'Brand' });
      await picker.selectOption(LONG);
      await expect(page.getByRole('grid')).toBeVisible();
      expect(inside(page, await picker.boundingBox()), 'the brand picker is on screen').toBe(true);
      const search = page.getByRole('searchbox', { name: 'Search', exact: true });
      const box = await search.boundingBox();
      expect(inside(page, box)).toBe(true);
      expect(box!.width, 'the search keeps room to type').toBeGreaterThanOrEqual(100);
      for (const section of ['Library', 'Projects', 'Brands', 'Review']) {
        const link = page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: section });
        expect(inside(page, await link.boundingBox()), `${section} is on screen`).toBe(true);
      }
      // Every filter, the sort and View options stay reachable (the toolbar wraps).
      const toolbar = page.getByRole('toolbar', { name: 'Filters' });
      for (const name of [/^Tag/, /^More/, /^File/, /^Dates/, 'Reverse order', 'View options']) {
        expect(inside(page, await toolbar.getByRole('button', { name }).boundingBox()), `${name} is on screen`).toBe(true);
      }
      expect(inside(page, await toolbar.getByRole('combobox', { name: 'Sort' }).boundingBox())).toBe(true);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await shot(page, `layout-library-${size.width}`);

      // The culling views: the bulk bar, Compare and the lightbox keep their controls on screen
      // (on All brands: the long-named brand holds nothing).
      await picker.selectOption('');
      await expect(cards(page).first()).toBeVisible();
      const boxes = page.getByRole('grid').getByRole('checkbox');
      for (const i of [0, 1]) await boxes.nth(i).check({ force: true });
      const bulk = page.getByRole('toolbar', { name: 'Selection actions' });
      await expect(bulk).toContainText('2 selected');
      for (const name of ['Compare', 'Stack']) {
        expect(inside(page, await bulk.getByRole('button', { name, exact: true }).boundingBox()), `bulk bar: ${name} is on screen`).toBe(true);
      }
      await bulk.getByRole('button', { name: 'Compare', exact: true }).click();
      const compare = page.getByRole('dialog', { name: /^Compare 2 assets/ });
      await expect(compare.locator('section.pane')).toHaveCount(2);
      for (const pane of await compare.locator('section.pane').all()) {
        expect(inside(page, await pane.boundingBox()), 'each Compare pane is on screen').toBe(true);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await shot(page, `layout-compare-${size.width}`);
      await page.keyboard.press('Escape');
      await expect(compare).toBeHidden();
      await page.keyboard.press('Escape'); // the selection
      await page.locator('[role="gridcell"]').first().click();
      const lightbox = page.getByRole('dialog', { name: /^Lightbox/ });
      const info = lightbox.getByRole('tabpanel', { name: 'Info' });
      await expect(info).toBeVisible();
      for (const name of ['3 stars', 'Pick']) {
        const control = info.getByRole('button', { name, exact: true });
        await control.scrollIntoViewIfNeeded();
        expect(inside(page, await control.boundingBox()), `lightbox Info: ${name} is on screen`).toBe(true);
      }
      // Its counter stays on one line (it wrapped to two at 800 px).
      const counter = lightbox.getByText(/^\d+ of \d+$/);
      const line = await counter.evaluate((el) => parseFloat(getComputedStyle(el).lineHeight) || 20);
      expect((await counter.boundingBox())!.height, 'the counter is one line').toBeLessThan(line * 1.9);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await shot(page, `layout-lightbox-${size.width}`);
      await page.keyboard.press('Escape');
      await expect(lightbox).toBeHidden();

      await page.goto(`${a.origin}/tags`);
      await expect(page.getByRole('heading', { name: 'Tags', level: 1 })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);

      await page.goto(`${a.origin}/brands/${encodeURIComponent(LONG)}`);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(LONG);
      for (const name of ['Show assets', 'Rename']) {
        expect(inside(page, await page.getByRole('button', { name }).boundingBox()), `${name} is on screen`).toBe(true);
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(size.width);
      await shot(page, `layout-brand-${size.width}`);
      expect(errorsOf(page)).toEqual([]);
    } finally {
      await page.context().close();
    }
  });
}
