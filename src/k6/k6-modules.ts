// The k6 modules a script may import, as esbuild sees them: each import of `k6` or `k6/*` resolves to a small
// virtual module that reads the VU's runtime (`__k6rt`, a parameter of the instance function, instance.ts).
// Every binding it exports is named `__k6_…`, a name esbuild keeps, so transform.ts knows the blocking ones.

/** Supported modules → their named exports; `default` is the module object itself where k6 has one. */
export const K6_MODULES: Record<string, { key: string; names: readonly string[]; hasDefault: boolean }> = {
  k6: { key: 'k6', names: ['check', 'group', 'sleep', 'fail', 'randomSeed'], hasDefault: false },
  'k6/http': {
    key: 'http',
    names: ['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch', 'asyncRequest', 'cookieJar', 'CookieJar', 'url', 'file', 'expectedStatuses', 'setResponseCallback', 'TLS_1_0', 'TLS_1_1', 'TLS_1_2', 'TLS_1_3'],
    hasDefault: true,
  },
  'k6/metrics': { key: 'metrics', names: ['Counter', 'Gauge', 'Rate', 'Trend'], hasDefault: true },
  'k6/data': { key: 'data', names: ['SharedArray'], hasDefault: true },
  'k6/execution': { key: 'execution', names: ['vu', 'scenario', 'instance', 'test'], hasDefault: true },
  'k6/encoding': { key: 'encoding', names: ['b64encode', 'b64decode'], hasDefault: true },
  'k6/crypto': { key: 'crypto', names: ['md5', 'sha1', 'sha256', 'sha384', 'sha512', 'sha512_224', 'sha512_256', 'hmac', 'randomBytes', 'createHash', 'createHMAC'], hasDefault: true },
  'k6/timers': { key: 'timers', names: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'], hasDefault: true },
};

/** Modules k6 has that runner does not run, with why (shown in the load-time error). */
const UNSUPPORTED: [RegExp, string][] = [
  [/^k6\/browser$/, 'browser automation is not part of runner'],
  [/^k6\/net\/grpc$/, 'gRPC is not supported'],
  [/^k6\/ws$/, 'WebSockets are not supported through k6/ws'],
  [/^k6\/experimental\//, "k6's experimental modules are not supported"],
  [/^k6\/x\//, 'k6 extensions (xk6) are not supported'],
];

/** Why `spec` (an import path) cannot be loaded in a k6 script, or undefined when it can. */
export function unsupportedImport(spec: string): { message: string; hint: string } | undefined {
  if (/^https?:\/\//.test(spec)) {
    return { message: `remote module '${spec}' is not supported: runner does not download code`, hint: 'save the module next to the script and import it by a relative path' };
  }
  if (spec !== 'k6' && !spec.startsWith('k6/')) return undefined;
  if (K6_MODULES[spec]) return undefined;
  const why = UNSUPPORTED.find(([re]) => re.test(spec))?.[1] ?? 'runner does not implement it';
  return { message: `k6 module '${spec}' is not supported: ${why}`, hint: `supported k6 modules: ${Object.keys(K6_MODULES).join(', ')} (README: "Coming from k6")` };
}

/** The local name a module's export is bound to in the bundle. */
export function shimName(spec: string, name: string): string {
  const m = K6_MODULES[spec];
  return m.key === 'k6' ? `__k6_${name}` : `__k6_${m.key}_${name}`;
}

/** The virtual module's source. */
export function shimSource(spec: string): string {
  const m = K6_MODULES[spec];
  const self = m.key === 'k6' ? '__k6_k6' : `__k6_${m.key}`;
  const lines = [`var ${self} = __k6rt.${m.key};`];
  const exports: string[] = [];
  for (const name of m.names) {
    lines.push(`var ${shimName(spec, name)} = ${self}.${name};`);
    exports.push(`${shimName(spec, name)} as ${name}`);
  }
  if (m.hasDefault) exports.push(`${self} as default`);
  lines.push(`export { ${exports.join(', ')} };`);
  return lines.join('\n');
}

/**
 * True when the script imports `k6` or a `k6/*` module (import, dynamic import or require), or — importing
 * nothing from runner — default-exports a function, which is a k6 script that needs no k6 module (a runner
 * scenario default-exports defineScenario's object).
 */
export function isK6Script(source: string): boolean {
  if (/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]k6(?:\/[^'"]*)?['"]/.test(source)) return true;
  const importsRunner = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]runner['"]/.test(source);
  return !importsRunner && /\bexport\s+default\s+(?:async\s+)?(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)/.test(source);
}
