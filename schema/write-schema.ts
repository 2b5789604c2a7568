// `npm run schema`: writes schema/scenario.schema.json from src/scenario/json-schema.ts. Run it after adding a
// scenario key; test/scenario/json-schema.test.ts fails while the committed file differs from a fresh one.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderScenarioJsonSchema } from '../src/scenario/json-schema.ts';

const out = fileURLToPath(new URL('./scenario.schema.json', import.meta.url));
writeFileSync(out, renderScenarioJsonSchema());
process.stdout.write(`wrote ${out}\n`);
