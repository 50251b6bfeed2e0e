#!/usr/bin/env node
// The desktop smoke test (issue 4): the real Tauri window under Xvfb, driven over WebDriver by
// tauri-driver (which runs WebKitWebDriver). On a fresh, empty library it imports a folder of
// the shared corpus through the Import dialog, waits for the thumbnails, opens the lightbox,
// rates the asset, and then finds that rating in the catalog through the `atelier` CLI. Then
// drag and drop with another app (tests/desktop/dnd_peer.py, a small GTK window), through real
// X11 pointer events from xdotool: the original dragged out of the lightbox arrives there as a
// file URI, and a file dragged from there onto the window is imported.
//
// Only the OS folder picker is stood in for: a GTK file chooser cannot be driven over
// WebDriver, so the shell's `pick` command answers with the folder (ATELIER_DESKTOP_PICK), as the
// user's choice would. Everything else (the button, the IPC round trip, the import request, the
// server, the catalog, the window) is the real thing.
//
// Run it under a display: `xvfb-run -a node tests/desktop/smoke.mjs`. Environment:
//   ATELIER_DESKTOP_BIN  the desktop binary (default $CARGO_TARGET_DIR/debug/atelier-desktop)
//   ATELIER_BIN          the CLI (default $CARGO_TARGET_DIR/debug/atelier)
//   TAURI_DRIVER         tauri-driver (default /var/cache/atelier/tools/bin/tauri-driver)
//   ATELIER_CORPUS       the shared corpus (default ../shared/corpus beside the repository)
//   ATELIER_SHOTS        where the screenshots go (default /tmp/atelier-shots)
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const target = process.env.CARGO_TARGET_DIR ?? path.join(repo, 'target');
const DESKTOP = process.env.ATELIER_DESKTOP_BIN ?? path.join(target, 'debug/atelier-desktop');
const CLI = process.env.ATELIER_BIN ?? path.join(target, 'debug/atelier');
const DRIVER = process.env.TAURI_DRIVER ?? '/var/cache/atelier/tools/bin/tauri-driver';
// The shared corpus when it is there, else the fixtures committed in tests/fixtures/corpus.
const shared = process.env.ATELIER_CORPUS ?? path.resolve(repo, '../shared/corpus');
const CORPUS = existsSync(path.join(shared, 'photos')) ? shared : path.join(repo, 'tests/fixtures/corpus');
const SHOTS = process.env.ATELIER_SHOTS ?? '/tmp/atelier-shots';
const FOLDER = path.join(CORPUS, 'photos/digicam');

for (const [what, p] of [['desktop binary', DESKTOP], ['atelier CLI', CLI], ['tauri-driver', DRIVER]]) {
  if (!existsSync(p)) fail(`the ${what} is missing at ${p}`);
}
if (!existsSync(FOLDER)) {
  console.log(`desktop smoke: skipped, no test media in ${CORPUS}`);
  process.exit(0);
}
if (!process.env.DISPLAY) fail('no DISPLAY: run it under xvfb-run');

function fail(message) {
  console.error(`desktop smoke: ${message}`);
  process.exit(1);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Polls `probe` until it returns a truthy value or `ms` pass. */
async function until(what, probe, ms = 30_000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}

// ---- a minimal W3C WebDriver client ----
let base = '';
let session = '';
async function wd(method, route, body) {
  const res = await fetch(`${base}${route}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${method} ${route}: ${json.value?.error ?? res.status} ${json.value?.message ?? ''}`);
  return json.value;
}
// W3C names the reference key "element-6066-11e4-a52e-4f70afd6c8ba"; WebKitWebDriver 2.40 answers
// with a key of its own spelling, so take the single element-… key whatever its suffix.
const elementId = (ref) =>
  ref && typeof ref === 'object' ? Object.entries(ref).find(([k]) => k.startsWith('element-'))?.[1] : undefined;
const s = (route) => `/session/${session}${route}`;
const run = (script, ...args) => wd('POST', s('/execute/sync'), { script, args });
const runAsync = (script, ...args) => wd('POST', s('/execute/async'), { script, args });
async function find(xpath) {
  const v = await wd('POST', s('/element'), { using: 'xpath', value: xpath });
  const id = elementId(v);
  if (!id) throw new Error(`no element id for ${xpath}: ${JSON.stringify(v)}`);
  return id;
}
async function findAll(xpath) {
  const v = await wd('POST', s('/elements'), { using: 'xpath', value: xpath });
  return v.map(elementId);
}
const click = (el) => wd('POST', s(`/element/${el}/click`), {});
async function shot(name) {
  mkdirSync(SHOTS, { recursive: true });
  await sleep(1000); // the first frames after a change can lag on a first launch
  const png = await wd('GET', s('/screenshot'));
  writeFileSync(path.join(SHOTS, `desktop-${name}.png`), Buffer.from(png, 'base64'));
}
/** XPath for a button by its accessible name (aria-label or its text). */
const button = (name) => `//button[@aria-label=${q(name)} or normalize-space(.)=${q(name)}]`;
const q = (t) => (t.includes("'") ? `"${t}"` : `'${t}'`);

// ---- drag and drop with another app (real X11 sessions, driven with xdotool) ----
const PEER = path.join(here, 'dnd_peer.py');
const xdo = (...args) => execFileSync('xdotool', args, { encoding: 'utf8' }).trim();

/** Starts the peer window; resolves once it is mapped. */
async function peer(mode, x, y, arg) {
  const child = spawn('/usr/bin/python3', [PEER, mode, String(x), String(y), arg], { stdio: ['ignore', 'pipe', 'inherit'] });
  await until(`the ${mode} peer window`, async () => {
    try {
      return xdo('search', '--onlyvisible', '--name', `^dnd-peer-${mode}$`);
    } catch {
      return null;
    }
  }, 15_000);
  return child;
}

/** Presses at (x, y), moves in steps to (tx, ty) and releases there: a user's drag. */
async function dragWithMouse(x, y, tx, ty) {
  xdo('mousemove', String(x), String(y));
  await sleep(300);
  xdo('mousedown', '1');
  await sleep(600);
  for (let i = 1; i <= 12; i += 1) {
    xdo('mousemove', String(Math.round(x + ((tx - x) * i) / 12)), String(Math.round(y + ((ty - y) * i) / 12)));
    await sleep(80);
  }
  await sleep(400);
  xdo('mouseup', '1');
}

async function dragOutAndIn(asset, cli) {
  const win = xdo('search', '--onlyvisible', '--name', '^Atelier$').split('\n')[0];
  const geo = xdo('getwindowgeometry', '--shell', win);
  const wx = Number(/X=(-?\d+)/.exec(geo)[1]);
  const wy = Number(/Y=(-?\d+)/.exec(geo)[1]);
  const ww = Number(/WIDTH=(\d+)/.exec(geo)[1]);

  // Out: press on the lightbox's Drag out, drop on the other app.
  const out = path.join(tmp, 'dropped-uris.txt');
  const target = await peer('target', wx + ww + 20, wy + 40, out);
  const handle = await find(button('Drag out'));
  const r = await wd('GET', s(`/element/${handle}/rect`));
  await dragWithMouse(wx + r.x + r.width / 2, wy + r.y + r.height / 2, wx + ww + 70, wy + 90);
  const original = cli('show', asset.id).path;
  const uris = await until('the other app to receive the dragged file', () => {
    try {
      return readFileSync(out, 'utf8').trim();
    } catch {
      return null;
    }
  }, 15_000);
  if (decodeURIComponent(new URL(uris.split('\n')[0]).pathname) !== original) {
    throw new Error(`the other app received ${uris}, not ${original}`);
  }
  target.kill();

  // In: a file the library has never seen, dragged from the other app onto the window.
  const before = cli('search').total;
  const fresh = path.join(tmp, 'dropped in.jpg');
  copyFileSync(path.join(CORPUS, 'formats/file-type/file-type__fixture_fixture.jpg'), fresh);
  const source = await peer('source', wx + ww + 20, wy + 40, fresh);
  await dragWithMouse(wx + ww + 70, wy + 90, wx + 300, wy + 300);
  const after = await until('the dropped file imported', () => {
    const t = cli('search').total;
    return t > before ? t : null;
  }, 30_000);
  source.kill();
  await shot('dropped-in');
  return `dragged ${path.basename(original)} out to another app; a file dragged in was imported (${before} → ${after})`;
}

// ---- the run ----
const tmp = mkdtempSync(path.join(os.tmpdir(), 'atelier-desktop-'));
const lib = path.join(tmp, 'library');
const env = {
  ...process.env,
  ATELIER_LIBRARY: lib,
  ATELIER_TRASH_DIR: path.join(tmp, 'trash'),
  ATELIER_DESKTOP_PICK: FOLDER,
  GSETTINGS_BACKEND: 'memory', // no dconf/D-Bus session under Xvfb
  HOME: path.join(tmp, 'home'),
  XDG_DATA_HOME: path.join(tmp, 'home/.local/share'),
  XDG_CONFIG_HOME: path.join(tmp, 'home/.config'),
  XDG_CACHE_HOME: path.join(tmp, 'home/.cache'),
  RUST_LOG: 'warn',
};
mkdirSync(env.HOME, { recursive: true });
const port = await freePort();
const driver = spawn(DRIVER, ['--port', String(port)], { env, stdio: ['ignore', 'inherit', 'inherit'] });
base = `http://127.0.0.1:${port}`;
const started = Date.now();
let ok = false;
try {
  await until('tauri-driver', async () => (await fetch(`${base}/status`)).ok, 20_000);
  const created = await wd('POST', '/session', {
    capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application: DESKTOP } } },
  });
  session = created.sessionId;

  // The window opens on the loopback server, signed in, on an empty library.
  await until('the Library on the loopback server', async () => {
    const url = await wd('GET', s('/url'));
    return /^http:\/\/127\.0\.0\.1:\d+\//.test(url) && (await findAll(button('Upload to library'))).length > 0;
  });
  await shot('empty');

  // Import a folder the app has never seen, chosen with the native picker.
  await click(await find(`(${button('Upload to library')})[1]`));
  await click(await until('the native pickers in the Import dialog', () => find(button('Choose folders…'))));
  await until('the chosen folder listed', async () => (await run('return document.body.innerText')).includes(FOLDER));
  await click(await find(`//label[contains(normalize-space(.), 'Copy into the library')]/input`));
  await click(await find(button('Import')));
  await until('the import report', async () => /\d+ files? imported/.test(await run('return document.body.innerText')), 120_000);
  const report = await run('return document.body.innerText');
  await shot('import-report');
  await click(await find(button('Done')));

  // Its thumbnails show in the grid.
  const cards = await until('thumbnails in the grid', async () => {
    const loaded = await run(
      `return [...document.querySelectorAll('[role=grid] img')].filter((i) => i.complete && i.naturalWidth > 0).length`,
    );
    return loaded >= 3 ? findAll(`//*[@role='grid']//button[starts-with(@aria-label, 'Open ')]`) : null;
  });
  await shot('grid');

  // Open the lightbox on the first card and rate the asset 4 stars.
  const label = await wd('GET', s(`/element/${cards[0]}/attribute/aria-label`));
  const name = label.replace(/^Open /, '');
  await click(cards[0]);
  await click(await until('the rating stars in the lightbox', () => find(button('4 stars'))));
  await until('the 4-star rating to show as set', async () =>
    (await run(`return [...document.querySelectorAll('button[aria-pressed=true]')].map((b) => b.getAttribute('aria-label') || b.textContent)`)).includes('4 stars'),
  );
  await shot('lightbox-rated');

  // The rating is in the catalog.
  const cli = (...args) => JSON.parse(execFileSync(CLI, ['--library', lib, ...args, '--json'], { encoding: 'utf8', env }));
  const found = await until(`${name} rated 4 in the catalog`, async () => {
    const page = cli('search', '--rating', '4', '--limit', '10');
    return page.items.find((i) => i.name === name);
  }, 10_000);

  // Drag the original out of the window into another app, and a file from another app in.
  const dragged = await dragOutAndIn(found, cli);

  const total = cli('search').total;
  console.log(`desktop smoke: ok in ${((Date.now() - started) / 1000).toFixed(1)} s — ${report.match(/\d+ files? imported/)[0]}, ${total} in the catalog, ${found.name} rated ${found.rating}; ${dragged}`);
  ok = true;
} catch (e) {
  console.error(`desktop smoke: FAILED: ${e.message}`);
  try {
    if (session) console.error((await run('return document.body.innerText')).slice(0, 2000));
    if (session) await shot('failure');
  } catch {
    // the window may be gone
  }
} finally {
  if (session) await wd('DELETE', `/session/${session}`).catch(() => {});
  driver.kill('SIGTERM');
  await sleep(300);
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(ok ? 0 : 1);
