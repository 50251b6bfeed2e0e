/**
 * Test harness: a fresh temporary library seeded from the shared corpus (imported as copies, so
 * deleting in a test never touches the corpus), a real `atelier serve --port 0` on it (its first
 * stdout line gives the sign-in URL), helpers to run the CLI and call the API, and screenshots
 * into /tmp/atelier-shots.
 *
 * ATELIER_BIN: the atelier binary (default /var/cache/atelier/target/debug/atelier, as built by
 * `CARGO_TARGET_DIR=/var/cache/atelier/target cargo build -p atelier`).
 * ATELIER_CORPUS: the corpus (default ../shared/corpus beside the repository); without it the
 * specs seed from the fixtures committed in tests/fixtures/corpus.
 */
import { test, expect, type Browser, type Page } from '@playwright/test';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

const repoRoot = path.resolve(__dirname, '../..');
export const BIN = process.env.ATELIER_BIN ?? '/var/cache/atelier/target/debug/atelier';
/** The small fixtures committed in the repository (tests/fixtures/corpus: the corpus files the
 * specs use, under the same paths, downscaled or stand-ins; see tests/fixtures/LICENSES.md). */
export const FIXTURES = path.join(repoRoot, 'tests/fixtures/corpus');
const shared = process.env.ATELIER_CORPUS ?? path.resolve(repoRoot, '../shared/corpus');
/** The media the specs seed from: the shared corpus when it is there (the extra tier), else the
 * fixtures, so a fresh clone anywhere runs every spec. */
export const CORPUS = existsSync(path.join(shared, 'photos')) ? shared : FIXTURES;
export const SHOTS = process.env.ATELIER_SHOTS ?? '/tmp/atelier-shots';

export const haveCorpus = existsSync(path.join(CORPUS, 'photos'));
export const SKIP_REASON = `no test media (looked in ${shared} and ${FIXTURES})`;

/** A path among the media the specs seed from. */
export function fixtures(rel: string): string {
  return path.join(CORPUS, rel);
}

export interface Atelier {
  lib: string;
  /** The sign-in URL printed by `atelier serve`. */
  url: string;
  origin: string;
  token: string;
  /** Runs the CLI on this library; returns stdout. */
  cli: (...args: string[]) => string;
  /** Runs the CLI with --json and parses the output. */
  cliJson: <T = unknown>(...args: string[]) => T;
  /** Calls the API as the browser would (token as a bearer). */
  api: <T = unknown>(path: string, body?: unknown) => Promise<T>;
  /** Stops serving and removes the library, or keeps it (`keep`) to serve it again later. */
  stop: (keep?: boolean) => Promise<void>;
}

export interface SeedOptions {
  /** Corpus folders to import as copies (default: photos and ai-png). */
  folders?: string[];
  /** CLI commands to run after the import (each an argument list). */
  commands?: string[][];
  /** Leave the library empty. */
  empty?: boolean;
}

function runCli(lib: string, args: string[]): string {
  if (!existsSync(BIN)) {
    throw new Error(`atelier binary not found at ${BIN}: build it (cargo build -p atelier) or set ATELIER_BIN`);
  }
  return execFileSync(BIN, ['--library', lib, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Creates and seeds a library, then serves it. */
export async function startAtelier(seed: SeedOptions = {}): Promise<Atelier> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'atelier-e2e-'));
  const lib = path.join(dir, 'library');
  if (!seed.empty) {
    const folders = (seed.folders ?? ['photos', 'ai-png']).map((f) => path.join(CORPUS, f));
    runCli(lib, ['import', '--copy', ...folders, '--json']);
  }
  for (const c of seed.commands ?? []) runCli(lib, c);
  return serveLibrary(lib);
}

/** Serves an existing library (`lib` inside a folder of its own, which `stop()` removes). */
export async function serveLibrary(lib: string): Promise<Atelier> {
  const dir = path.dirname(lib);
  const proc: ChildProcess = spawn(BIN, ['--library', lib, 'serve', '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, RUST_LOG: process.env.RUST_LOG ?? 'warn' },
  });
  let stderr = '';
  proc.stderr?.on('data', (d) => (stderr += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const rl = readline.createInterface({ input: proc.stdout! });
    const timer = setTimeout(() => reject(new Error(`atelier serve printed nothing in 20 s: ${stderr}`)), 20_000);
    rl.once('line', (line) => {
      clearTimeout(timer);
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(line);
      if (m) resolve(m[1]!);
      else reject(new Error(`unexpected first line from atelier serve: ${line}`));
    });
    proc.once('exit', (code) => reject(new Error(`atelier serve exited (${code}): ${stderr}`)));
  });
  const u = new URL(url);
  const token = u.searchParams.get('token')!;
  const origin = u.origin;

  return {
    lib,
    url,
    origin,
    token,
    cli: (...args) => runCli(lib, args),
    cliJson: <T>(...args: string[]) => JSON.parse(runCli(lib, [...args, '--json'])) as T,
    api: async <T>(p: string, body?: unknown) => {
      const res = await fetch(origin + p, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${p}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    },
    stop: async (keep = false) => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => {
          const t = setTimeout(() => {
            proc.kill('SIGKILL');
            r(null);
          }, 5000);
          proc.once('exit', () => {
            clearTimeout(t);
            r(null);
          });
        });
      }
      if (!keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Opens the sign-in URL in a new page (the cookie is set, then the app loads at `/`). */
export async function signIn(browser: Browser, a: Atelier, size = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport: size, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  pageErrors.set(page, errors);
  page.on('pageerror', (e) => {
    errors.push(e.message);
    console.error(`[page error] ${e.message}`);
  });
  await page.goto(a.url);
  await expect(page).toHaveURL(`${a.origin}/`);
  return page;
}

const pageErrors = new WeakMap<Page, string[]>();

/** Uncaught errors the page threw (each spec asserts there were none). */
export function errorsOf(page: Page): string[] {
  return pageErrors.get(page) ?? [];
}

/** Saves a screenshot for people to look at. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** The grid's cards (their open buttons), in order. */
export function cards(page: Page) {
  return page.getByRole('grid').first().getByRole('button', { name: /^Open / });
}

/** Waits until every visible thumbnail in the grid has loaded. */
export async function thumbnailsLoaded(page: Page, atLeast = 1): Promise<number> {
  await expect
    .poll(
      async () =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLImageElement>('[role="grid"] img')].filter((i) => i.complete && i.naturalWidth > 0).length,
        ),
      { timeout: 15_000 },
    )
    .toBeGreaterThanOrEqual(atLeast);
  return page.evaluate(() => document.querySelectorAll('[role="grid"] img').length);
}

export interface Summary {
  id: string;
  name: string;
  status: string;
  rating: number;
  flag: string;
  tags: string[];
  brand: string;
  project: string;
}

export interface SearchPage {
  total: number;
  items: Summary[];
}

export { test, expect };
