// Trellis in a real browser: Debian's headless Chromium, driven by playwright-core (which
// never downloads a browser of its own here). Starts its own Trellis servers from a built
// binary and its own small page servers on loopback ports, then checks what a front-end
// developer would see:
//   - CORS: a page of an origin `--cors-origins` lists reads a GraphQL answer from
//     Trellis on another port; a page of any other origin is blocked by the browser;
//   - GraphiQL: the page loads nothing from any other origin and breaks none of its
//     Content-Security-Policy, the docs explorer lists Query, and the demo's sign-in, its
//     token in the headers tab and a query typed into the editor return data.
// Prints `N passed, N failed` last and exits non-zero when any test failed.
//
// Usage: node run.mjs [TRELLIS_BINARY]   (default: target/debug/trellis of this checkout)
//        CHROMIUM=/path/to/chromium to use another build of Chromium.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const binary = path.resolve(process.argv[2] ?? path.join(here, '../../target/debug/trellis'));
// Debian's browser itself rather than its launcher script /usr/bin/chromium, which adds
// only desktop settings and, on a machine with a large /dev/shm, a spurious shell error.
const executablePath = process.env.CHROMIUM
  ?? ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((file) => existsSync(file));
const TIMEOUT_MS = 30_000;

/// Everything started, stopped at the end whatever happens.
const cleanups = [];

/// A free loopback port.
function freePort() {
  return new Promise((resolve, reject) => {
    const server = http.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/// Starts `trellis serve` with `flags` over a fresh SQLite database; resolves with its
/// base URL once it is ready.
async function startTrellis(flags, env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'trellis-browser-'));
  const port = await freePort();
  const server = spawn(
    binary,
    [
      'serve',
      '--bind', `127.0.0.1:${port}`,
      '--database-url', `sqlite://${dir}/trellis.db?mode=rwc`,
      '--outbox-dir', path.join(dir, 'outbox'),
      ...flags,
    ],
    { cwd: dir, env: { ...process.env, RUST_LOG: 'warn', ...env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  server.stderr.on('data', (chunk) => { log += chunk; });
  cleanups.push(() => {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`trellis stopped (${server.exitCode}): ${log}`);
    try {
      if ((await fetch(`${url}/readyz`)).ok) return url;
    } catch { /* not listening yet */ }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`trellis did not become ready: ${log}`);
}

/// A page that POSTs `{ __typename }` to the GraphQL endpoint named in its `?api=`
/// parameter, as a front end would, and shows what came of it in #result.
const FRONT_END_PAGE = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>front end</title></head>
<body><pre id="result"></pre>
<script>
  const api = new URLSearchParams(location.search).get('api');
  fetch(api, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  })
    .then(async (response) => ({
      status: response.status,
      requestId: response.headers.get('x-request-id'),
      body: await response.json(),
    }))
    .catch((error) => ({ blocked: String(error) }))
    .then((result) => { document.getElementById('result').textContent = JSON.stringify(result); });
</script></body></html>`;

/// Serves the front-end page on a loopback port of its own; resolves with its origin.
async function startPageServer() {
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(FRONT_END_PAGE);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => server.close());
  return `http://127.0.0.1:${server.address().port}`;
}

/// What the front-end page served at `origin` got from `api`.
async function frontEndResult(browser, origin, api) {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/?api=${encodeURIComponent(api)}`);
    const result = page.locator('#result');
    await result.filter({ hasText: /./ }).waitFor({ timeout: TIMEOUT_MS });
    return JSON.parse(await result.textContent());
  } finally {
    await page.close();
  }
}

/// The text of the CodeMirror editor inside `selector`.
function editorText(page, selector) {
  return page.evaluate(
    (selector) => document.querySelector(`${selector} .CodeMirror`).CodeMirror.getValue(),
    selector,
  );
}

/// Replaces the text of the CodeMirror editor inside `selector` as someone typing would.
async function typeInto(page, selector, text) {
  await page.click(`${selector} .CodeMirror`);
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('Backspace');
  // Inserted as typed text, without key events, so that the editor does not close
  // brackets and quotes a second time.
  await page.keyboard.insertText(text);
}

/// Types a query into GraphiQL's editor, and waits until GraphiQL has taken it in (it
/// reads the operation's name a moment after the last change, and stores the query then).
async function typeQuery(page, text) {
  await typeInto(page, '.graphiql-query-editor', text);
  await page.waitForFunction(
    (text) => localStorage.getItem('graphiql:query') === text,
    text,
    { timeout: TIMEOUT_MS },
  );
}

/// Runs the editor's operation and waits for an answer different from `before`.
async function run(page, before) {
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    (before) => {
      const editor = document.querySelector('.graphiql-response .CodeMirror');
      const text = editor && editor.CodeMirror.getValue();
      return text && text !== before;
    },
    before,
    { timeout: TIMEOUT_MS },
  );
  return JSON.parse(await editorText(page, '.graphiql-response'));
}

/// Opens GraphiQL at `url`, recording every request the page makes and every error and
/// Content-Security-Policy violation it reports.
async function openGraphiql(browser, url) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const seen = { requests: [], errors: [] };
  context.on('request', (request) => seen.requests.push(request.url()));
  page.on('pageerror', (error) => seen.errors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') seen.errors.push(message.text());
  });
  await page.goto(`${url}/graphql`);
  await page.locator('.graphiql-container').waitFor({ timeout: TIMEOUT_MS });
  return { context, page, seen };
}

const tests = [];
const test = (name, body) => tests.push({ name, body });

let browser;
let corsApi;
let allowedOrigin;
let otherOrigin;
let demo;

test('CORS: a page of a listed origin reads the answer of Trellis on another port', async () => {
  const result = await frontEndResult(browser, allowedOrigin, `${corsApi}/graphql`);
  assert.equal(result.blocked, undefined, JSON.stringify(result));
  assert.equal(result.status, 200);
  assert.deepEqual(result.body, { data: { __typename: 'Query' } });
  assert.ok(result.requestId, 'the page reads x-request-id');
});

test('CORS: the browser keeps the answer from a page of any other origin', async () => {
  const result = await frontEndResult(browser, otherOrigin, `${corsApi}/graphql`);
  assert.match(result.blocked ?? '', /Failed to fetch/, JSON.stringify(result));
});

test('GraphiQL: loads only from its own server, within its CSP, and the docs list Query', async () => {
  const { context, page, seen } = await openGraphiql(browser, demo);
  try {
    await page
      .locator('.graphiql-doc-explorer a.graphiql-doc-explorer-type-name', { hasText: /^Query$/ })
      .first()
      .waitFor({ timeout: TIMEOUT_MS });
    const elsewhere = seen.requests.filter(
      (url) => !url.startsWith(`${demo}/`) && !url.startsWith('data:'),
    );
    assert.deepEqual(elsewhere, [], 'requests to other origins');
    assert.ok(seen.requests.some((url) => url.endsWith('/graphiql.min.js')), seen.requests.join('\n'));
    assert.deepEqual(seen.errors, [], 'errors or CSP violations on the page');
  } finally {
    await context.close();
  }
});

test('GraphiQL: the demo sign-in runs, its token goes in the headers tab, a typed query answers', async () => {
  const { context, page, seen } = await openGraphiql(browser, demo);
  try {
    const query = await editorText(page, '.graphiql-query-editor');
    assert.match(query, /mutation SignIn/);
    const signedIn = await run(page, '');
    const token = signedIn.data?.signIn?.session?.accessToken;
    assert.ok(token, JSON.stringify(signedIn));

    await typeInto(page, '.graphiql-editor-tool .graphiql-editor:not(.hidden)', JSON.stringify({
      Authorization: `Bearer ${token}`,
    }));
    await typeQuery(page, '{ viewer { person { email } } }');
    const answer = await run(page, await editorText(page, '.graphiql-response'));
    assert.deepEqual(answer, {
      data: { viewer: { person: { email: 'cpd.lead@severnvalley.example' } } },
    });
    assert.deepEqual(seen.errors, [], 'errors or CSP violations on the page');
  } finally {
    await context.close();
  }
});

async function main() {
  allowedOrigin = await startPageServer();
  otherOrigin = await startPageServer();
  [corsApi, demo] = await Promise.all([
    startTrellis(['--cors-origins', allowedOrigin], {
      TRELLIS_JWT_SECRET: randomBytes(32).toString('hex'),
    }),
    startTrellis(['--demo']),
  ]);
  browser = await chromium.launch({ executablePath, args: ['--no-sandbox'] });
  cleanups.push(() => browser.close());

  let passed = 0;
  let failed = 0;
  for (const { name, body } of tests) {
    try {
      await body();
      passed += 1;
      console.log(`ok   ${name}`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n     ${String(error.stack ?? error).replaceAll('\n', '\n     ')}`);
    }
  }
  return { passed, failed };
}

let outcome;
try {
  outcome = await main();
} catch (error) {
  console.log(`FAIL setting up: ${error.stack ?? error}`);
  outcome = { passed: 0, failed: tests.length };
} finally {
  for (const cleanup of cleanups.reverse()) {
    try { await cleanup(); } catch { /* already stopped */ }
  }
}
console.log(`${outcome.passed} passed, ${outcome.failed} failed`);
process.exit(outcome.failed === 0 ? 0 : 1);
