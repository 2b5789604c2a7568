// `template()` for code scenarios: the YAML placeholder templates ({{name}}, JSON-safe escaping), compiled
// once and rendered from a record of values (e.g. `ctx.fields` plus a token).
import { parseTemplate } from '../template/parse.ts';
import { compileTemplate } from '../template/compile.ts';
import type { FieldValue } from '../generators/types.ts';

/**
 * Compiles `text` once. `format: 'json'` (default) escapes values for where they land in the JSON (inside a
 * string: JSON-escaped; as a value: a quoted string or a number); `'text'` inserts them as they are.
 * The returned function throws when a placeholder has no value. `{{env.X}}` is not supported here: use process.env.
 */
export function template(text: string, format: 'json' | 'text' = 'json'): (values: Readonly<Record<string, FieldValue>>) => string {
  const names: string[] = [];
  const render = compileTemplate(parseTemplate(text, { file: '<template>', line: 1, column: 1 }), format, (part) => {
    if (part.env) throw new TypeError(`template: {{env.${part.name}}} is not supported in code; read process.env.${part.name} instead`);
    let slot = names.indexOf(part.name);
    if (slot === -1) slot = names.push(part.name) - 1;
    return { slot };
  });
  const vars: FieldValue[] = new Array<FieldValue>(names.length);
  return (values) => {
    for (let i = 0; i < names.length; i++) {
      const v = values[names[i]];
      if (v === undefined) throw new TypeError(`template: no value for {{${names[i]}}}`);
      vars[i] = v;
    }
    return render(vars);
  };
}
