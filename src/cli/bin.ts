#!/usr/bin/env node
// The `runner` executable: hands the process to main() and exits with its code.
import { createProcessIo } from './io.ts';
import { main } from './main.ts';

// No process.setSourceMapsEnabled(true) here: Node would then read and parse the source map of every module it
// loads, on every start-up. An internal error's stack is mapped when printed (mapped-stack.ts); a script scenario
// turns source maps on for its own code (scenario-guard.ts).
main(createProcessIo()).then((code) => {
  process.exitCode = code;
  // Scenario code may leave timers or sockets behind (a setInterval, a teardown that never settled): once the
  // result is written they must not keep runner running. Unref'd: a normal run exits before it fires.
  setTimeout(() => process.exit(code), 1000).unref();
});
