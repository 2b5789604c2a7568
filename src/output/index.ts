// The table of outputs, keyed by the kind `--out <kind>=<target>` names. Adding an output is one file that
// exports an OutputKind, plus one line here.
import { hdrLogOutput } from './hdr-log.ts';
import { jsonOutput } from './json.ts';
import { ndjsonOutput } from './ndjson.ts';
import { prometheusOutput } from './prometheus/prometheus-output.ts';
import { summaryExportOutput } from './summary-export.ts';
import type { OutputKind } from './types.ts';

export const outputKinds = {
  json: jsonOutput,
  ndjson: ndjsonOutput,
  'hdr-log': hdrLogOutput,
  'summary-export': summaryExportOutput,
  prometheus: prometheusOutput,
} satisfies Record<string, OutputKind>;

export type OutputKindName = keyof typeof outputKinds;

export function isOutputKind(name: string): name is OutputKindName {
  return Object.hasOwn(outputKinds, name);
}
