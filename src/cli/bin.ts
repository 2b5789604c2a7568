#!/usr/bin/env node
// The `runner` executable: hands the process to main() and exits with its code.
import { createProcessIo } from './io.ts';
import { main } from './main.ts';

process.setSourceMapsEnabled(true);
main(createProcessIo()).then((code) => {
  process.exitCode = code;
  // Scenario code may leave timers or sockets behind (a setInterval, a teardown that never settled): once the
  // result is written they must not keep runner running. Unref'd: a normal run exits before it fires.
  setTimeout(() => process.exit(code), 1000).unref();
});
