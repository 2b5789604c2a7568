// Every file a loaded scenario was built from, besides the scenario file itself: body templates, data files, TLS files and the
// local modules a script imports. Outputs may not overwrite them (run), and `runner k8s` ships them all.
// A new kind of file a scenario reads (a data file, …) belongs here, so both stay right.
import type { TestModel } from './model.ts';

/** Absolute paths, each once, in the order the scenario names them. */
export function inputFilesOf(model: TestModel): string[] {
  const files: string[] = [];
  for (const s of model.scenarios) {
    if (s.flow.kind !== 'requests') continue;
    for (const r of s.flow.requests) {
      if (r.body?.kind === 'template' && r.body.file !== undefined) files.push(r.body.file);
      if (r.body?.kind === 'multipart') for (const p of r.body.parts) if (p.kind === 'file') files.push(p.file);
    }
  }
  for (const d of model.data ?? []) files.push(d.file);
  const tls = model.http.tls;
  for (const pem of [tls?.ca, tls?.cert, tls?.key]) if (pem) files.push(pem.file);
  files.push(...(model.sources ?? []));
  return [...new Set(files)];
}
