// Undo and Redo (issue 14, defect 9): a key pressed on a selection says what it did and offers
// Undo; Ctrl/⌘+Z takes back the last organising action — each asset back to its own value, from
// the journal's before — and Ctrl/⌘+Shift+Z puts it back; a delete comes back from the Trash;
// a flag, a tag and a rename are undone too (the library's tests cover every kind of change).
import { test, expect, startAtelier, signIn, shot, cards, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({
    commands: [
      ['brand', 'create', 'Acme'],
      ['collection', 'create', 'Picks', '--brand', 'Acme'],
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

const bar = () => page.getByRole('toolbar', { name: 'Selection actions' });
const toasts = () => page.getByRole('region', { name: 'Notifications' });
const toast = (text: string | RegExp) => toasts().getByText(text);
const search = () => page.getByRole('searchbox', { name: 'Search', exact: true });
const ratingsOf = (text: string) =>
  a
    .cliJson<SearchPage>('search', text)
    .items.map((it) => it.rating)
    .sort()
    .join(',');

async function selectFirst(n: number) {
  const boxes = page.getByRole('grid').getByRole('checkbox');
  await boxes.nth(0).check({ force: true });
  if (n > 1) await boxes.nth(n - 1).click({ force: true, modifiers: ['Shift'] });
  await expect(bar()).toContainText(`${n} selected`);
}

test('3 on a selection says so; Undo puts back each card’s own rating; Ctrl+Shift+Z redoes', async () => {
  await search().fill('canon');
  await expect(cards(page)).toHaveCount(7);
  // Two of them rated already, differently: Undo must not flatten them to one value.
  const [first, second] = a.cliJson<SearchPage>('search', 'canon').items;
  a.cli('rate', '5', first!.id);
  a.cli('rate', '1', second!.id);
  const before = ratingsOf('canon');
  expect(before).toBe('0,0,0,0,0,1,5');

  await page.getByRole('grid').focus();
  await page.keyboard.press('Control+a');
  await expect(bar()).toContainText('7 selected');
  await page.keyboard.press('3');
  await expect(toast('All 7 rated 3★')).toBeVisible();
  await expect.poll(() => ratingsOf('canon')).toBe('3,3,3,3,3,3,3');
  await shot(page, 'undo-toast');
  await toasts().getByRole('button', { name: 'Undo' }).last().click();
  await expect(toast('Undone: rated 3★ (7 assets)')).toBeVisible();
  await expect.poll(() => ratingsOf('canon')).toBe(before);

  await page.keyboard.press('Control+Shift+z');
  await expect(toast('Redone: rated 3★ (7 assets)')).toBeVisible();
  await expect.poll(() => ratingsOf('canon')).toBe('3,3,3,3,3,3,3');
  await page.keyboard.press('Control+z');
  await expect.poll(() => ratingsOf('canon')).toBe(before);
  await page.keyboard.press('Escape');
});

test('Ctrl+Z after a flag and a tag: each taken back in turn, newest first', async () => {
  await selectFirst(2);
  await page.keyboard.press('p');
  await expect(toast('All 2 picked')).toBeVisible();
  await bar().getByRole('button', { name: 'Tags' }).click();
  const tags = page.getByRole('dialog', { name: 'Tags of the selection' });
  await tags.getByRole('combobox', { name: 'Add a tag' }).fill('hero');
  await tags.getByRole('combobox', { name: 'Add a tag' }).press('Enter');
  await expect(toast('All 2 tagged “hero”')).toBeVisible();
  await page.keyboard.press('Escape');
  expect(a.cliJson<SearchPage>('search', '--tag', 'hero').total).toBe(2);

  await page.getByRole('grid').focus();
  await page.keyboard.press('Control+z');
  await expect(toast('Undone: tagged “hero” (2 assets)')).toBeVisible();
  await expect.poll(() => a.cliJson<SearchPage>('search', '--tag', 'hero').total).toBe(0);
  await page.keyboard.press('Control+z');
  await expect(toast('Undone: picked (2 assets)')).toBeVisible();
  await expect.poll(() => a.cliJson<SearchPage>('search', 'canon', '--flag', 'pick').total).toBe(0);
  await page.keyboard.press('Escape');
});

test('a delete comes back from the Trash with Ctrl+Z', async () => {
  await search().fill('canon');
  await expect(cards(page)).toHaveCount(7);
  await selectFirst(3);
  await page.keyboard.press('Delete');
  await page.getByRole('dialog', { name: 'Delete 3 assets?' }).getByRole('button', { name: 'Delete 3 assets' }).click();
  await expect(toast('All 3 deleted')).toBeVisible();
  await expect(cards(page)).toHaveCount(4);
  await page.getByRole('grid').focus();
  await page.keyboard.press('Control+z');
  await expect(toast('Undone: deleted (3 assets)')).toBeVisible();
  await expect(cards(page)).toHaveCount(7);
  expect(a.cliJson<SearchPage>('search', 'canon').total).toBe(7);
});

test('a rename is undone from its toast; typing Ctrl+Z in a field stays the field’s', async () => {
  await cards(page).first().click();
  const box = page.getByRole('dialog', { name: /^Lightbox/ });
  await expect(box).toBeVisible();
  const field = box.getByRole('textbox', { name: 'File name' });
  const was = await field.inputValue();
  await field.fill('zanzibar-cover.jpg');
  await field.press('Enter');
  await expect(toast('Renamed to zanzibar-cover.jpg')).toBeVisible();
  expect(a.cliJson<SearchPage>('search', 'zanzibar').total).toBe(1);
  await toasts().getByRole('button', { name: 'Undo' }).last().click();
  await expect(toast(`Undone: renamed to zanzibar-cover.jpg (1 asset)`)).toBeVisible();
  await expect.poll(() => a.cliJson<SearchPage>('search', 'zanzibar').total).toBe(0);
  await expect(field).toHaveValue(was);
  // Ctrl+Z while typing in a field is the field's own: the app's history is left alone.
  const undone = await toasts().getByText(/^Undone:/).count();
  await field.fill(`${was}-draft`);
  await field.press('Control+z');
  await page.waitForTimeout(300);
  expect(await toasts().getByText(/^Undone:/).count()).toBe(undone);
  await field.press('Escape');
  await page.keyboard.press('Escape');
});
