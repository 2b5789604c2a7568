// The contract between template text and the render functions built from it.
import type { Location } from '../errors.ts';
import type { FieldValue } from '../generators/types.ts';

/**
 * How substituted values are escaped:
 * - `json`: inside a JSON string literal the value is JSON-escaped; outside one it is written as a JSON value
 * - `text`: inserted as is (bodies that are not JSON)
 * - `url`:  percent-encoded with encodeURIComponent (paths, query strings)
 * - `header`: CR and LF replaced by spaces (no header injection)
 */
export type EscapeMode = 'json' | 'text' | 'url' | 'header';

/** A parsed template: literal text and placeholders, in order. */
export interface Template {
  parts: TemplatePart[];
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `{{ name }}`, or `{{ env.NAME }}` / `${NAME}` with `env` set. `location` is 1-based. */
  | { kind: 'placeholder'; name: string; env: boolean; location: Location };

/**
 * What a placeholder name resolves to at compile time. `plainString`: whenever this template renders, the slot
 * holds a string JSON takes as it is (a field of such a generator that nothing captures into).
 */
export type SlotRef = { slot: number; plainString?: boolean } | { constant: string };

/** Returns the slot or constant for a placeholder, or throws a UserError (unknown name). */
export type ResolvePlaceholder = (part: Extract<TemplatePart, { kind: 'placeholder' }>) => SlotRef;

/**
 * A render function compiled once: reads the iteration's values by slot index. `constant` is set when the
 * output never changes (no slots), so a caller can use the string once instead of rendering per request.
 */
export type RenderFn = ((vars: readonly FieldValue[]) => string) & { readonly constant?: string };
