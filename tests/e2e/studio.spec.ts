// Signing the library in to a studio from the app (issue 11): the top bar's *Sign in to a
// studio*, against a real `atelier-studio` on 127.0.0.1. Bad addresses and passwords are said in
// the panel and change nothing. Signing in binds the library, the indicator says "Up to date"
// and the credential is in the OS keyring — the Secret Service when CI runs this spec a second
// time inside a session (scripts/test.sh), the kernel keyring otherwise — never a plain file;
// Sign out leaves the library bound and signed out. Two people of one studio: what one changes
// reaches the other's open app within seconds, and a change the studio refuses is listed in the
// *Couldn't sync* panel with its reason until discarded (R14.2). Sharing a project (issue 12):
// it appears under the member's Organization Projects, with the cards of the brand they belong
// to marked "On the studio", and leaves their app when unshared — live, without a reload. A
// campaign made public from its page (issue 13): the link with Copy and Preview, seen by another
// member's open app at once; the public page itself in Chromium with no cookie — grid, the
// lightbox page, Download and Download all, a phone's width —; Regenerate and Make private kill
// the old links.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { test, expect, startAtelier, serveLibrary, signIn, shot, errorsOf, BIN, type Atelier } from './atelier';
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

/** Serves the studio in `studioDir` on `listen`; resolves with its address. */
async function serveStudio(listen: string): Promise<string> {
  // Its public URL (campaign links) is the address it serves at.
  const args = ['serve', '--data', studioDir, '--listen', listen, '--public-url', `http://${listen}`];
  studio = spawn(STUDIO_BIN, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: studio.stdout! });
    const timer = setTimeout(() => reject(new Error('atelier-studio serve printed nothing in 20 s')), 20_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /serving at (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected first line from atelier-studio: ${line}`));
    });
  });
}

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Stops the studio and waits until it is gone (killed when it still waits for its open event
 * streams after 3 s). */
async function stopStudio(): Promise<void> {
  const proc = studio;
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 3000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGTERM');
  });
}

test.beforeAll(async ({ browser }) => {
  studioDir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-studio-'));
  execFileSync(
    STUDIO_BIN,
    ['init', '--data', studioDir, '--owner', 'olive@studio.test', '--name', 'Olive Owner', '--studio', 'Test Studio', '--password-stdin'],
    { input: `${PASSWORD}\n` },
  );
  studioUrl = await serveStudio(`127.0.0.1:${await freePort()}`);
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

const INDICATOR = /Sign in to a studio|Up to date|Syncing|Offline|Signed out|Revoked/;
const indicatorOf = (p: Page) => p.getByRole('banner').getByRole('button', { name: INDICATOR });
const indicator = () => indicatorOf(page);
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

  // The studio's plan limits reach the project settings, with the use against each (R9.5).
  a.cli('studio', 'limits', '--projects', '5', '--storage-per-project', '2GB');
  await page.keyboard.press('Escape');
  await page.goto(`${a.origin}/projects/Inbox/settings`);
  const usage = page.getByRole('region', { name: 'Storage and plan limits' });
  await expect(usage).toContainText(/Storage\s*0 bytes of 2\.0 GiB/, { timeout: 10_000 });
  await expect(usage).toContainText(/Your projects\s*0 of 5/);
  await expect(usage).toContainText('Set by your studio’s plan');
  a.cli('studio', 'limits', '--projects', 'none', '--storage-per-project', 'none');
  await expect(usage).toContainText('Your studio sets no limits', { timeout: 10_000 });

  await indicator().click();
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
    const ind = indicatorOf(p);
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

test('two people of one studio: changes arrive live; a refused change is listed with why until discarded', async ({ browser }) => {
  test.setTimeout(180_000);
  const MIA = 'mia@studio.test';
  const owner = await startAtelier({ empty: true });
  let member = await startAtelier({ empty: true });
  const memberLib = member.lib;
  const pages: Page[] = [];
  const open = async (at: Atelier) => {
    const p = await signIn(browser, at);
    pages.push(p);
    return p;
  };
  try {
    // Olive's library signs in; she invites Mia, who accepts on the studio's page.
    await owner.api('/api/studio/login', { url: studioUrl, email: 'olive@studio.test', password: PASSWORD });
    const invited = await owner.api<{ link: string }>('/api/studio/invite', { email: MIA, role: 'member' });
    const accepted = await fetch(invited.link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: MIA, mode: 'sign_up', display_name: 'Mia Member', password: PASSWORD, confirm: PASSWORD }).toString(),
    });
    expect(accepted.status).toBe(200);

    const op = await open(owner);
    await expect(indicatorOf(op)).toHaveText(/Up to date/, { timeout: 20_000 });

    // Mia signs her library in from her app's top bar.
    let mp = await open(member);
    await indicatorOf(mp).click();
    const mPanel = mp.getByRole('dialog', { name: 'Studio' });
    await mPanel.getByLabel('Studio address').fill(studioUrl);
    await mPanel.getByLabel('Email').fill(MIA);
    await mPanel.getByLabel('Password').fill(PASSWORD);
    await mPanel.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(indicatorOf(mp)).toHaveText(/Up to date/, { timeout: 20_000 });
    await mp.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Brands' }).click();
    await expect(mp.getByRole('heading', { name: 'Brands', level: 1 })).toBeVisible();
    await expect(mp.getByRole('link', { name: /Acme/ })).toHaveCount(0);

    // Olive makes a brand and adds Mia as its Manager, picking her from the studio's people.
    await owner.api('/api/brands/create', { name: 'Acme' });
    await op.goto(`${owner.origin}/brands/Acme/members`);
    const members = op.getByRole('region', { name: 'Members' });
    const person = members.getByRole('combobox', { name: 'Person' });
    await person.click();
    const options = op.getByRole('listbox', { name: 'People in the studio' }).getByRole('option');
    // Olive is already a member (its creator, Manager): only Mia is offered.
    await expect(options).toHaveText([/Mia Member\s*mia@studio.test/]);
    await person.fill('MIA');
    await person.press('ArrowDown');
    await person.press('Enter');
    await expect(person).toHaveValue(`Mia Member <${MIA}>`);
    await members.getByRole('form', { name: 'Add a member' }).getByRole('combobox', { name: /^Role/ }).selectOption('manager');
    await members.getByRole('button', { name: 'Add member' }).click();
    await expect(members.getByLabel(`Role of ${MIA}`)).toHaveValue('manager');
    await expect(members.getByRole('row', { name: /Mia Member/ })).toBeVisible();
    await expect(person).toHaveValue('');
    await expect(person).toBeDisabled(); // everyone in the studio is a member now
    await shot(op, 'studio-brand-members-picker');

    // Mia's open app follows without a reload.
    const acme = mp.getByRole('link', { name: /Acme/ });
    await expect(acme).toBeVisible({ timeout: 5_000 });
    await acme.click();
    await mp.getByRole('link', { name: 'Members', exact: true }).click();
    await expect(mp.getByRole('region', { name: 'Members' }).getByLabel('Role of olive@studio.test')).toHaveValue('manager');
    await expect(mp.getByRole('region', { name: 'Members' }).getByLabel(`Role of ${MIA}`)).toHaveValue('manager');
    await expect(indicatorOf(mp)).toHaveText(/^Up to date$/);

    // The studio goes away. Mia, Manager of Acme, changes its kit: it waits, said so.
    await stopStudio();
    await member.api('/api/brands/kit', { name: 'Acme', color: '#112233', ban: [], unban: [] });
    await expect(indicatorOf(mp)).toHaveText(/Offline — 1 waiting/, { timeout: 20_000 });
    await shot(mp, 'studio-sync-offline');
    // Mia closes her app with the change still waiting.
    await mp.context().close();
    await member.stop(true);

    // The studio is back; meanwhile Olive makes Mia a Viewer of Acme.
    await serveStudio(new URL(studioUrl).host);
    await op.getByRole('region', { name: 'Members' }).getByLabel(`Role of ${MIA}`).selectOption('viewer');
    await expect(op.getByRole('region', { name: 'Notifications' }).getByText(/is now a Viewer of Acme/)).toBeVisible();
    await expect
      .poll(async () => owner.api<{ state: string; pending: number }>('/api/studio/sync'), { timeout: 30_000 })
      .toMatchObject({ state: 'up_to_date', pending: 0 });
    await expect(indicatorOf(op)).toHaveText(/^Up to date$/);

    // Mia opens her app again: her kit change goes, the studio refuses it (she is a Viewer now).
    member = await serveLibrary(memberLib);
    mp = await open(member);
    await expect(indicatorOf(mp)).toHaveText(/Up to date\s*1 couldn’t sync/, { timeout: 20_000 });
    await expect(indicatorOf(mp)).toHaveAccessibleName('Up to date, 1 couldn’t sync');
    const refusals = await member.api<{ id: number; what: string; code: string; message: string }[]>('/api/studio/refusals');
    expect(refusals).toHaveLength(1);
    expect(refusals[0]!.code).toBe('forbidden');
    expect(refusals[0]!.what).toBe("Change the kit of 'Acme'");
    // Undone in her library.
    const brands = await member.api<{ name: string; color: string | null }[]>('/api/brands');
    expect(brands.find((b) => b.name === 'Acme')?.color).not.toBe('#112233');

    await indicatorOf(mp).click();
    const panel2 = mp.getByRole('dialog', { name: 'Studio' });
    await expect(panel2.getByRole('heading', { name: 'Up to date' })).toBeVisible();
    await expect(panel2).toContainText('Last synced just now');
    await expect(panel2).toContainText('0 changes waiting');
    const list = panel2.getByRole('region', { name: 'Couldn’t sync' });
    const entry = list.getByRole('listitem');
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText("Change the kit of 'Acme'");
    const reason = refusals[0]!.message;
    await expect(entry).toContainText(reason.charAt(0).toUpperCase() + reason.slice(1));
    await shot(mp, 'studio-couldnt-sync');
    // Retry sends it again as a new change: still a Viewer, it is refused again and comes back
    // with the reason of now.
    await entry.getByRole('button', { name: "Retry: Change the kit of 'Acme'" }).click();
    await expect(entry).toContainText("Change the kit of 'Acme' (sent again)", { timeout: 20_000 });
    await expect(entry).toHaveCount(1);
    expect(await member.api<{ code: string }[]>('/api/studio/refusals')).toMatchObject([{ code: 'forbidden' }]);
    await entry.getByRole('button', { name: "Discard: Change the kit of 'Acme' (sent again)" }).click();
    await expect(list).toContainText('Nothing failed to sync.');
    await expect(entry).toHaveCount(0);
    await expect(indicatorOf(mp)).toHaveText(/^Up to date$/);
    expect(await member.api('/api/studio/refusals')).toEqual([]);
    // Sync now asks at once; Esc closes the panel and gives the focus back.
    await panel2.getByRole('button', { name: 'Sync now' }).click();
    await expect(indicatorOf(mp)).toHaveText(/^Up to date$/);
    await mp.keyboard.press('Escape');
    await expect(panel2).toBeHidden();
    await expect(indicatorOf(mp)).toBeFocused();

    for (const p of pages) expect(errorsOf(p), 'uncaught errors in the page').toEqual([]);
  } finally {
    for (const p of pages) await p.context().close().catch(() => {});
    await owner.stop();
    await member.stop();
  }
});

test('a shared project reaches a brand member’s open app, and leaves it when unshared', async ({ browser }) => {
  test.setTimeout(180_000);
  const NOA = 'noa@studio.test';
  const owner = await startAtelier({});
  const member = await startAtelier({ empty: true });
  const pages: Page[] = [];
  try {
    await owner.api('/api/studio/login', { url: studioUrl, email: 'olive@studio.test', password: PASSWORD });
    const invited = await owner.api<{ link: string }>('/api/studio/invite', { email: NOA, role: 'member' });
    const accepted = await fetch(invited.link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: NOA, mode: 'sign_up', display_name: 'Noa Viewer', password: PASSWORD, confirm: PASSWORD }).toString(),
    });
    expect(accepted.status).toBe(200);
    // Olive's Canon photos go to a project "Canon" on a brand "Beta" Noa views.
    owner.cli('brand', 'create', 'Beta');
    owner.cli('brand', 'member', 'Beta', 'add', NOA, '--role', 'viewer');
    owner.cli('project', 'create', 'Canon');
    owner.cli('move', '--text', 'canon', '--brand', 'Beta');
    owner.cli('move', '--text', 'canon', '--project', 'Canon');
    const canon = owner.cliJson<{ total: number }>('search', '--project', 'Canon').total;
    expect(canon).toBeGreaterThan(0);

    await member.api('/api/studio/login', { url: studioUrl, email: NOA, password: PASSWORD });
    const mp = await signIn(browser, member);
    pages.push(mp);
    await mp.goto(`${member.origin}/projects`);
    const org = mp.getByRole('region', { name: /Organization Projects/ });
    await expect(org).toContainText('No shared projects yet', { timeout: 20_000 });

    // Olive shares it from the ⋮ menu.
    const op = await signIn(browser, owner);
    pages.push(op);
    await op.goto(`${owner.origin}/projects`);
    await op.getByRole('button', { name: 'Actions for Canon' }).click();
    await op.getByRole('menuitem', { name: 'Share with studio…' }).click();
    await op.getByRole('dialog', { name: /Share “Canon”/ }).getByRole('button', { name: 'Share project' }).click();
    await expect(op.getByRole('region', { name: 'Notifications' }).getByText('Shared “Canon”')).toBeVisible();

    // Noa's open app shows it under Organization Projects, as Olive's, with its photos.
    await expect(org.getByText('Shared by Olive Owner')).toBeVisible({ timeout: 20_000 });
    await expect(org.getByText(`${canon} asset`)).toBeVisible();
    await shot(mp, 'studio-organization-projects');
    await org.getByRole('link', { name: /Canon/ }).click();
    const cards = mp.locator('[role="gridcell"]');
    await expect(cards).toHaveCount(canon);
    await expect(cards.first().getByText('On the studio')).toBeVisible();
    // Olive's app sent the originals with their thumbnails: they fill Noa's grid without a reload.
    await expect(cards.locator('img.loaded')).toHaveCount(canon, { timeout: 30_000 });
    await shot(mp, 'studio-shared-grid');
    // In the lightbox, its thumbnail stands in until Noa downloads the original, on demand.
    await cards.first().click();
    const box = mp.getByRole('dialog', { name: /^Lightbox/ });
    await expect(box.getByRole('status').filter({ hasText: 'Only on the studio' })).toBeVisible();
    await shot(mp, 'studio-lightbox-remote');
    await box.getByRole('button', { name: 'Download original' }).click();
    await expect(box.getByRole('status').filter({ hasText: 'Only on the studio' })).toBeHidden({ timeout: 20_000 });
    await expect(box.locator('img.pic:not(.placeholder)')).toBeVisible();
    await mp.keyboard.press('Escape');
    await expect
      .poll(() => member.cliJson<{ items: { presence: string }[] }>('search', '--project', 'Canon').items.filter((i) => i.presence === 'ok').length)
      .toBe(1);
    // Not hers to share or change — but hers to keep available offline: the rest of the
    // originals come down in the background, and the cards lose their "On the studio" badge.
    await mp.goto(`${member.origin}/projects`);
    await mp.getByRole('button', { name: 'Actions for Canon' }).click();
    await expect(mp.getByRole('menuitem', { name: /Share with studio|Stop sharing/ })).toHaveCount(0);
    await mp.getByRole('menuitem', { name: 'Make available offline' }).click();
    await expect(mp.getByRole('region', { name: 'Notifications' }).getByText(/kept available offline/)).toBeVisible();
    await expect(org.getByText('Available offline')).toBeVisible();
    await expect
      .poll(() => member.cliJson<{ items: { presence: string }[] }>('search', '--project', 'Canon').items.filter((i) => i.presence === 'ok').length, {
        timeout: 30_000,
      })
      .toBe(canon);
    await org.getByRole('link', { name: /Canon/ }).click();
    await expect(cards).toHaveCount(canon);
    await expect(cards.getByText('On the studio')).toHaveCount(0, { timeout: 10_000 });
    await mp.goto(`${member.origin}/projects`);

    // Olive stops sharing: it leaves Noa's app.
    await op.getByRole('button', { name: 'Actions for Canon' }).click();
    await op.getByRole('menuitem', { name: 'Stop sharing…' }).click();
    await op.getByRole('dialog', { name: /Stop sharing “Canon”/ }).getByRole('button', { name: 'Stop sharing' }).click();
    await expect(org).toContainText('No shared projects yet', { timeout: 20_000 });
    expect(member.cliJson<{ total: number }>('search').total).toBe(0);
    expect(owner.cliJson<{ total: number }>('search', '--project', 'Canon').total).toBe(canon);

    for (const p of pages) expect(errorsOf(p), 'uncaught errors in the page').toEqual([]);
  } finally {
    for (const p of pages) await p.context().close().catch(() => {});
    await owner.stop();
    await member.stop();
  }
});

test('a campaign goes public from its page: live for the brand, a public page that works on a phone, links that die', async ({ browser }) => {
  test.setTimeout(180_000);
  const RAY = 'ray@studio.test';
  const owner = await startAtelier({});
  const member = await startAtelier({ empty: true });
  const pages: Page[] = [];
  try {
    await owner.api('/api/studio/login', { url: studioUrl, email: 'olive@studio.test', password: PASSWORD });
    const invited = await owner.api<{ link: string }>('/api/studio/invite', { email: RAY, role: 'member' });
    const accepted = await fetch(invited.link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: RAY, mode: 'sign_up', display_name: 'Ray Creator', password: PASSWORD, confirm: PASSWORD }).toString(),
    });
    expect(accepted.status).toBe(200);
    // Olive's Canon photos, shared on a brand "Gamma" where Ray is a Creator; two approved, on
    // a campaign "Autumn", with one more there still in review.
    owner.cli('brand', 'create', 'Gamma');
    owner.cli('brand', 'member', 'Gamma', 'add', RAY, '--role', 'creator');
    owner.cli('brand', 'kit', 'Gamma', '--self-approval', 'on');
    owner.cli('project', 'create', 'Launch');
    owner.cli('move', '--text', 'canon', '--brand', 'Gamma');
    owner.cli('move', '--text', 'canon', '--project', 'Launch');
    owner.cli('project', 'share', 'Launch');
    const items = owner.cliJson<{ items: { id: string; name: string }[] }>('search', '--project', 'Launch').items;
    expect(items.length).toBeGreaterThanOrEqual(3);
    owner.cli('campaign', 'create', 'Autumn', '--brand', 'Gamma');
    for (const it of items.slice(0, 3)) {
      owner.cli('campaign', 'add', 'Autumn', it.id, '--brand', 'Gamma');
      owner.cli('review', 'submit', it.id);
    }
    for (const it of items.slice(0, 2)) owner.cli('review', 'approve', it.id);
    owner.cli('studio', 'sharing', 'on');
    const approved = items.slice(0, 2).map((i) => i.name);
    const waiting = items[2]!.name;
    // The studio has the campaign once the app's sync sent it.
    await owner.api('/api/studio/sync', {});
    await expect
      .poll(() => owner.api('/api/campaigns/link?name=Autumn&brand=Gamma').then(() => 'there', (e: Error) => e.message), { timeout: 30_000 })
      .toBe('there');

    await member.api('/api/studio/login', { url: studioUrl, email: RAY, password: PASSWORD });
    const mp = await signIn(browser, member);
    pages.push(mp);
    await mp.goto(`${member.origin}/brands/Gamma/campaigns/Autumn`);
    const mVis = mp.getByRole('region', { name: 'Visibility' });
    await expect(mVis.getByTestId('visibility-state')).toHaveText('Private', { timeout: 30_000 });
    // Ray is a Creator: the control is there, greyed out (the studio would refuse him anyway).
    await expect(mVis.getByRole('button', { name: 'Make public' })).toBeDisabled();

    const op = await signIn(browser, owner);
    pages.push(op);
    await op.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: owner.origin });
    await op.goto(`${owner.origin}/brands/Gamma/campaigns/Autumn`);
    const vis = op.getByRole('region', { name: 'Visibility' });
    await expect(vis).toContainText('Only studio members can view this campaign');
    const published = Date.now();
    await vis.getByRole('button', { name: 'Make public' }).click();
    await expect(vis).toContainText('Anyone with the link can view this campaign’s approved assets');
    const field = vis.getByRole('textbox', { name: 'Public link' });
    await expect(field).toHaveValue(new RegExp(`^${studioUrl}/c/autumn-[A-Za-z0-9_-]{43}$`));
    const link = await field.inputValue();
    // Ray's open app hears of it without a reload (this first publish pays for cold paths on
    // both sides; the timed ones below are the steady state), and is shown no link.
    await mp.waitForFunction(() => document.querySelector('[data-testid="visibility-state"]')?.textContent?.trim() === 'Public', null, {
      polling: 'raf',
      timeout: 5_000,
    });
    console.log(`published → seen by another member's app: ${Date.now() - published} ms`);
    await expect(mVis.getByRole('textbox', { name: 'Public link' })).toHaveCount(0);
    await vis.getByRole('button', { name: 'Copy' }).click();
    await expect(vis.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await op.evaluate(() => navigator.clipboard.readText())).toBe(link);
    const preview = vis.getByRole('link', { name: 'Preview public page' });
    await expect(preview).toHaveAttribute('href', link);
    await expect(preview).toHaveAttribute('target', '_blank');
    await shot(op, 'campaign-public');

    // The public page, as a client opens it: no cookie, no JavaScript needed.
    const client = await browser.newContext({ acceptDownloads: true, javaScriptEnabled: false });
    const pp = await client.newPage();
    const res = await pp.goto(link);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['x-robots-tag']).toBe('noindex, nofollow');
    await expect(pp.getByRole('heading', { level: 1 })).toHaveText('Autumn');
    const grid = pp.getByRole('listitem');
    await expect(grid).toHaveCount(2);
    for (const name of approved) await expect(pp.getByText(name, { exact: true })).toBeVisible();
    await expect(pp.getByText(waiting, { exact: true })).toHaveCount(0);
    await expect(pp.getByText('by Olive Owner')).toHaveCount(2);
    // Every picture loaded, sized before it loaded.
    await expect.poll(() => pp.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0 && i.getAttribute('width')))).toBe(true);
    await shot(pp, 'public-page');
    // Download: the file, as an attachment, under its name.
    const [file] = await Promise.all([pp.waitForEvent('download'), grid.first().getByRole('link', { name: 'Download' }).click()]);
    expect(approved).toContain(file.suggestedFilename());
    // Download all: a zip.
    const [zip] = await Promise.all([pp.waitForEvent('download'), pp.getByRole('link', { name: 'Download all' }).click()]);
    expect(zip.suggestedFilename()).toBe('autumn.zip');
    // The lightbox, as a page: the large picture, its name, the way back.
    await grid.first().getByRole('img').click();
    await expect(pp).toHaveURL(/\/view\//);
    await expect(pp.getByRole('figure')).toBeVisible();
    await expect.poll(() => pp.locator('figure img').evaluate((i) => (i as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    await pp.getByRole('link', { name: /Autumn/ }).click();
    await expect(grid).toHaveCount(2);
    // At a phone's width: one column, nothing wider than the screen.
    await pp.setViewportSize({ width: 390, height: 844 });
    const boxes = await grid.evaluateAll((lis) => lis.map((li) => li.getBoundingClientRect()).map((r) => ({ x: r.x, y: r.y, w: r.width })));
    expect(boxes[0]!.x).toBe(boxes[1]!.x);
    expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y);
    expect(boxes[0]!.w).toBeGreaterThan(300);
    expect(await pp.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await shot(pp, 'public-page-phone');

    // Regenerate: a new link, copied; the old one is the plain 404 at once.
    await vis.getByRole('button', { name: 'Regenerate' }).click();
    await op.getByRole('dialog', { name: 'Regenerate the link?' }).getByRole('button', { name: 'Regenerate link' }).click();
    await expect(field).not.toHaveValue(link);
    const second = await field.inputValue();
    await expect.poll(() => op.evaluate(() => navigator.clipboard.readText())).toBe(second);
    expect((await fetch(link)).status).toBe(404);
    expect((await fetch(second)).status).toBe(200);
    await pp.goto(link);
    await expect(pp.getByText('This link is no longer active')).toBeVisible();

    // Make private: Ray's app follows; the link is dead; publishing again gives a new one.
    await vis.getByRole('button', { name: 'Make private' }).click();
    await op.getByRole('dialog', { name: /Make “Autumn” private\?/ }).getByRole('button', { name: 'Make private' }).click();
    await expect(vis.getByTestId('visibility-state')).toHaveText('Private');
    await expect(mVis.getByTestId('visibility-state')).toHaveText('Private', { timeout: 5_000 });
    expect((await fetch(second)).status).toBe(404);
    await vis.getByRole('button', { name: 'Make public' }).click();
    await expect(field).toBeVisible();
    const third = await field.inputValue();
    expect([link, second]).not.toContain(third);
    // Live within a second: made private and public again by Olive, each seen in Ray's open app.
    for (const [op, state] of [['unpublish', 'Private'], ['publish', 'Public'], ['unpublish', 'Private'], ['publish', 'Public']]) {
      const t0 = Date.now();
      await owner.api('/api/campaigns/link', { name: 'Autumn', brand: 'Gamma', op });
      const answered = Date.now() - t0;
      await mp.waitForFunction((want) => document.querySelector('[data-testid="visibility-state"]')?.textContent?.trim() === want, state, {
        polling: 'raf',
        timeout: 5000,
      });
      const seen = Date.now() - t0;
      console.log(`${op}: answered in ${answered} ms, seen by another member's app after ${seen} ms`);
      expect(seen).toBeLessThan(1000);
    }
    await client.close();

    for (const p of pages) expect(errorsOf(p), 'uncaught errors in the page').toEqual([]);
  } finally {
    for (const p of pages) await p.context().close().catch(() => {});
    await owner.stop();
    await member.stop();
  }
});
