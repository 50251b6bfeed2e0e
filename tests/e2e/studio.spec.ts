// Signing the library in to a studio from the app (issue 11): the top bar's *Sign in to a
// studio*, against a real `atelier-studio` on 127.0.0.1. Bad addresses and passwords are said in
// the panel and change nothing. Signing in binds the library, the indicator says "Up to date"
// and the credential is in the OS keyring — the Secret Service when CI runs this spec a second
// time inside a session (scripts/test.sh), the kernel keyring otherwise — never a plain file;
// Sign out leaves the library bound and signed out.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test, expect, startAtelier, signIn, shot, errorsOf, BIN, type Atelier } from './atelier';
import type { Page } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

const STUDIO_BIN = process.env.ATELIER_STUDIO_BIN ?? path.join(path.dirname(BIN), 'atelier-studio');
const PASSWORD = 'correct horse battery staple';
const inSession = !!process.env.ATELIER_SECRET_SERVICE;

let a: Atelier;
let page: Page;
let studio: ChildProcess;
let studioUrl: string;
let studioDir: string;

test.beforeAll(async ({ browser }) => {
  studioDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-studio-'));
  execFileSync(
    STUDIO_BIN,
    ['init', '--data', studioDir, '--owner', 'olive@studio.test', '--name', 'Olive Owner', '--studio', 'Test Studio', '--password-stdin'],
    { input: `${PASSWORD}\n` },
  );
  studio = spawn(STUDIO_BIN, ['serve', '--data', studioDir, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  studioUrl = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: studio.stdout! });
    const timer = setTimeout(() => reject(new Error('atelier-studio serve printed nothing in 20 s')), 20_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected first line from atelier-studio: ${line}`));
    });
  });
  a = await startAtelier({ empty: true });
  page = await signIn(browser, a);
});

test.afterAll(async () => {
  const errors = page ? errorsOf(page) : [];
  await page?.context().close();
  await a?.stop();
  studio?.kill('SIGTERM');
  rmSync(studioDir, { recursive: true, force: true });
  expect(errors, 'uncaught errors in the page').toEqual([]);
});

const indicator = () => page.getByRole('banner').getByRole('button', { name: /Sign in to a studio|Up to date|Syncing|Offline|Signed out/ });
const panel = () => page.getByRole('dialog', { name: 'Studio' });

async function fill(url: string, email: string, password: string) {
  await panel().getByLabel('Studio address').fill(url);
  await panel().getByLabel('Email').fill(email);
  await panel().getByLabel('Password').fill(password);
  await panel().getByRole('button', { name: 'Sign in', exact: true }).click();
}

test('a standalone library offers Sign in to a studio; bad input is said and changes nothing', async () => {
  await expect(indicator()).toHaveText(/Sign in to a studio/);
  await indicator().click();
  await expect(panel()).toBeVisible();
  await fill(studioUrl, 'olive@studio.test', 'wrong password');
  await expect(panel().getByRole('alert')).toContainText('the studio says');
  await fill('http://127.0.0.1:9', 'olive@studio.test', PASSWORD);
  await expect(panel().getByRole('alert')).toContainText("can't be reached");
  expect(a.cliJson<{ connection: string }>('studio', 'status').connection).toBe('standalone');
});

test('signing in binds the library, the indicator says up to date; sign out', async () => {
  await fill(studioUrl, 'Olive@Studio.test', PASSWORD);
  await expect(page.getByRole('region', { name: 'Notifications' }).getByText('Signed in to Test Studio as Olive Owner')).toBeVisible();
  await expect(indicator()).toHaveText(/Up to date/);
  await indicator().click();
  await expect(panel()).toContainText('Olive Owner');
  await expect(panel()).toContainText('owner');
  await expect(panel()).toContainText(inSession ? 'kept in the Secret Service keyring' : 'kept in the kernel keyring');
  await shot(page, 'studio-signed-in');
  const s = a.cliJson<{ connection: string; user: { email: string } }>('studio', 'status');
  expect(s.connection).toBe('online');
  expect(s.user.email).toBe('olive@studio.test');
  await panel().getByRole('button', { name: 'Sign out' }).click();
  await expect(indicator()).toHaveText(/Signed out/);
  expect(a.cliJson<{ connection: string }>('studio', 'status').connection).toBe('signed_out');
});

test('the Studio page: members, an invitation with its link, revoke; the last Owner stays', async () => {
  // Signed out, the panel stays open on its sign-in form.
  if (!(await panel().isVisible())) await indicator().click();
  await fill(studioUrl, 'olive@studio.test', PASSWORD);
  await expect(indicator()).toHaveText(/Up to date/);
  await indicator().click();
  await panel().getByRole('link', { name: 'Members and devices' }).click();
  await expect(page.getByRole('heading', { name: 'Studio', level: 1 })).toBeVisible();
  const members = page.getByRole('region', { name: 'Members' });
  await expect(members).toContainText('olive@studio.test');

  const invitations = page.getByRole('region', { name: 'Invitations' });
  await invitations.getByLabel('Email').fill('bob@studio.test');
  await invitations.getByRole('button', { name: 'Invite' }).click();
  const link = invitations.getByLabel(/Link for bob@studio.test/);
  await expect(link).toHaveValue(new RegExp(`^${studioUrl}/invite/`));
  const row = invitations.getByRole('row', { name: /bob@studio.test/ });
  await expect(row).toContainText('Pending');
  await shot(page, 'studio-page');
  // The link works without the app: the studio's own page answers it.
  const res = await fetch(await link.inputValue());
  expect(res.status).toBe(200);
  expect(await res.text()).toContain('bob@studio.test');
  await row.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked');
  expect((await fetch(await link.inputValue())).status).toBe(404);

  // The last Owner can't become a Member: the studio refuses and says so.
  await members.getByLabel('Role of olive@studio.test').selectOption('member');
  await expect(page.getByRole('region', { name: 'Notifications' }).getByText(/Owner/).last()).toBeVisible();
  await expect(members.getByLabel('Role of olive@studio.test')).toHaveValue('owner');

  const devices = page.getByRole('region', { name: 'Your devices' });
  await expect(devices).toContainText('this library');
});

test('sign in through the browser: the studio’s page approves this computer, the app finishes by itself', async () => {
  await page.goto(`${a.origin}/`);
  await indicator().click();
  await panel().getByRole('button', { name: 'Sign out' }).click();
  await expect(indicator()).toHaveText(/Signed out/);
  if (!(await panel().isVisible())) await indicator().click();
  await panel().getByLabel('Studio address').fill(studioUrl);
  await panel().getByRole('button', { name: 'Sign in with the browser' }).click();
  const open = panel().getByRole('link', { name: 'Open the studio’s sign-in page' });
  await expect(open).toBeVisible();
  const loginUrl = (await open.getAttribute('href'))!;
  expect(loginUrl).toMatch(new RegExp(`^${studioUrl}/login/`));
  // The person, in their browser: the page names this computer; signing in allows it.
  const pageHtml = await (await fetch(loginUrl)).text();
  expect(pageHtml).toContain('Atelier (desktop)');
  const res = await fetch(loginUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: 'olive@studio.test', password: PASSWORD, action: 'approve' }).toString(),
  });
  expect(res.status).toBe(200);
  await expect(indicator()).toHaveText(/Up to date/, { timeout: 15_000 });
  expect(a.cliJson<{ connection: string }>('studio', 'status').connection).toBe('online');
});

test('no keyring: the panel says so and offers a sign-in for this session only, kept in memory', async ({ browser }) => {
  const before = process.env.ATELIER_KEYRING;
  process.env.ATELIER_KEYRING = 'none'; // the served app finds no keyring (read at each open)
  const b = await startAtelier({ empty: true });
  if (before === undefined) delete process.env.ATELIER_KEYRING;
  else process.env.ATELIER_KEYRING = before;
  const p = await signIn(browser, b);
  try {
    const ind = p.getByRole('banner').getByRole('button', { name: /Sign in to a studio|Up to date|Signed out/ });
    const pan = p.getByRole('dialog', { name: 'Studio' });
    await ind.click();
    await pan.getByLabel('Studio address').fill(studioUrl);
    await pan.getByLabel('Email').fill('olive@studio.test');
    await pan.getByLabel('Password').fill(PASSWORD);
    await pan.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(pan.getByRole('alert')).toContainText('no keyring is available');
    expect(b.cliJson<{ connection: string }>('studio', 'status').connection).toBe('standalone');
    await pan.getByLabel(/Sign in for this session only/).check();
    await pan.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(ind).toHaveText(/Up to date/);
    await ind.click();
    await expect(pan).toContainText('memory, for this session only');
    // Another process (the CLI) finds no credential: it was never written anywhere.
    expect(b.cliJson<{ connection: string }>('studio', 'status').connection).toBe('signed_out');
  } finally {
    await p.context().close();
    await b.stop();
  }
});
