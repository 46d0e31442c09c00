/**
 * Hardening for nunjucks, which, unlike Jinja2's SandboxedEnvironment, has no sandbox: a template
 * can reach the Function constructor through any function's `constructor`
 * (`{{ range.constructor("return process")() }}`) and run arbitrary code in the host. Templates
 * come from the registry — anyone with write access to it could otherwise run code in every app
 * that renders locally, and in the local backend.
 *
 * Templates only reach properties through nunjucks' runtime `memberLookup` (`a.b`, `a["b"]`) and
 * names through `contextOrFrameLookup`; both are wrapped to refuse the properties that lead to
 * code or prototypes. The runtime object is shared by every nunjucks environment in the process,
 * so this also protects (and, for these names only, restricts) other nunjucks users in the app.
 */
const BLOCKED = new Set([
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

const HARDENED = Symbol.for("promptlayer-otel.nunjucks-hardened");

interface Runtime {
  memberLookup: (obj: unknown, val: unknown) => unknown;
  contextOrFrameLookup: (context: unknown, frame: unknown, name: string) => unknown;
  [HARDENED]?: true;
}

/** True when a template may look this property or name up. */
export function isAllowedLookup(name: unknown): boolean {
  return typeof name !== "string" || !BLOCKED.has(name);
}

/** Makes the nunjucks module's runtime refuse dangerous lookups (idempotent). */
export function hardenNunjucks(nunjucks: { runtime: unknown }): void {
  const runtime = nunjucks.runtime as Runtime;
  if (runtime[HARDENED]) return;
  const memberLookup = runtime.memberLookup;
  const contextOrFrameLookup = runtime.contextOrFrameLookup;
  runtime.memberLookup = (obj, val) => (isAllowedLookup(val) ? memberLookup(obj, val) : undefined);
  runtime.contextOrFrameLookup = (context, frame, name) => (isAllowedLookup(name) ? contextOrFrameLookup(context, frame, name) : undefined);
  runtime[HARDENED] = true;
}
