// The Trash (issue 10): deleting moves assets to the Trash (Undo on the toast brings them back);
// the rail's Trash lists them with a count; Restore (the bar's, or the lightbox's) returns them as
// they were; Empty Trash asks first, then deletes for good.
import { test, expect, startAtelier, signIn, shot, cards, errorsOf, fixtures, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({ empty: true, commands: [['import', '--copy', fixtures('photos'), '--tag', 'keeper']] });
  page = await signIn(browser, a);
  await expect(cards(page).first()).toBeVisible();
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const bar = () => page.getByRole('toolbar', { name: 'Selection actions' });
const rail = () => page.getByRole('navigation', { name: 'Buckets' });
const toast = (text: string | RegExp) => page.getByRole('region', { name: 'Notifications' }).getByText(text);
const total = () => a.cliJson<SearchPage>('search').total;
const inTrash = () => a.cliJson<SearchPage>('trash', 'list').total;

async function selectFirst(n: number) {
  const boxes = page.getByRole('grid').getByRole('checkbox');
  await boxes.nth(0).check({ force: true });
  if (n > 1) await boxes.nth(n - 1).click({ force: true, modifiers: ['Shift'] });
  await expect(bar()).toContainText(`${n} selected`);
}

test('delete moves to the Trash, and Undo brings them back', async () => {
  const before = total();
  await selectFirst(2);
  await bar().getByRole('button', { name: 'Delete' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete 2 assets?' });
  await expect(confirm).toContainText('restored from there for 30 days');
  await confirm.getByRole('button', { name: 'Delete 2 assets' }).click();
  await expect(toast('All 2 deleted')).toBeVisible();
  expect(total()).toBe(before - 2);
  expect(inTrash()).toBe(2);
  await page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Undo' }).click();
  await expect(toast('Undone: deleted (2 assets)')).toBeVisible();
  expect(total()).toBe(before);
  expect(inTrash()).toBe(0);
});

test('the Trash lists what was deleted; Restore returns it as it was', async () => {
  const before = total();
  await selectFirst(3);
  await bar().getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: 'Delete 3 assets?' }).getByRole('button', { name: 'Delete 3 assets' }).click();
  await expect(toast('All 3 deleted')).toBeVisible();
  const trash = rail().getByRole('button', { name: /Trash/ });
  await expect(trash).toContainText('3');
  await trash.click();
  await expect(page.getByRole('heading', { name: 'Trash' })).toBeVisible();
  await expect(cards(page)).toHaveCount(3);
  await shot(page, 'trash');
  await selectFirst(1);
  await bar().getByRole('button', { name: 'Restore' }).click();
  await expect(toast('1 asset restored')).toBeVisible();
  await expect(cards(page)).toHaveCount(2);
  expect(total()).toBe(before - 2);
  const back = a.cliJson<SearchPage>('search', '--tag', 'keeper');
  expect(back.total).toBe(before - 2);
});

test('the lightbox in the Trash offers Restore, not Delete', async () => {
  const before = total();
  await cards(page).nth(0).click({ position: { x: 60, y: 60 } });
  const box = page.getByRole('dialog', { name: /^Lightbox/ });
  await expect(box).toBeVisible();
  await expect(box.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await box.getByRole('button', { name: 'Restore' }).click();
  await expect(toast('1 asset restored')).toHaveCount(2); // the bar's Restore's toast is still up
  expect(total()).toBe(before + 1);
  expect(inTrash()).toBe(1);
  await page.keyboard.press('Escape');
  await expect(cards(page)).toHaveCount(1);
});

test('Empty Trash asks first, then deletes for good', async () => {
  await page.getByRole('button', { name: 'Empty Trash' }).click();
  const confirm = page.getByRole('dialog', { name: 'Empty the Trash?' });
  await expect(confirm).toContainText('1 asset');
  await confirm.getByRole('button', { name: 'Empty Trash' }).click();
  await expect(toast(/deleted for good/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'The Trash is empty' })).toBeVisible();
  expect(inTrash()).toBe(0);
  await expect(rail().getByRole('button', { name: /Trash/ })).not.toContainText('1');
});
