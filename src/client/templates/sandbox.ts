/**
 * Hardening for nunjucks, which, unlike Jinja2's SandboxedEnvironment, has no sandbox: a template
 * can reach the Function constructor through any function's `constructor`
 * (`{{ range.constructor("return process")() }}`) and run arbitrary code in the host. Templates
 * come from the registry — anyone with write access to it could otherwise run code in every app
 * that renders locally, and in the local backend.
 *
 * A template reaches values in four ways, and each is narrowed here:
 * - member lookups (`a.b`, `a["b"]`, `a[x]`) go through the runtime's `memberLookup`. The key is
 *   turned into a string once, before it is checked and used (`a[["constructor"]]`, or an object
 *   whose `toString` answers differently each time, cannot slip past the check); dangerous members
 *   are refused whatever the key's type; a lookup never yields a code-compiling function
 *   (`Function`, `AsyncFunction`, `GeneratorFunction`, `AsyncGeneratorFunction`, `eval`),
 *   whatever it was called; and the engine's own objects (environment, render context, frames,
 *   templates) have no members for a template.
 * - names (`{{ x }}`, `x()`) go through `contextOrFrameLookup` and resolve only to the render's own
 *   variables, the environment's globals and nunjucks' loop and macro variables — never to what the
 *   variables object inherits: `{{ valueOf() }}` would otherwise run with the render context as
 *   `this` and hand the template the environment (to add filters to every later render).
 * - filters and tests (`x | f`, `x is t`) resolve only to registered ones, not to inherited
 *   `valueOf`/`__defineGetter__`, which nunjucks calls with the render context as `this`.
 * - `{% include %}`/`{% import %}`/`{% extends %}` read files through the environment's loaders;
 *   the renderers (jinja.ts here, local/render/jinja2.ts in the backend) create their
 *   environments with none, since nunjucks otherwise loads from `./views` — and, its path check
 *   being a prefix check, from siblings such as `./views-private`.
 *
 * The runtime object and `Environment.prototype` are shared by every nunjucks environment in the
 * process, so this also protects (and, for these lookups only, restricts) other nunjucks users in
 * the app. Runs only while rendering, and costs a few property checks per lookup.
 */

/** Members a template never gets: they lead to constructors, prototypes or the call stack. */
const BLOCKED_MEMBERS = new Set([
  "constructor",
  "__proto__",
  "prototype",
  "__defineGetter__",
  "__defineSetter__",
  "__lookupGetter__",
  "__lookupSetter__",
  "caller",
  "callee",
  "arguments",
]);

/** Names a template never resolves; `caller` is not among them: in a macro it is the `{% call %}` body. */
const BLOCKED_NAMES = new Set([...BLOCKED_MEMBERS].filter((name) => name !== "caller"));

/** Functions that compile strings into code. */
const CODE_RUNNERS = new Set<unknown>([
  Function,
  (async () => {}).constructor,
  function* () {}.constructor,
  async function* () {}.constructor,
  globalThis.eval,
]);

const HARDENED = Symbol.for("promptlayer-otel.nunjucks-hardened");

type Lookup = (obj: unknown, val: unknown, ...rest: unknown[]) => unknown;

interface Runtime {
  memberLookup: Lookup;
  contextOrFrameLookup: (context: RenderContext, frame: Frame, name: string) => unknown;
  Frame: abstract new (...args: never[]) => object;
  [HARDENED]?: true;
}

interface Frame {
  lookup(name: string): unknown;
}

interface RenderContext {
  getVariables(): Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}

interface EnvironmentInternals {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
  getFilter(name: string): unknown;
  getTest(name: string): unknown;
  renderString(source: string, variables: object): string;
}

/** The parts of the nunjucks module this needs. */
export interface NunjucksModule {
  runtime: unknown;
  Environment: abstract new (...args: never[]) => object;
  Template: abstract new (...args: never[]) => object;
}

/** True when a template may look up this member of an object. */
export function isAllowedMember(key: string): boolean {
  return !BLOCKED_MEMBERS.has(key);
}

/** True when a value must never reach a template: it turns strings into code. */
export function isCodeRunner(value: unknown): boolean {
  return typeof value === "function" && CODE_RUNNERS.has(value);
}

/**
 * The property key a lookup with `val` uses, computed once: objects' `toString` is template code
 * (a `joiner()` answers "" first and something else after) and must not get a second say.
 * Symbols cannot come from a template and are refused.
 */
function propertyKey(val: unknown): string | undefined {
  if (typeof val === "symbol") return undefined;
  return String(val);
}

/** Makes the nunjucks module refuse dangerous lookups (idempotent). */
export function hardenNunjucks(nunjucks: NunjucksModule): void {
  const runtime = nunjucks.runtime as Runtime;
  if (runtime[HARDENED]) return;
  const envProto = nunjucks.Environment.prototype as EnvironmentInternals;
  const engineObjects = [envProto, nunjucks.Template.prototype, runtime.Frame.prototype];
  const contextProto = renderContextPrototype(nunjucks);
  if (contextProto) engineObjects.push(contextProto);
  const isEngineObject = (obj: object) => {
    const proto = Object.getPrototypeOf(obj) as unknown;
    // Template data is mostly plain objects and arrays: settle those without walking the chain.
    if (proto === Object.prototype || proto === Array.prototype || proto === null) return false;
    for (const engineProto of engineObjects) if (Object.prototype.isPrototypeOf.call(engineProto, obj)) return true;
    return false;
  };

  const memberLookup = runtime.memberLookup;
  runtime.memberLookup = function (this: unknown, obj, val) {
    // Primitive keys convert the same way every time; pass them on as they are (jinja-compat's
    // slices take `undefined` bounds). Objects convert once, here.
    const key = typeof val === "object" || typeof val === "function" ? propertyKey(val) : val;
    const name = propertyKey(key);
    if (name === undefined || !isAllowedMember(name)) return undefined;
    if (obj !== null && obj !== undefined) {
      if ((typeof obj === "object" || typeof obj === "function") && isEngineObject(obj)) return undefined;
      if (isCodeRunner((obj as Record<string, unknown>)[name])) return undefined;
    }
    if (arguments.length <= 2) return memberLookup(obj, key);
    // Extra arguments (jinja-compat's slice bounds) go along unchanged.
    const args = Array.prototype.slice.call(arguments) as unknown[];
    args[1] = key;
    return memberLookup.apply(this, args as [unknown, unknown]);
  };

  runtime.contextOrFrameLookup = (context, frame, name) => {
    const key = propertyKey(name);
    if (key === undefined || BLOCKED_NAMES.has(key)) return undefined;
    const value = ownLookup(context, frame, key);
    return isCodeRunner(value) ? undefined : value;
  };

  const getFilter = envProto.getFilter;
  const getTest = envProto.getTest;
  envProto.getFilter = function (this: EnvironmentInternals, name) {
    if (!Object.hasOwn(this.filters, name)) throw new Error(`filter not found: ${name}`);
    return getFilter.call(this, name);
  };
  envProto.getTest = function (this: EnvironmentInternals, name) {
    if (!Object.hasOwn(this.tests, name)) throw new Error(`test not found: ${name}`);
    return getTest.call(this, name);
  };
  runtime[HARDENED] = true;
}

/**
 * nunjucks' name resolution (frame, then the render's variables, then globals), own properties
 * only. Frames keep their variables in prototype-less objects; the variables object is a plain
 * copy of the caller's, whose prototype a `{% set __proto__ = … %}` or an input variable named
 * `__proto__` could even replace.
 */
function ownLookup(context: RenderContext, frame: Frame, name: string): unknown {
  const local = frame.lookup(name);
  if (local !== undefined) return local;
  const variables = context.getVariables();
  if (Object.hasOwn(variables, name)) return variables[name];
  const globals = context.env.globals;
  return Object.hasOwn(globals, name) ? globals[name] : undefined;
}

/** The prototype of nunjucks' (unexported) render context, seen by a global called during a render. */
function renderContextPrototype(nunjucks: NunjucksModule): object | undefined {
  let proto: object | undefined;
  const probe = function (this: object) {
    proto = Object.getPrototypeOf(this) as object;
  };
  try {
    const Environment = nunjucks.Environment as unknown as new (loaders: unknown[]) => EnvironmentInternals;
    new Environment([]).renderString("{{ probe() }}", { probe });
  } catch {
    // An unexpected nunjucks: the other checks still hold.
  }
  return proto === Object.prototype ? undefined : proto;
}
