// What the result says when a run invented more request or check names than runner keeps apart.
import { MAX_CHECK_NAMES, OTHER_CHECKS, type FoldedChecks } from '../flow/checks.ts';
import { MAX_REQUEST_NAMES, OTHER_NAME, type FoldedNames } from './collector.ts';

/** One warning per kind of name that was folded; none when nothing was. */
export function cardinalityWarnings(requests: FoldedNames | undefined, checks: FoldedChecks | undefined): string[] {
  const out: string[] = [];
  if (requests) {
    out.push(
      `${requests.atLeast ? 'more than ' : ''}${requests.names} distinct request names past the first ${MAX_REQUEST_NAMES} were counted together as '${OTHER_NAME}' ` +
        `(${requests.requests} requests): give requests a fixed name, e.g. http.get(\`/users/\${id}\`, { name: 'GET /users/:id' }) (k6's name tag)`,
    );
  }
  if (checks) {
    out.push(
      `${checks.atLeast ? 'more than ' : ''}${checks.names} distinct check names past the first ${MAX_CHECK_NAMES} were counted together as '${OTHER_CHECKS}' ` +
        `(${checks.results} results): keep check names fixed (put ids in the value, not the name)`,
    );
  }
  return out;
}
