// The Review queue (SPEC R7.6): a card per brand with its pending count or "All clear"; the queue
// oldest first; the focused viewer with J/K/A/R/N, a note, a jump to the next undecided item after
// each decision, decided items dimmed; keys never act while typing in the note.
import { test, expect, startAtelier, signIn, shot, haveCorpus, SKIP_REASON, errorsOf, type Atelier, type SearchPage } from './atelier';
import type { Page } from '@playwright/test';

test.skip(!haveCorpus, SKIP_REASON);
test.describe.configure({ mode: 'serial' });

let a: Atelier;
let page: Page;

interface Summary {
  id: string;
  name: string;
  status: string;
  added_at: string;
}

test.beforeAll(async ({ browser }) => {
  a = await startAtelier({
    commands: [
      ['brand', 'create', 'Acme'],
      ['brand', 'create', 'Globex'],
      ['brand', 'kit', 'Acme', '--self-approval', 'on'],
      ['move', '--text', 'canon', '--brand', 'Acme'],
      ['review', 'submit', '--brand', 'Acme'],
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

const statusOf = (id: string) => a.cliJson<{ status: string }>('show', id).status;

test('brand cards show pending counts or All clear', async () => {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Review' }).click();
  await expect(page.getByRole('link', { name: 'Acme: 7 in review' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Globex: All clear' })).toBeVisible();
  await shot(page, 'review-cards');
});

test('the queue is oldest first, and A approves then jumps to the next undecided', async () => {
  await page.getByRole('link', { name: 'Acme: 7 in review' }).click();
  await expect(page).toHaveURL(/\/review\/Acme$/);
  const queue = page.getByRole('list', { name: 'Queue, oldest first' });
  await expect(queue.getByRole('listitem')).toHaveCount(7);
  await expect(page.getByText('1 of 7 · 7 undecided')).toBeVisible();

  const items = a.cliJson<SearchPage & { items: Summary[] }>('search', '--brand', 'Acme', '--status', 'in_review').items;
  const oldest = [...items].sort((x, y) => x.added_at.localeCompare(y.added_at));
  await expect(page.getByRole('heading', { level: 2, name: oldest[0]!.name })).toBeVisible();

  await page.keyboard.press('a');
  await expect(page.getByText('2 of 7 · 6 undecided')).toBeVisible();
  // A stray A can be taken back: nothing is sent for a few seconds, and the toast offers Undo.
  expect(statusOf(oldest[0]!.id)).toBe('in_review');
  await expect(page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Undo' })).toBeVisible();
  await expect.poll(() => statusOf(oldest[0]!.id), { timeout: 10_000 }).toBe('approved');
  await expect(queue.getByRole('button').nth(0)).toHaveClass(/decided/);
});

test('N writes a note, typing never triggers keys; J/K keep it; Ctrl+Enter requests changes with it', async () => {
  await page.keyboard.press('n');
  const note = page.getByRole('textbox', { name: /Note/ });
  await expect(note).toBeFocused();
  await note.type('Crop tighter; jarring colours');
  await expect(page.getByText('2 of 7 · 6 undecided')).toBeVisible();
  await note.press('Escape');
  // Stepping away and back keeps the note (the queue says a note is drafted).
  await page.keyboard.press('j');
  await expect(page.getByText('3 of 7 · 6 undecided')).toBeVisible();
  await expect(note).toHaveValue('');
  await expect(page.getByRole('list', { name: 'Queue, oldest first' })).toContainText('Note drafted');
  await page.keyboard.press('k');
  await expect(note).toHaveValue('Crop tighter; jarring colours');
  await note.focus();
  await note.press('Control+Enter');
  await expect(page.getByText('3 of 7 · 5 undecided')).toBeVisible();
  // The queue moves on at once; the decision reaches the catalog after its grace period.
  await expect.poll(() => a.cliJson<SearchPage>('search', '--brand', 'Acme', '--status', 'rejected').total, { timeout: 10_000 }).toBe(1);
  const rejected = a.cliJson<SearchPage>('search', '--brand', 'Acme', '--status', 'rejected');
  const log = await a.api<{ note: string | null; to: string }[]>(`/api/assets/${rejected.items[0]!.id}/review-log`);
  expect(log.at(-1)).toMatchObject({ to: 'rejected', note: 'Crop tighter; jarring colours' });
});

test('a stray decision is taken back with Ctrl+Z within its grace period: nothing is sent', async () => {
  const inReview = () => a.cliJson<SearchPage>('search', '--brand', 'Acme', '--status', 'in_review').total;
  expect(inReview()).toBe(5);
  await page.keyboard.press('a');
  await expect(page.getByText('4 of 7 · 4 undecided')).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(page.getByText('3 of 7 · 5 undecided')).toBeVisible();
  await page.waitForTimeout(5_500);
  expect(inReview()).toBe(5);
});

test('J and K move; modifiers do nothing; decided items keep their label', async () => {
  await page.keyboard.press('k');
  await expect(page.getByText('2 of 7 · 5 undecided')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve A' })).toBeDisabled();
  await page.keyboard.press('Control+j');
  await expect(page.getByText('2 of 7 · 5 undecided')).toBeVisible();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await expect(page.getByText('4 of 7 · 5 undecided')).toBeVisible();
  await page.getByRole('button', { name: 'Approve A' }).click();
  await expect(page.getByText('5 of 7 · 4 undecided')).toBeVisible();
  await shot(page, 'review-queue');
});

test('deciding the rest ends in "everything decided", and the card says All clear', async () => {
  for (let i = 0; i < 4; i += 1) await page.keyboard.press('a');
  await expect(page.getByText(/0 undecided/)).toBeVisible();
  await expect(page.getByText('Everything in this queue is decided.')).toBeVisible();
  // Leaving sends what waits at once.
  await page.goto(`${a.origin}/review`);
  await expect(page.getByRole('link', { name: 'Acme: All clear' })).toBeVisible({ timeout: 10_000 });
});
