// Long names and narrow windows (issue 14, defect 6): a brand with a 255-character name, at
// 1440×900, 1024×700 and 800×600 — the brand picker, the search and the page's buttons stay on
// screen, nothing scrolls sideways, long names wrap or are cut instead of pushing things out.
import { test, expect, startAtelier, signIn, shot, haveCorpus, SKIP_REASON, errorsOf, type Atelier } from './atelier';
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
