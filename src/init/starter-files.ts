// The files `runner init` writes: a commented starter scenario (YAML, or TypeScript with --ts) and the body
// template it uses. They run as they are against the bundled example API (src/example/api.ts).

export interface StarterFile {
  /** Relative to the folder of the scenario. */
  path: string;
  text: string;
}

export interface StarterOptions {
  /** File name without extension, e.g. `smoke`. */
  name: string;
  ts: boolean;
  /** `$schema` path for the YAML language server, relative to the scenario's folder (or absolute). */
  schemaPath: string;
}

export function starterFiles(o: StarterOptions): StarterFile[] {
  if (o.ts) return [{ path: `${o.name}.ts`, text: tsScenario(o.name) }];
  const template = `templates/${o.name}-signup.json`;
  const data = `data/${o.name}-people.csv`;
  return [
    { path: `${o.name}.yaml`, text: yamlScenario(o.name, template, data, o.schemaPath) },
    { path: template, text: SIGNUP_TEMPLATE },
    { path: data, text: PEOPLE_CSV },
  ];
}

const SIGNUP_TEMPLATE = `{
  "userId": "{{userId}}",
  "userName": "{{people.name}}",
  "email": "{{userId}}@{{people.domain}}",
  "userPw": "{{userPw}}"
}
`;

/** A data file: one row per iteration, the columns used as {{people.name}} and {{people.domain}}. */
const PEOPLE_CSV = `name,domain
김민준,example.com
이서연,example.org
박지호,example.net
최수아,example.com
정예준,example.org
`;

function yamlScenario(name: string, template: string, data: string, schemaPath: string): string {
  return `# yaml-language-server: $schema=${schemaPath}
# A starter scenario made by \`runner init\`. Each iteration is one user's visit to the bundled example API:
# sign up with random fields, log in, call GET /me with the token from the login.
#   start the API:   node node_modules/runner-loadtest/dist/example/main.js --port 3000   (in runner's clone: node dist/example/main.js --port 3000)
#   see the requests: runner inspect ${name}.yaml --sample 2
#   check it:         runner validate ${name}.yaml
#   run it:           runner run ${name}.yaml --out ${name}-result.json
version: 1
name: ${name}
target: http://127.0.0.1:3000     # base URL of every path below; --target URL overrides it
http:
  timeout: 5s                     # a request without a complete response by then counts as a timeout

# Fields are drawn afresh for every iteration and used as {{name}} in paths, headers and bodies.
fields:
  userId: { gen: string, length: 8, charset: alnum, unique: true }       # unique: never repeats within a run
  userPw: { gen: string, length: 12, charset: alnum }

# Data files feed one row per iteration: {{people.name}}, {{people.domain}} (the CSV's header row names the columns).
data:
  people: { file: ${data}, order: circular }   # circular: row i mod rows; also queue, shuffle, random

# Requests run in order, once per iteration; an iteration stops at the first failed one.
requests:
  - name: signup                  # the metric key in the summary and result file
    method: POST
    path: /signup
    template: ${template}   # a JSON body template, relative to this file
    expect: 200                   # other statuses count as failures
  - name: login
    method: POST
    path: /login
    json: { userId: "{{userId}}", userPw: "{{userPw}}" }   # an inline JSON body
    expect: 200
    capture:
      token: $.token              # {{token}} in the requests after this one
  - name: me
    path: /me
    headers:
      Authorization: Bearer {{token}}
    expect: 200
    think: [100ms, 300ms]         # a pause after the request, like a user reading the page

# How many iterations and how fast (k6's executors): 5 VUs share 50 iterations. Try instead
#   { executor: constant-vus, vus: 10, duration: 30s } or { executor: constant-arrival-rate, rate: 20, duration: 30s }
load:
  executor: shared-iterations
  vus: 5
  iterations: 50

# Pass/fail: the run exits 99 when one fails.
thresholds:
  http_req_duration: ["p(95)<500"]
  http_req_failed: ["rate<0.01"]
`;
}

function tsScenario(name: string): string {
  return `// A starter scenario made by \`runner init --ts\`. Each iteration is one user's visit to the bundled example API:
// sign up with random fields, log in, call GET /me with the token from the login.
//   start the API:    node node_modules/runner-loadtest/dist/example/main.js --port 3000   (in runner's clone: node dist/example/main.js --port 3000)
//   see the requests: runner inspect ${name}.ts --sample 2
//   check it:         runner validate ${name}.ts --typecheck
//   run it:           runner run ${name}.ts --out ${name}-result.json
import { defineScenario } from 'runner';

export default defineScenario({
  name: '${name}',
  target: 'http://127.0.0.1:3000', // --target URL overrides it
  http: { timeout: '5s' },
  // 5 VUs share 50 iterations (k6's executors and keys).
  load: { executor: 'shared-iterations', vus: 5, iterations: 50 },
  // Drawn afresh for every iteration: ctx.fields.userId.
  fields: {
    userId: { gen: 'string', length: 8, charset: 'alnum', unique: true },
  },
  thresholds: { http_req_duration: ['p(95)<500'], http_req_failed: ['rate<0.01'] },
  iteration: async ({ http, check, fields, gen, sleep }) => {
    const user = { userId: fields.userId, userName: gen.koreanName(), email: gen.email(), userPw: gen.string(12, 'alnum') };

    const signup = await http.post('/signup', user, { name: 'signup' });
    if (!check(signup, { 'signup: status is 200': (r) => r.status === 200 })) return;

    const login = await http.post('/login', { userId: user.userId, userPw: user.userPw }, { name: 'login' });
    if (!check(login, { 'login: status is 200': (r) => r.status === 200 })) return;
    const { token } = login.json<{ token: string }>();

    const me = await http.get('/me', { name: 'me', headers: { Authorization: \`Bearer \${token}\` } });
    check(me, { 'me: status is 200': (r) => r.status === 200 });
    await sleep('200ms'); // a pause, like a user reading the page
  },
});
`;
}
