#!/usr/bin/env node
// The `runner` executable: hands the process to main() and exits with its code.
import { createProcessIo } from './io.ts';
import { main } from './main.ts';

process.setSourceMapsEnabled(true);
main(createProcessIo()).then((code) => {
  process.exitCode = code;
});
