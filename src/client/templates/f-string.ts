/**
 * The `f-string` template format, rendered the way Python's `str.format(**variables)` does on the
 * service, with the service's leniency: `{{` and `}}` are literal braces, `{name}`,
 * `{name!r}`, `{name:>10}` and `{user[id]}` / `{user.id}` are replaced, a missing or null variable
 * becomes "", and braces that do not form a field (JSON in a prompt, say) stay as they are.
 */

export class FStringRenderError extends Error {}

/** `{field!conv:spec}`; `field` = identifier followed by `.attr` / `[key]` accessors. */
const FIELD = /\{([\p{L}_][\p{L}\p{N}_]*)((?:\.[\p{L}_][\p{L}\p{N}_]*|\[[^\]{}]+\])*)(?:!([rsa]))?(?::([^{}]*))?\}/uy;
const ACCESSOR = /\.([\p{L}_][\p{L}\p{N}_]*)|\[([^\]{}]+)\]/gu;

function lookup(vars: Readonly<Record<string, unknown>>, name: string, accessors: string): unknown {
  let value: unknown = Object.hasOwn(vars, name) ? vars[name] : undefined;
  if (!accessors) return value;
  for (const m of accessors.matchAll(ACCESSOR)) {
    if (value === null || value === undefined) return undefined;
    const key = m[1] ?? m[2]!;
    // Python's `[0]` indexes lists with an int; objects look the key up as a string.
    value = Array.isArray(value) && /^\d+$/.test(key) ? value[Number(key)] : (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Python's `str()` of a JSON-ish value, so local output matches the service's. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function pythonRepr(value: unknown): string {
  if (typeof value === "string") return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\n/g, "\\n")}'`;
  if (value === null || value === undefined) return "None";
  return pythonStr(value);
}

/** `[[fill]align][sign][z][#][0][width][grouping][.precision][type]` */
const SPEC = /^(?:(.)?([<>=^]))?([+\- ])?(z)?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

function group(intPart: string, sep: string | undefined): string {
  if (!sep) return intPart;
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
}

function formatNumber(n: number, type: string, precision: number | undefined, alt: boolean): string {
  switch (type) {
    case "d":
    case "n":
      if (!Number.isInteger(n)) throw new FStringRenderError(`format code '${type}' needs an integer`);
      return String(Math.abs(n));
    case "b":
    case "o":
    case "x":
    case "X": {
      if (!Number.isInteger(n)) throw new FStringRenderError(`format code '${type}' needs an integer`);
      const radix = { b: 2, o: 8, x: 16, X: 16 }[type]!;
      let s = Math.abs(n).toString(radix);
      if (type === "X") s = s.toUpperCase();
      return alt ? `0${type === "X" ? "X" : type}${s}` : s;
    }
    case "c":
      return String.fromCodePoint(n);
    case "e":
    case "E": {
      const s = Math.abs(n).toExponential(precision ?? 6).replace(/e([+-])(\d)$/, "e$10$2");
      return type === "E" ? s.toUpperCase() : s;
    }
    case "f":
    case "F":
      return Math.abs(n).toFixed(precision ?? 6);
    case "%":
      return `${(Math.abs(n) * 100).toFixed(precision ?? 6)}%`;
    case "g":
    case "G":
    case "": {
      if (type === "" && precision === undefined) return String(Math.abs(n));
      const s = String(Number(Math.abs(n).toPrecision(Math.max(precision ?? 6, 1))));
      return type === "G" ? s.toUpperCase() : s;
    }
    default:
      throw new FStringRenderError(`unknown format code '${type}' for a number`);
  }
}

/** Applies a Python format spec; throws `FStringRenderError` where Python would raise. */
export function applyFormatSpec(value: unknown, spec: string): string {
  if (spec === "") return pythonStr(value);
  const m = SPEC.exec(spec);
  if (!m) throw new FStringRenderError(`invalid format spec '${spec}'`);
  const [, fillChar, alignChar, signChar, , altFlag, zeroFlag, widthText, grouping, precisionText, typeChar] = m;
  const type = typeChar ?? "";
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  const width = widthText === undefined ? 0 : Number(widthText);
  const numeric = typeof value === "number" || typeof value === "bigint";
  const fill = fillChar ?? (zeroFlag && !alignChar ? "0" : " ");
  let align = alignChar ?? (zeroFlag && numeric ? "=" : numeric ? ">" : "<");

  let sign = "";
  let body: string;
  if (numeric && type !== "s") {
    const n = Number(value);
    if (n < 0 || Object.is(n, -0)) sign = "-";
    else if (signChar === "+") sign = "+";
    else if (signChar === " ") sign = " ";
    body = formatNumber(n, type, precision, altFlag !== undefined);
    if (grouping && /^[dnfF%eEgG]?$/.test(type)) {
      const digits = /^\d+/.exec(body)?.[0] ?? "";
      body = group(digits, grouping) + body.slice(digits.length);
    }
  } else {
    if (type !== "" && type !== "s") throw new FStringRenderError(`format code '${type}' needs a number, got ${typeof value}`);
    if (signChar) throw new FStringRenderError("sign not allowed in string format specifier");
    if (alignChar === "=") throw new FStringRenderError("'=' alignment not allowed in string format specifier");
    body = pythonStr(value);
    if (precision !== undefined) body = [...body].slice(0, precision).join("");
    align = alignChar ?? "<";
  }

  const len = [...sign].length + [...body].length;
  const pad = Math.max(0, width - len);
  if (pad === 0) return sign + body;
  const padding = (k: number) => fill.repeat(k);
  switch (align) {
    case "<":
      return sign + body + padding(pad);
    case "^":
      return padding(Math.floor(pad / 2)) + sign + body + padding(pad - Math.floor(pad / 2));
    case "=":
      return sign + padding(pad) + body;
    default:
      return padding(pad) + sign + body;
  }
}

type Piece = { text: string } | { name: string; accessors: string; conversion: string | undefined; spec: string | undefined };

/** The template as literal text and replacement fields, by the rules `renderFString` applies. */
function* pieces(template: string): Generator<Piece> {
  let text = "";
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    if (ch === "{" || ch === "}") {
      if (template[i + 1] === ch) {
        text += ch;
        i += 2;
        continue;
      }
      if (ch === "{") {
        FIELD.lastIndex = i;
        const m = FIELD.exec(template);
        if (m) {
          if (text) yield { text };
          text = "";
          const [whole, name, accessors = "", conversion, spec] = m;
          yield { name: name!, accessors, conversion, spec };
          i += whole.length;
          continue;
        }
      }
    }
    text += ch;
    i++;
  }
  if (text) yield { text };
}

/** Renders `template`; throws `FStringRenderError` for a format spec Python would reject. */
export function renderFString(template: string, variables: Readonly<Record<string, unknown>>): string {
  let out = "";
  for (const piece of pieces(template)) {
    if ("text" in piece) {
      out += piece.text;
      continue;
    }
    const value = lookup(variables, piece.name, piece.accessors);
    if (value === null || value === undefined) continue;
    const converted = piece.conversion === "r" || piece.conversion === "a" ? pythonRepr(value) : piece.conversion === "s" ? pythonStr(value) : value;
    out += applyFormatSpec(converted, piece.spec ?? "");
  }
  return out;
}

/** The variable names a template's fields use, in order of first use. */
export function fStringFields(template: string): string[] {
  const names = new Set<string>();
  for (const piece of pieces(template)) if ("name" in piece) names.add(piece.name);
  return [...names];
}
