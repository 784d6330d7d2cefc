// A CPU profile of every thread of the process that preloads this file, for
// `npm run bench -- --worker-env NODE_OPTIONS=--require=test/bench/cpu-profile.cjs`
// (Node refuses --cpu-prof in NODE_OPTIONS, and it would miss the Temporal
// SDK's workflow threads). Profiles go to $HOOKFLOW_CPU_PROFILE_DIR (default
// /tmp/hookflow-cpu-profiles) as .cpuprofile files: the main thread's at exit,
// each other thread's every 10 s (threads are stopped without an exit event).
// Read them with `node --import tsx test/bench/profile-summary.ts <files>`.
// CommonJS on purpose: a --require preload runs in worker threads too, an --import one does not.
/* eslint-disable @typescript-eslint/no-require-imports */
'use strict';
const { mkdirSync, writeFileSync } = require('node:fs');
const { Session } = require('node:inspector');
const path = require('node:path');
const { isMainThread, threadId } = require('node:worker_threads');

const dir = process.env.HOOKFLOW_CPU_PROFILE_DIR || '/tmp/hookflow-cpu-profiles';
mkdirSync(dir, { recursive: true });
const session = new Session();
session.connect();
let part = 0;

function start() {
  session.post('Profiler.enable', () => session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
}

function save(restart) {
  session.post('Profiler.stop', (error, result) => {
    if (!error && result) writeFileSync(path.join(dir, `p${process.pid}-t${threadId}-${part++}.cpuprofile`), JSON.stringify(result.profile));
    if (restart) start();
  });
}

start();
if (isMainThread) process.on('exit', () => save(false));
else setInterval(() => save(true), 10_000).unref();
