/**
 * Python `str.format`-style templates, the service's `f-string` format: `{name}`, `{name.attr}`,
 * `{name[0]}`, `{name!r}`, `{name:>10}`; `{{` and `}}` are literal braces. Unlike Python, a brace
 * group that is not a valid replacement field (e.g. JSON in a prompt) stays literal text instead
 * of failing the whole prompt, and a missing or null variable renders as "" (the SDKs' local
 * renderers do the same, so server and cache agree).
 */

type Token = { kind: "text"; text: string } | { kind: "field"; root: string; path: Array<string | number>; conversion?: string; spec?: string; raw: string };

const FIELD = /^([A-Za-z_]\w*)((?:\.[A-Za-z_]\w*|\[[^\]]+\])*)(?:!([rsa]))?(?::(.*))?$/s;
const PATH_PART = /\.([A-Za-z_]\w*)|\[([^\]]+)\]/g;

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  let text = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    const next = template[i + 1];
    if ((ch === "{" && next === "{") || (ch === "}" && next === "}")) {
      text += ch;
      i += 2;
      continue;
    }
    if (ch === "{") {
      const close = template.indexOf("}", i + 1);
      const open = template.indexOf("{", i + 1);
      const inner = close === -1 || (open !== -1 && open < close) ? undefined : template.slice(i + 1, close);
      const match = inner === undefined ? null : FIELD.exec(inner);
      if (match) {
        if (text) tokens.push({ kind: "text", text });
        text = "";
        const path: Array<string | number> = [];
        for (const part of match[2]!.matchAll(PATH_PART)) {
          if (part[1] !== undefined) path.push(part[1]);
          else path.push(/^\d+$/.test(part[2]!) ? Number(part[2]) : part[2]!);
        }
        tokens.push({ kind: "field", root: match[1]!, path, conversion: match[3], spec: match[4], raw: template.slice(i, close + 1) });
        i = close + 1;
        continue;
      }
    }
    text += ch;
    i += 1;
  }
  if (text) tokens.push({ kind: "text", text });
  return tokens;
}

/** Python's `str()` for JSON values. */
function pyStr(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  return JSON.stringify(value);
}

function pyRepr(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  if (value === null || value === undefined) return "None";
  return pyStr(value);
}

/** The common subset of the format mini-language: `[[fill]align][width][.precision][type]`. */
function applySpec(value: unknown, rendered: string, spec: string): string {
  const m = /^(?:(.)?([<>^]))?(\d+)?(?:\.(\d+))?([sdf%])?$/.exec(spec);
  if (!m) return rendered;
  const [, fill = " ", align, width, precision, type] = m;
  let out = rendered;
  if (typeof value === "number") {
    if (type === "f") out = value.toFixed(Number(precision ?? 6));
    else if (type === "%") out = (value * 100).toFixed(Number(precision ?? 6)) + "%";
    else if (type === "d") out = String(Math.trunc(value));
  } else if (precision !== undefined) {
    out = out.slice(0, Number(precision));
  }
  const pad = Number(width ?? 0) - out.length;
  if (pad <= 0) return out;
  const side = align ?? (typeof value === "number" ? ">" : "<");
  if (side === ">") return fill.repeat(pad) + out;
  if (side === "^") return fill.repeat(Math.floor(pad / 2)) + out + fill.repeat(Math.ceil(pad / 2));
  return out + fill.repeat(pad);
}

function lookup(root: unknown, path: Array<string | number>): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

export interface RenderResult {
  text: string;
  /** Variables the template uses that were absent (rendered as ""). */
  missing: string[];
}

export function renderFString(template: string, variables: Record<string, unknown>): RenderResult {
  const missing = new Set<string>();
  let text = "";
  for (const token of tokenize(template)) {
    if (token.kind === "text") {
      text += token.text;
      continue;
    }
    if (!Object.hasOwn(variables, token.root)) missing.add(token.root);
    const value = lookup(variables[token.root], token.path);
    let rendered = token.conversion === "r" || token.conversion === "a" ? pyRepr(value) : pyStr(value);
    if (token.spec) rendered = applySpec(value, rendered, token.spec);
    text += rendered;
  }
  return { text, missing: [...missing] };
}

/** The variable names a template uses, in order of first use. */
export function fStringVariables(template: string): string[] {
  const names = new Set<string>();
  for (const token of tokenize(template)) if (token.kind === "field") names.add(token.root);
  return [...names];
}
