// Preloaded into the benchmarked runner process (`node --import ./bench/rss-probe.mjs dist/cli/bin.js …`):
// writes the process's peak RSS in KiB to $RUNNER_BENCH_RSS_FILE at exit, and its CPU time (user + system, µs)
// to $RUNNER_BENCH_CPU_FILE. Plain JS, so runner runs without tsx.
import { writeFileSync } from 'node:fs';

const file = process.env.RUNNER_BENCH_RSS_FILE;
if (file) process.once('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
const cpuFile = process.env.RUNNER_BENCH_CPU_FILE;
if (cpuFile)
  process.once('exit', () => {
    const { user, system } = process.cpuUsage();
    writeFileSync(cpuFile, String(user + system));
  });
