// Makes k6's blocking calls awaitable: in the bundled script, every function from which a blocking k6 call
// (http.* except asyncRequest, sleep, group) can be reached becomes `async`, and each call to a blocking
// function or primitive is wrapped as `(await call)`. Text is only inserted, never removed or moved across
// lines, so a position in the output maps back by subtracting the insertions before it on its line.
import { parse, type Node } from 'acorn';

/** A blocking call that cannot be awaited where it is; `offset` indexes the bundled code. */
export interface TransformProblem {
  offset: number;
  message: string;
  hint: string;
}

export interface Transformed {
  code: string;
  /** Insertions, sorted by offset in the input. */
  inserts: { offset: number; text: string }[];
  problems: TransformProblem[];
}

/** Names the k6 shims bind (k6-modules.ts): calls to these block. */
export const BLOCKING_NAMES = new Set(['__k6_sleep', '__k6_group', '__k6_http_get', '__k6_http_post', '__k6_http_put', '__k6_http_patch', '__k6_http_del', '__k6_http_head', '__k6_http_options', '__k6_http_request', '__k6_http_batch']);
/** Methods of the `k6/http` default export that block. */
const BLOCKING_HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'del', 'head', 'options', 'request', 'batch']);
const HTTP_OBJECT = '__k6_http';
/** Array and string methods that call their callback synchronously and drop a promise it returns. */
/** Promise methods: awaiting `p.then(…)` because a user method is named `then` would wait where the script did not. */
const NEVER_USER_METHODS = new Set(['then', 'catch', 'finally']);
const SYNC_CALLBACK_METHODS = new Set(['forEach', 'map', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'flatMap', 'sort', 'toSorted', 'replace', 'replaceAll', 'from']);

type AnyNode = Node & Record<string, any>;
type Fn = AnyNode; // FunctionDeclaration | FunctionExpression | ArrowFunctionExpression

interface Binding {
  fn?: Fn;
  /** A parameter of `owner` at `index`: blocking when a blocking function is passed there. */
  param?: { owner: Fn; index: number };
  blocking: boolean;
}

interface Scope {
  parent: Scope | null;
  names: Map<string, Binding>;
  /** Function scopes take `var` and function declarations. */
  isFunction: boolean;
}

interface CallSite {
  node: AnyNode;
  /** Innermost enclosing function; null at the top level. */
  fn: Fn | null;
  /** Why it blocks, re-evaluated until nothing changes. */
  blocks: () => boolean;
  /** Matched only by method name (`obj.login()` where some `login` method blocks): never a load-time error. */
  weak: boolean;
}

/** Transforms bundled (CommonJS, esbuild) code; throws acorn's SyntaxError if it does not parse. */
export function transformBlockingCalls(code: string): Transformed {
  const ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: false }) as AnyNode;
  const blockingFns = new Set<Fn>();
  const methodsByName = new Map<string, Fn[]>();
  const calls: CallSite[] = [];
  /** Functions passed as arguments: [function or binding, call, argument index]. */
  const passed: { value: () => Fn | Binding | undefined; call: AnyNode; callee: () => Binding | undefined; index: number; fn: Fn | null }[] = [];
  const fnOfBinding = new Map<Fn, Binding>();

  const root: Scope = { parent: null, names: new Map(), isFunction: true };
  const lookup = (scope: Scope | null, name: string): Binding | undefined => {
    for (let s = scope; s; s = s.parent) {
      const b = s.names.get(name);
      if (b) return b;
    }
    return undefined;
  };
  const declare = (scope: Scope, name: string, b: Binding = { blocking: false }): Binding => {
    const had = scope.names.get(name);
    if (had) {
      if (b.fn && !had.fn) had.fn = b.fn;
      return had;
    }
    scope.names.set(name, b);
    if (b.fn) fnOfBinding.set(b.fn, b);
    return b;
  };
  const functionScope = (s: Scope): Scope => {
    let f = s;
    while (!f.isFunction && f.parent) f = f.parent;
    return f;
  };

  // Pass 1: declarations (hoisted), so references in pass 2 resolve whatever the order.
  const scopeOf = new Map<AnyNode, Scope>();
  const declarePattern = (scope: Scope, p: AnyNode | null, b?: () => Binding): void => {
    if (!p) return;
    if (p.type === 'Identifier') declare(scope, p.name, b ? b() : { blocking: false });
    else if (p.type === 'ObjectPattern') for (const prop of p.properties) declarePattern(scope, prop.type === 'RestElement' ? prop.argument : prop.value);
    else if (p.type === 'ArrayPattern') for (const el of p.elements) declarePattern(scope, el);
    else if (p.type === 'RestElement') declarePattern(scope, p.argument);
    else if (p.type === 'AssignmentPattern') declarePattern(scope, p.left, b);
  };
  const isFn = (n: AnyNode | null | undefined): boolean => !!n && (n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' || n.type === 'ArrowFunctionExpression');

  const collect = (node: AnyNode, scope: Scope): void => {
    if (!node || typeof node.type !== 'string') return;
    let inner = scope;
    if (isFn(node)) {
      if (node.type === 'FunctionDeclaration' && node.id) declare(functionScope(scope), node.id.name, { fn: node, blocking: false });
      inner = { parent: scope, names: new Map(), isFunction: true };
      if (node.type === 'FunctionExpression' && node.id) declare(inner, node.id.name, { fn: node, blocking: false });
      node.params.forEach((p: AnyNode, index: number) => declarePattern(inner, p, () => ({ param: { owner: node, index }, blocking: false })));
      scopeOf.set(node, inner);
      collectChildren(node.body, inner, true);
      return;
    }
    if (node.type === 'BlockStatement' || node.type === 'ForStatement' || node.type === 'ForInStatement' || node.type === 'ForOfStatement' || node.type === 'SwitchStatement') {
      inner = { parent: scope, names: new Map(), isFunction: false };
      scopeOf.set(node, inner);
    } else if (node.type === 'CatchClause') {
      inner = { parent: scope, names: new Map(), isFunction: false };
      scopeOf.set(node, inner);
      declarePattern(inner, node.param);
    } else if (node.type === 'VariableDeclaration') {
      const target = node.kind === 'var' ? functionScope(scope) : scope;
      for (const d of node.declarations) {
        if (d.id.type === 'Identifier' && isFn(d.init)) declare(target, d.id.name, { fn: d.init, blocking: false });
        else declarePattern(target, d.id);
      }
    } else if (node.type === 'ClassDeclaration' && node.id) {
      declare(scope, node.id.name);
    } else if ((node.type === 'Property' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && !node.computed && isFn(node.value)) {
      const key = node.key.type === 'Identifier' ? node.key.name : String(node.key.value);
      const list = methodsByName.get(key) ?? [];
      list.push(node.value);
      methodsByName.set(key, list);
    } else if (node.type === 'AssignmentExpression' && node.left.type === 'MemberExpression' && !node.left.computed && isFn(node.right)) {
      const key = node.left.property.name as string;
      const list = methodsByName.get(key) ?? [];
      list.push(node.right);
      methodsByName.set(key, list);
    }
    collectChildren(node, inner, false);
  };
  const collectChildren = (node: AnyNode, scope: Scope, isBody: boolean): void => {
    if (isBody && node.type !== 'BlockStatement') return collect(node, scope);
    if (isBody) scopeOf.set(node, scope);
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
      const v = node[key];
      if (Array.isArray(v)) for (const c of v) c && typeof c.type === 'string' && collect(c, scope);
      else if (v && typeof v.type === 'string') collect(v, scope);
    }
  };
  collectChildren(ast, root, false);

  // Pass 2: call sites and functions passed as arguments, each with its enclosing function.
  const bindingOfExpr = (e: AnyNode, scope: Scope): Binding | undefined => (e.type === 'Identifier' ? lookup(scope, e.name) : undefined);
  const fnValue = (e: AnyNode, scope: Scope): Fn | Binding | undefined => (isFn(e) ? e : bindingOfExpr(e, scope));
  const isBlockingValue = (v: Fn | Binding | undefined): boolean => (v === undefined ? false : 'type' in v ? blockingFns.has(v as Fn) : bindingBlocks(v as Binding));
  const bindingBlocks = (b: Binding): boolean => b.blocking || (b.fn !== undefined && blockingFns.has(b.fn));
  const unwrap = (e: AnyNode): AnyNode => (e.type === 'ChainExpression' ? e.expression : e);

  const visit = (node: AnyNode, scope: Scope, fn: Fn | null): void => {
    if (!node || typeof node.type !== 'string') return;
    const own = scopeOf.get(node);
    if (isFn(node)) {
      const inner = own ?? scope;
      for (const p of node.params) visit(p, inner, node);
      visit(node.body, inner, node);
      return;
    }
    const s = own ?? scope;
    // esbuild's runtime helpers (__export, __toCommonJS, …) call nothing of the script's.
    if (node.type === 'VariableDeclarator' && node.id.type === 'Identifier' && node.id.name.startsWith('__') && isFn(node.init)) return;
    if (node.type === 'CallExpression' || node.type === 'NewExpression') {
      const callee = unwrap(node.callee);
      if (node.type === 'CallExpression') {
        if (callee.type === 'Identifier') {
          const name = callee.name as string;
          const b = lookup(s, name);
          if (BLOCKING_NAMES.has(name)) calls.push({ node, fn, blocks: () => true, weak: false });
          else if (b) calls.push({ node, fn, blocks: () => bindingBlocks(b), weak: false });
        } else if (isFn(callee)) {
          // An immediately invoked function: awaited when it blocks.
          calls.push({ node, fn, blocks: () => blockingFns.has(callee), weak: false });
        } else if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
          const prop = callee.property.name as string;
          const obj = unwrap(callee.object);
          if (obj.type === 'Identifier' && obj.name === HTTP_OBJECT) {
            if (BLOCKING_HTTP_METHODS.has(prop)) calls.push({ node, fn, blocks: () => true, weak: false });
          } else {
            const candidates = methodsByName.get(prop);
            if (candidates && !NEVER_USER_METHODS.has(prop)) calls.push({ node, fn, blocks: () => candidates.some((c) => blockingFns.has(c)), weak: true });
          }
        }
      }
      node.arguments.forEach((arg: AnyNode, index: number) => {
        if (isFn(arg) || arg.type === 'Identifier') {
          const value = () => fnValue(arg, s);
          passed.push({ value, call: node, callee: () => (callee.type === 'Identifier' ? lookup(s, callee.name) : undefined), index, fn });
        }
      });
    }
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc') continue;
      const v = node[key];
      if (Array.isArray(v)) for (const c of v) c && typeof c.type === 'string' && visit(c, s, fn);
      else if (v && typeof v.type === 'string') visit(v, s, fn);
    }
  };
  visit(ast, root, null);

  // Fixpoint: a function blocks when one of its calls blocks; a parameter blocks when a blocking function is passed
  // to it. First without the method-name guesses (what surely blocks: only that may be refused), then with them.
  const fixpoint = (withWeak: boolean): void => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const c of calls) {
        if ((withWeak || !c.weak) && c.fn && !blockingFns.has(c.fn) && c.blocks()) {
          blockingFns.add(c.fn);
          changed = true;
        }
      }
      for (const p of passed) {
        if (!isBlockingValue(p.value())) continue;
        const target = p.callee();
        if (!target?.fn) continue;
        const param = target.fn.params[p.index];
        const b = param?.type === 'Identifier' ? scopeOf.get(target.fn)?.names.get(param.name) : undefined;
        if (b && !b.blocking) {
          b.blocking = true;
          changed = true;
        }
      }
    }
  };
  fixpoint(false);
  const strong = new Set(blockingFns);
  const strongCall = new Set(calls.filter((c) => !c.weak && c.blocks()));
  fixpoint(true);

  const problems: TransformProblem[] = [];
  const inserts: { offset: number; text: string }[] = [];
  const fnOf = (v: Fn | Binding | undefined): Fn | undefined => (v === undefined ? undefined : 'type' in v ? (v as Fn) : (v as Binding).fn);
  /** Functions that block only by a method-name guess and cannot wait where they are used: left as they are. */
  const leftSync = new Set<Fn>();
  for (const p of passed) {
    if (!isBlockingValue(p.value())) continue;
    const callee = unwrap(p.call.callee);
    const method = callee.type === 'MemberExpression' && !callee.computed ? (callee.property.name as string) : undefined;
    if (method === undefined || !SYNC_CALLBACK_METHODS.has(method)) continue;
    const fnNode = fnOf(p.value());
    if (fnNode && !strong.has(fnNode)) {
      leftSync.add(fnNode);
      continue;
    }
    // Point at the blocking call inside the callback (or the callback's first one), not at .map( itself.
    const inner = calls.find((c) => c.fn === fnNode && strongCall.has(c));
    problems.push({
      offset: inner ? inner.node.start : p.call.start,
      message: `a blocking k6 call (http request, sleep or group) inside a callback of .${method}(), which cannot wait for it`,
      hint: `runner makes k6's blocking calls awaitable; .${method}() would not await them: use a for...of loop instead`,
    });
  }
  const made = new Set<Fn>();
  for (const fn of blockingFns) {
    if (fn.async || leftSync.has(fn)) continue;
    const at = fn.generator ? 'a generator function makes a blocking k6 call' : asyncOffset(fn, ast, code);
    if (typeof at === 'string') {
      if (strong.has(fn)) problems.push({ offset: findHolder(ast, fn)?.start ?? fn.start, message: at, hint: 'call http, sleep or group from an ordinary function or method' });
      continue;
    }
    inserts.push({ offset: at, text: 'async ' });
    made.add(fn);
  }
  for (const c of calls) {
    if (!c.blocks()) continue;
    if (c.fn === null) {
      if (strongCall.has(c)) problems.push({ offset: c.node.start, message: 'a blocking k6 call (http request, sleep or group) in the init context', hint: 'k6 runs requests only in the default function, setup() or teardown(): move this call into one of them' });
      continue;
    }
    if (!c.fn.async && !made.has(c.fn)) continue;
    inserts.push({ offset: c.node.start, text: '(await ' }, { offset: c.node.end, text: ')' });
  }
  checkPredicates(ast, strong, problems);
  inserts.sort((a, b) => a.offset - b.offset || order(a.text) - order(b.text));
  let out = '';
  let last = 0;
  for (const i of inserts) {
    out += code.slice(last, i.offset) + i.text;
    last = i.offset;
  }
  out += code.slice(last);
  return { code: out, inserts, problems };
}

/** At one offset: a closing paren ends an earlier call before anything else begins there. */
function order(text: string): number {
  return text === ')' ? 0 : text === 'async ' ? 1 : 2;
}

/** Where `async ` goes for this function, or why it cannot be async (getters, setters, constructors). */
function asyncOffset(fn: Fn, ast: AnyNode, code: string): number | string {
  if (fn.type !== 'FunctionExpression') return fn.start;
  const holder = findHolder(ast, fn);
  if (!holder) return fn.start;
  if (holder.kind === 'get' || holder.kind === 'set') return `a ${holder.kind}ter makes a blocking k6 call, and a ${holder.kind}ter cannot wait`;
  if (holder.kind === 'constructor') return 'a constructor makes a blocking k6 call, and a constructor cannot wait';
  if (!holder.method && holder.type === 'Property') return fn.start;
  if (holder.computed) {
    let i = holder.key.start - 1;
    while (i > holder.start && code[i] !== '[') i--;
    return i;
  }
  return holder.key.start;
}

/** The Property or MethodDefinition whose value is `fn`, when it is a method or accessor. */
function findHolder(node: AnyNode, fn: Fn): AnyNode | undefined {
  if (!node || typeof node.type !== 'string') return undefined;
  if ((node.type === 'Property' || node.type === 'MethodDefinition') && node.value === fn) return node;
  if (node.start > fn.start || node.end < fn.end) return undefined;
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const v = node[key];
    if (Array.isArray(v)) {
      for (const c of v) {
        const h = c && typeof c.type === 'string' ? findHolder(c, fn) : undefined;
        if (h) return h;
      }
    } else if (v && typeof v.type === 'string') {
      const h = findHolder(v, fn);
      if (h) return h;
    }
  }
  return undefined;
}

/** `check(value, { name: predicate })`: a predicate that blocks is a problem (k6 checks are synchronous). */
function checkPredicates(node: AnyNode, blockingFns: Set<Fn>, problems: TransformProblem[]): void {
  if (!node || typeof node.type !== 'string') return;
  if (node.type === 'CallExpression' && node.callee.type === 'Identifier' && node.callee.name === '__k6_check' && node.arguments[1]?.type === 'ObjectExpression') {
    for (const prop of node.arguments[1].properties) {
      if (prop.type === 'Property' && blockingFns.has(prop.value)) {
        problems.push({ offset: prop.start, message: 'a check predicate makes a blocking k6 call', hint: 'make the request before check() and check its response' });
      }
    }
  }
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end') continue;
    const v = node[key];
    if (Array.isArray(v)) for (const c of v) c && typeof c.type === 'string' && checkPredicates(c, blockingFns, problems);
    else if (v && typeof v.type === 'string') checkPredicates(v, blockingFns, problems);
  }
}

/**
 * Maps a 0-based column on a 0-based line of the transformed code back to the bundled code, given the input's
 * line start offsets.
 */
export function createPositionMapper(input: string, inserts: readonly { offset: number; text: string }[]): (line: number, column: number) => { line: number; column: number } {
  const lineStarts = [0];
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const byLine = new Map<number, { column: number; length: number }[]>();
  let li = 0;
  for (const ins of inserts) {
    while (li + 1 < lineStarts.length && lineStarts[li + 1] <= ins.offset) li++;
    const list = byLine.get(li) ?? [];
    list.push({ column: ins.offset - lineStarts[li], length: ins.text.length });
    byLine.set(li, list);
  }
  return (line, column) => {
    let shift = 0;
    for (const ins of byLine.get(line) ?? []) {
      if (ins.column + shift + ins.length > column) break;
      shift += ins.length;
    }
    return { line, column: column - shift };
  };
}
