// Plan-time checks of the header values that environment values complete: `validate` already refused
// the literal text, but `{{env.X}}` is known only now, and a value undici would refuse (outside Latin-1, a
// control character) would otherwise fail every request of the run as invalid_request. Messages name the
// variable, never its value (a secret). Paths need no such check: env values are percent-encoded there.
import type { Diagnostic, Location } from '../errors.ts';
import { headerValueProblem } from '../http/request-check.ts';
import { compileTemplate, placeholdersOf } from '../template/compile.ts';
import type { EscapeMode, RenderFn, Template } from '../template/types.ts';

/** `value` as the template puts it in `mode` (escaped the same way as at run time). */
function escaped(value: string, mode: EscapeMode): string {
  const t: Template = { parts: [{ kind: 'placeholder', name: 'v', env: false, location: { file: '', line: 1, column: 1 } }] };
  return compileTemplate(t, mode, () => ({ constant: value })).constant ?? value;
}

/**
 * The problem with header `name` whose template is `t` and compiled render `render`, or undefined: each env
 * value as substituted, then (when the header is static after substitution) the whole value.
 */
export function envHeaderProblem(name: string, t: Template, render: RenderFn, env: Readonly<Record<string, string | undefined>>, at: Location): Diagnostic | undefined {
  const envs = placeholdersOf(t).filter((p) => p.env);
  if (envs.length === 0) return undefined;
  const hint = 'header values are Latin-1 text without control characters: percent-encode or base64 the value before putting it in the environment';
  for (const p of envs) {
    const value = env[p.name];
    if (value === undefined) continue;
    // Only a character is wrong in a value on its own; a connection header's tokens are judged whole below.
    const problem = headerValueProblem(name, escaped(value, 'header'));
    if (problem && classOf(problem) !== undefined) return { message: `invalid ${name} header: the value of env.${p.name} holds ${classOf(problem)}; undici would refuse every request`, location: at, hint };
  }
  if (render.constant === undefined) return undefined;
  const problem = headerValueProblem(name, render.constant);
  if (!problem) return undefined;
  // The whole value is refused (a connection header that is not a list of tokens): not shown, it holds a secret.
  const vars = envs.map((p) => `env.${p.name}`).join(', ');
  return { message: `invalid ${name} header once ${vars} ${envs.length > 1 ? 'are' : 'is'} put in (the value is not shown: it holds a secret); undici would refuse every request`, location: at, hint: 'a connection header is a comma-separated list of tokens, e.g. keep-alive or close' };
}

/** 'a character outside Latin-1' or 'a control character' from a headerValueProblem message; else undefined. */
function classOf(problem: string): string | undefined {
  if (problem.includes('outside Latin-1')) return 'a character outside Latin-1';
  if (problem.includes('control character')) return 'a control character';
  return undefined;
}
