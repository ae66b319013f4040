#!/usr/bin/env node
// The subscriptions load run (issue 23): many open subscriptions on one instance, mutations
// at a steady rate spread over two instances, and what a subscriber notices: how long an
// event takes from the mutation's start to its arrival, and whether any is lost. Started by
// bench/realtime.sh, which seeds the database and starts the two instances.
//
// Usage: node load.mjs --subscribe URL --mutate URL,URL --token TOKEN --events ID,ID,...
//                      [--subscriptions 1000] [--rate 200] [--duration 20]
//                      [--pids PID_A,PID_B] [--json FILE]
//   --subscribe      the instance every subscription connects to (one connection each)
//   --mutate         the instances mutations go to, in turn
//   --events         events to follow and change: subscription i follows event i mod E;
//                    each mutation renames one event (updateEvent), carrying its send time
//   --pids           the instances' process ids: memory (VmRSS) and CPU from /proc
//
// Bounded: connecting, warming up and the run each have a deadline; the script exits
// non-zero if one passes or any event is lost.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';

const options = { subscriptions: 1000, rate: 200, duration: 20 };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) options[argv[i].replace(/^--/, '')] = argv[i + 1];
for (const key of ['subscribe', 'mutate', 'token', 'events']) {
  if (!options[key]) { console.error(`load.mjs: --${key} is required`); process.exit(2); }
}
const SUBSCRIPTIONS = Number(options.subscriptions);
const RATE = Number(options.rate);
const DURATION = Number(options.duration);
const events = options.events.split(',');
const mutators = options.mutate.split(',');
const pids = options.pids ? options.pids.split(',').map(Number) : [];
const wsUrl = options.subscribe.replace(/^http/, 'ws');

const log = (...args) => console.error('[realtime]', ...args);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const CLOCK_TICKS = 100; // USER_HZ on Linux

function rssKiB(pid) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(line.split(/\s+/)[1]);
}

function cpuSeconds(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
}

// The PostgreSQL server's CPU: every process named postgres (its connections are pooled,
// so they live through the run).
function postgresCpuSeconds() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (text.slice(text.indexOf('(') + 1, text.lastIndexOf(')')) !== 'postgres') continue;
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch { /* gone meanwhile */ }
  }
  return total;
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function post(url, query, variables) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

// ---- subscribers
const SUBSCRIPTION = 'subscription($id: ID!) { eventChanged(id: $id) { id title } }';
const received = []; // latencies in ms, during the run
const answered = []; // mutations' round trips in ms, during the run
let heard = 0;
let measuring = false;
const warm = new Set(); // subscribers that heard the warm-up
const clients = [];

function subscriber(index) {
  const client = createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${options.token}` },
    lazy: false,
    retryAttempts: 0,
    keepAlive: 0,
  });
  clients.push(client);
  client.subscribe(
    { query: SUBSCRIPTION, variables: { id: events[index % events.length] } },
    {
      next: ({ data, errors }) => {
        if (errors) { log('subscription error', JSON.stringify(errors)); return; }
        const title = data.eventChanged.title;
        const sent = /@(\d+)$/.exec(title);
        if (title.startsWith('Warm')) warm.add(index);
        if (measuring && sent && title.startsWith('Load')) {
          received.push(Date.now() - Number(sent[1]));
        }
        heard += 1;
      },
      error: (error) => log(`subscriber ${index} failed:`, error?.message ?? error?.reason ?? error),
      complete: () => {},
    },
  );
}

// ---- mutations: one in flight per event at a time, as each carries the version it saw
const MUTATION = `mutation($input: UpdateEventInput!) { updateEvent(input: $input) {
  event { id version } userErrors { code message } } }`;
const versions = new Map();
const idle = [];
let sent = 0, failed = 0, inFlight = 0;

async function rename(event, title, url) {
  inFlight += 1;
  const start = Date.now();
  try {
    const answer = await post(url, MUTATION, {
      input: { eventId: event, expectedVersion: versions.get(event), title },
    });
    const payload = answer.data?.updateEvent;
    if (!payload || payload.userErrors.length) {
      failed += 1;
      log('mutation refused:', JSON.stringify(answer.errors ?? payload.userErrors));
    } else {
      versions.set(event, payload.event.version);
      if (measuring) answered.push(Date.now() - start);
    }
  } catch (error) {
    failed += 1;
    log('mutation failed:', error.message);
  } finally {
    inFlight -= 1;
  }
}

async function main() {
  for (let i = 0; i < events.length; i += 100) { // nodes(ids:) takes 100 at most
    const ids = events.slice(i, i + 100);
    const read = await post(mutators[0], `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Event { id version } } }`, { ids });
    for (const node of read.data.nodes) versions.set(node.id, node.version);
  }
  idle.push(...events);

  const rssBefore = pids[1] ? rssKiB(pids[1]) : null;
  log(`opening ${SUBSCRIPTIONS} subscriptions on ${wsUrl}`);
  for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
    subscriber(i);
    if (i % 50 === 49) await sleep(20);
  }
  // Warm-up: rename every event until every subscriber has heard once (so all are live).
  const warmDeadline = Date.now() + 60_000;
  while (warm.size < SUBSCRIPTIONS) {
    if (Date.now() > warmDeadline) {
      log(`only ${warm.size} of ${SUBSCRIPTIONS} subscriptions became live in 60 s`);
      process.exit(1);
    }
    await Promise.all(events.map((event, n) => rename(event, `Warm ${n} @${Date.now()}`, mutators[n % mutators.length])));
    await sleep(500);
  }
  await sleep(500);
  const rssAfter = pids[1] ? rssKiB(pids[1]) : null;
  log(`all ${SUBSCRIPTIONS} subscriptions live; memory ${rssBefore} KiB -> ${rssAfter} KiB`);

  // The run: RATE mutations a second, alternating instances, for DURATION seconds.
  const cpuBefore = pids.map(cpuSeconds);
  const postgresBefore = postgresCpuSeconds();
  const clientBefore = process.cpuUsage();
  const heardBefore = heard;
  measuring = true;
  const started = Date.now();
  const perEvent = SUBSCRIPTIONS / events.length;
  let expected = 0, skipped = 0;
  const total = RATE * DURATION;
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / RATE;
    const wait = due - Date.now();
    if (wait > 0) await sleep(wait);
    const event = idle.shift();
    if (!event) { skipped += 1; continue; } // every event busy: the server is behind
    sent += 1;
    expected += Math.floor(SUBSCRIPTIONS / events.length) + (events.indexOf(event) < SUBSCRIPTIONS % events.length ? 1 : 0);
    rename(event, `Load ${n} @${Date.now()}`, mutators[n % mutators.length]).then(() => idle.push(event));
  }
  const sendSeconds = (Date.now() - started) / 1000;
  const drainDeadline = Date.now() + 10_000;
  while ((inFlight > 0 || received.length < expected) && Date.now() < drainDeadline) await sleep(50);
  const elapsed = (Date.now() - started) / 1000;
  const cpuAfter = pids.map(cpuSeconds);
  const postgresAfter = postgresCpuSeconds();
  const client = process.cpuUsage(clientBefore);
  measuring = false;

  const sorted = [...received].sort((a, b) => a - b);
  const roundTrips = [...answered].sort((a, b) => a - b);
  const report = {
    subscriptions: SUBSCRIPTIONS,
    events: events.length,
    subscribersPerEvent: perEvent,
    rateAsked: RATE,
    mutationsSent: sent,
    mutationsPerSecond: Number((sent / sendSeconds).toFixed(1)),
    mutationsRefused: failed,
    mutationsSkipped: skipped,
    deliveriesExpected: expected,
    deliveriesReceived: received.length,
    deliveriesPerSecond: Number((received.length / elapsed).toFixed(0)),
    lost: expected - received.length,
    latencyMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? null },
    mutationMs: { p50: percentile(roundTrips, 50), p99: percentile(roundTrips, 99) },
    memoryPerConnectionKiB: rssBefore !== null ? Number(((rssAfter - rssBefore) / SUBSCRIPTIONS).toFixed(1)) : null,
    subscriberInstanceRssMiB: rssAfter !== null ? Number((rssAfter / 1024).toFixed(1)) : null,
    cpuPercentOfACore: pids.map((pid, i) => Number((((cpuAfter[i] - cpuBefore[i]) / elapsed) * 100).toFixed(0))),
    postgresCpuPercentOfACore: Number((((postgresAfter - postgresBefore) / elapsed) * 100).toFixed(0)),
    clientCpuPercentOfACore: Number((((client.user + client.system) / 1e6 / elapsed) * 100).toFixed(0)),
    seconds: Number(elapsed.toFixed(1)),
  };
  console.log(JSON.stringify(report, null, 2));
  if (options.json) writeFileSync(options.json, JSON.stringify(report, null, 2));
  for (const client of clients) client.dispose();
  const ok = report.lost === 0 && failed === 0;
  if (!ok) log(`FAILED: ${report.lost} deliveries lost, ${failed} mutations refused`);
  process.exit(ok ? 0 : 1);
}

main().catch((error) => { log(error.stack ?? error); process.exit(1); });
