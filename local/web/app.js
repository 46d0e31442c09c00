// The local backend's web page: traces, request log, templates and experiments, read from the
// JSON API under /api/local. Plain ES module, no build step. Everything shown is escaped.

const KEY_STORE = "promptlayer-local-key";
const view = document.getElementById("view");
const conn = document.getElementById("conn");

// The dev command prints a URL with the key in the fragment (never sent to the server), and the
// demo one that also says which page to open (`&to=/traces/<id>`).
(function takeKeyFromHash() {
  const m = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!m) return;
  localStorage.setItem(KEY_STORE, decodeURIComponent(m[1]));
  const to = /&to=([^&]+)/.exec(location.hash);
  const page = to ? decodeURIComponent(to[1]) : "/traces";
  history.replaceState(null, "", location.pathname + "#" + (page.startsWith("/") ? page : "/traces"));
})();

const esc = (v) =>
  String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);

class Unauthorized extends Error {}

async function api(path) {
  const key = localStorage.getItem(KEY_STORE);
  if (!key) throw new Unauthorized();
  const res = await fetch(path, { headers: { "X-API-KEY": key } });
  if (res.status === 401) throw new Unauthorized();
  if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`);
  return res.json();
}

const fmtMs = (ms) => (ms == null ? "" : ms < 1 ? `${ms.toFixed(2)} ms` : ms < 1000 ? `${ms.toFixed(ms < 10 ? 1 : 0)} ms` : `${(ms / 1000).toFixed(2)} s`);
const fmtTime = (iso) => {
  const d = new Date(iso.endsWith("Z") || iso.includes("+") ? iso : iso + "Z");
  return Number.isNaN(d.getTime()) ? esc(iso) : d.toLocaleString(undefined, { hour12: false, month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
};
const num = (n) => (n == null ? "" : Number(n).toLocaleString());
const pretty = (v) => {
  if (typeof v === "string") {
    try {
      return JSON.stringify(JSON.parse(v), null, 2);
    } catch {
      return v;
    }
  }
  return JSON.stringify(v, null, 2);
};
const parseJson = (v) => {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return undefined;
  }
};

function setNav(section) {
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.nav === section);
}

// ---- key form ---------------------------------------------------------------------------------

function keyForm(message) {
  view.innerHTML = `<div class="card keyform">
    <h1>Connect to the local backend</h1>
    <p class="muted">${esc(message ?? "Paste the API key printed by `npx promptlayer-otel dev` (or open the URL it prints).")}</p>
    <input id="key" placeholder="pl_local_…" autocomplete="off" spellcheck="false" />
    <button id="save">Connect</button></div>`;
  document.getElementById("save").onclick = () => {
    localStorage.setItem(KEY_STORE, document.getElementById("key").value.trim());
    route();
  };
}

// ---- traces -----------------------------------------------------------------------------------

async function tracesPage() {
  setNav("traces");
  view.innerHTML = `<h1>Traces</h1><div class="card"><table>
    <thead><tr><th>Started</th><th>Root span</th><th>Service</th><th class="num">Duration</th><th class="num">Spans</th><th class="num">Tokens in / out</th><th>Status</th></tr></thead>
    <tbody id="rows"></tbody></table><div id="foot"></div></div>`;
  const rows = document.getElementById("rows");
  const foot = document.getElementById("foot");
  let before;
  let beforeTrace;
  async function load() {
    const page = await api(`/api/local/traces?limit=50${before != null ? `&before=${before}&before_trace_id=${encodeURIComponent(beforeTrace)}` : ""}`);
    rows.insertAdjacentHTML(
      "beforeend",
      page.items
        .map(
          (t) => `<tr data-trace="${esc(t.trace_id)}">
          <td>${fmtTime(t.start_time)}</td><td>${esc(t.root_span_name ?? "(missing root)")}</td><td class="muted">${esc(t.service_name ?? "")}</td>
          <td class="num">${fmtMs(t.duration_ms)}</td><td class="num">${num(t.span_count)}</td>
          <td class="num">${t.input_tokens || t.output_tokens ? `${num(t.input_tokens)} / ${num(t.output_tokens)}` : ""}</td>
          <td>${t.error_count ? `<span class="pill err">${num(t.error_count)} error${t.error_count > 1 ? "s" : ""}</span>` : `<span class="pill ok">ok</span>`}</td></tr>`,
        )
        .join(""),
    );
    before = page.next_before;
    beforeTrace = page.next_before_trace_id;
    foot.innerHTML = before != null ? `<button class="more" id="more">Load more</button>` : rows.children.length ? "" : `<div class="empty">No traces yet. Point an app at this backend (PROMPTLAYER_BASE_URL) and run it.</div>`;
    if (before != null) document.getElementById("more").onclick = load;
  }
  rows.onclick = (e) => {
    const tr = e.target.closest("tr[data-trace]");
    if (tr) location.hash = `#/traces/${tr.dataset.trace}`;
  };
  await load();
}

function flatten(nodes, depth = 0, out = []) {
  for (const n of nodes) {
    out.push({ node: n, depth });
    flatten(n.children ?? [], depth + 1, out);
  }
  return out;
}

const nanos = (s) => BigInt(s);
const isLlm = (s) => s.attributes?.["gen_ai.operation.name"] && s.attributes?.["gen_ai.provider.name"];

async function tracePage(traceId) {
  setNav("traces");
  const data = await api(`/api/local/traces/${encodeURIComponent(traceId)}`);
  const rows = flatten(data.spans);
  const start = rows.reduce((m, r) => (nanos(r.node.start_time_unix_nano) < m ? nanos(r.node.start_time_unix_nano) : m), nanos(rows[0].node.start_time_unix_nano));
  const end = rows.reduce((m, r) => (nanos(r.node.end_time_unix_nano) > m ? nanos(r.node.end_time_unix_nano) : m), 0n);
  const total = Number(end - start) || 1;
  const t = data.trace;
  view.innerHTML = `<div class="crumbs"><a href="#/traces">Traces</a> / <span class="mono">${esc(traceId)}</span></div>
    <h1>${esc(t.root_span_name ?? traceId)}</h1>
    <div class="stats">
      <div class="stat"><div class="n">${fmtMs(t.duration_ms)}</div><div class="l">duration</div></div>
      <div class="stat"><div class="n">${num(t.span_count)}</div><div class="l">spans</div></div>
      <div class="stat"><div class="n">${num(t.input_tokens)} / ${num(t.output_tokens)}</div><div class="l">tokens in / out</div></div>
      <div class="stat"><div class="n">${num(t.error_count)}</div><div class="l">errors</div></div>
      <div class="stat"><div class="n">${num(data.request_logs.length)}</div><div class="l">request logs</div></div>
    </div>
    <div class="split"><div class="card tree" id="tree"></div><div class="card detail" id="detail"></div></div>`;
  const tree = document.getElementById("tree");
  tree.innerHTML = rows
    .map(({ node: s, depth }, i) => {
      const left = (Number(nanos(s.start_time_unix_nano) - start) / total) * 100;
      const width = Math.max((Number(nanos(s.end_time_unix_nano) - nanos(s.start_time_unix_nano)) / total) * 100, 0.3);
      const cls = s.status?.code === 2 ? "err" : isLlm(s) ? "llm" : "";
      return `<div class="row" data-i="${i}">
        <div class="name" data-depth="${depth}"><span class="caret">${s.children?.length ? "▾" : "·"}</span>${esc(s.name)}
          ${isLlm(s) ? ` <span class="pill llm">${esc(s.attributes["gen_ai.provider.name"])}</span>` : ""}${s.status?.code === 2 ? ` <span class="pill err">error</span>` : ""}</div>
        <div class="bar"><span class="${cls}" data-left="${left}" data-width="${width}"></span></div>
        <div class="dur">${fmtMs(s.duration_ms)}</div></div>`;
    })
    .join("");
  // Geometry goes through the CSSOM: the page's CSP allows no inline style attributes.
  for (const el of tree.querySelectorAll("[data-depth]")) el.style.paddingLeft = `${Number(el.dataset.depth) * 16}px`;
  for (const el of tree.querySelectorAll("[data-left]")) {
    el.style.left = `${el.dataset.left}%`;
    el.style.width = `${el.dataset.width}%`;
  }
  const select = (i) => {
    for (const el of tree.querySelectorAll(".row")) el.classList.toggle("sel", Number(el.dataset.i) === i);
    document.getElementById("detail").innerHTML = spanDetail(rows[i].node);
  };
  tree.onclick = (e) => {
    const row = e.target.closest(".row");
    if (row) select(Number(row.dataset.i));
  };
  select(0);
}

function renderParts(parts) {
  return (parts ?? [])
    .map((p) => {
      if (p.type === "text" || p.type === "reasoning") return `<div>${p.type === "reasoning" ? `<span class="muted">thinking: </span>` : ""}${esc(p.content)}</div>`;
      if (p.type === "tool_call") return `<div class="part-tool">→ ${esc(p.name)}(${esc(typeof p.arguments === "string" ? p.arguments : JSON.stringify(p.arguments))})${p.id ? ` <span class="muted">${esc(p.id)}</span>` : ""}</div>`;
      if (p.type === "tool_call_response") return `<div class="part-tool">← ${esc(typeof p.response === "string" ? p.response : JSON.stringify(p.response))}</div>`;
      if (p.type === "blob" || p.type === "uri" || p.type === "file") return `<div class="muted">[${esc(p.modality ?? p.type)} ${esc(p.mime_type ?? p.uri ?? p.file_id ?? "")}]</div>`;
      return `<div class="muted">[${esc(p.type)}]</div>`;
    })
    .join("");
}

function renderMessages(title, messages) {
  if (!Array.isArray(messages) || !messages.length) return "";
  return `<h2>${esc(title)}</h2>${messages
    .map((m) => `<div class="msg ${esc(m.role)}"><div class="role">${esc(m.role)}${m.finish_reason ? ` · ${esc(m.finish_reason)}` : ""}</div>${renderParts(m.parts)}</div>`)
    .join("")}`;
}

function spanDetail(s) {
  const a = s.attributes ?? {};
  const error = s.status?.code === 2 ? `<div class="error-box">${esc(s.status.message ?? "error")}${a["error.type"] ? ` <span class="muted">(${esc(a["error.type"])})</span>` : ""}</div>` : "";
  const headline = [
    ["Model", a["gen_ai.response.model"] ?? a["gen_ai.request.model"]],
    ["Provider", a["gen_ai.provider.name"]],
    ["Tokens in / out", a["gen_ai.usage.input_tokens"] != null ? `${num(a["gen_ai.usage.input_tokens"])} / ${num(a["gen_ai.usage.output_tokens"])}` : undefined],
    ["Finish", Array.isArray(a["gen_ai.response.finish_reasons"]) ? a["gen_ai.response.finish_reasons"].join(", ") : undefined],
    ["Prompt", a["promptlayer.prompt.name"] ? `${a["promptlayer.prompt.name"]}${a["promptlayer.prompt.version"] ? ` v${a["promptlayer.prompt.version"]}` : ""}${a["promptlayer.prompt.label"] ? ` (${a["promptlayer.prompt.label"]})` : ""}` : undefined],
    ["User", a["user.id"]],
    ["Session", a["session.id"]],
    ["Duration", fmtMs(s.duration_ms)],
  ].filter(([, v]) => v != null && v !== "");
  const system = parseJson(a["gen_ai.system_instructions"]);
  const input = parseJson(a["gen_ai.input.messages"]);
  const output = parseJson(a["gen_ai.output.messages"]);
  const fnIn = a.function_input;
  const fnOut = a.function_output;
  const shown = new Set(["gen_ai.system_instructions", "gen_ai.input.messages", "gen_ai.output.messages", "function_input", "function_output"]);
  const rest = Object.entries(a).filter(([k]) => !shown.has(k)).sort(([x], [y]) => x.localeCompare(y));
  const exceptions = (s.events ?? []).filter((e) => e.name === "exception");
  return `<h1>${esc(s.name)}</h1>${error}
    <div class="kv">${headline.map(([k, v]) => `<div class="k">${esc(k)}</div><div class="v">${esc(v)}</div>`).join("")}</div>
    ${s.request_log_ids?.length ? `<p>Request log: ${s.request_log_ids.map((id) => `<a href="#/requests/${id}">#${id}</a>`).join(", ")}</p>` : ""}
    ${Array.isArray(system) && system.length ? `<h2>System instructions</h2><div class="msg system">${renderParts(system)}</div>` : ""}
    ${renderMessages("Input messages", input)}${renderMessages("Output", output)}
    ${fnIn != null ? `<h2>Input</h2><pre>${esc(pretty(fnIn))}</pre>` : ""}
    ${fnOut != null ? `<h2>Output</h2><pre>${esc(pretty(fnOut))}</pre>` : ""}
    ${exceptions.map((e) => `<h2>Exception</h2><pre>${esc(e.attributes?.["exception.type"] ?? "")}: ${esc(e.attributes?.["exception.message"] ?? "")}\n${esc(e.attributes?.["exception.stacktrace"] ?? "")}</pre>`).join("")}
    <h2>Attributes</h2><div class="kv mono">${rest.map(([k, v]) => `<div class="k" title="${esc(k)}">${esc(k)}</div><div class="v">${esc(typeof v === "string" ? v : JSON.stringify(v))}</div>`).join("")}</div>`;
}

// ---- requests ---------------------------------------------------------------------------------

async function requestsPage() {
  setNav("requests");
  view.innerHTML = `<h1>Request log</h1><div class="card"><table>
    <thead><tr><th>Time</th><th>#</th><th>Prompt</th><th>Provider / model</th><th class="num">Tokens in / out</th><th>Tags</th><th>Status</th></tr></thead>
    <tbody id="rows"></tbody></table><div id="foot"></div></div>`;
  const rows = document.getElementById("rows");
  const foot = document.getElementById("foot");
  let before;
  async function load() {
    const page = await api(`/api/local/requests?limit=50${before != null ? `&before_id=${before}` : ""}`);
    rows.insertAdjacentHTML(
      "beforeend",
      page.items
        .map((r) => {
          const prompt = r.function_kwargs?.prompt_name ?? r.prompt_version?.metadata?.prompt_name;
          return `<tr data-id="${esc(r.id)}"><td>${fmtTime(r.request_start_time)}</td><td class="muted">${esc(r.id)}</td>
            <td>${r.prompt_id ? `<span class="pill label">${esc(prompt ?? `prompt ${r.prompt_id}`)} v${esc(r.prompt_version_number)}</span>` : `<span class="muted">—</span>`}</td>
            <td>${esc(r.provider_type)} <span class="muted">${esc(r.engine ?? "")}</span></td>
            <td class="num">${num(r.input_tokens)} / ${num(r.output_tokens)}</td>
            <td>${(r.tags_array ?? []).map((t) => `<span class="pill">${esc(t)}</span>`).join(" ")}</td>
            <td>${r.status === "ERROR" ? `<span class="pill err">${esc(r.error_type ?? "error")}</span>` : `<span class="pill ok">${esc((r.status ?? "success").toLowerCase())}</span>`}</td></tr>`;
        })
        .join(""),
    );
    before = page.next_before_id;
    foot.innerHTML = before != null ? `<button class="more" id="more">Load more</button>` : rows.children.length ? "" : `<div class="empty">No requests logged yet.</div>`;
    if (before != null) document.getElementById("more").onclick = load;
  }
  rows.onclick = (e) => {
    const tr = e.target.closest("tr[data-id]");
    if (tr) location.hash = `#/requests/${tr.dataset.id}`;
  };
  await load();
}

async function requestPage(id) {
  setNav("requests");
  const r = await api(`/api/local/requests/${encodeURIComponent(id)}`);
  const template = r.prompt_blueprint?.prompt_template ?? r.prompt_version?.prompt_template;
  view.innerHTML = `<div class="crumbs"><a href="#/requests">Requests</a> / #${esc(r.id)}</div>
    <h1>${esc(r.provider_type)} · ${esc(r.engine ?? "")}</h1>
    ${r.status === "ERROR" ? `<div class="error-box">${esc(r.error_type)}: ${esc(r.error_message)}</div>` : ""}
    <div class="card panel">
      <div class="kv">
        <div class="k">Started</div><div class="v">${fmtTime(r.request_start_time)}</div>
        <div class="k">Tokens in / out</div><div class="v">${num(r.input_tokens)} / ${num(r.output_tokens)}</div>
        <div class="k">Prompt</div><div class="v">${r.prompt_id ? `#${esc(r.prompt_id)} v${esc(r.prompt_version_number)}` : "—"}</div>
        <div class="k">Trace</div><div class="v">${r.trace_id ? `<a href="#/traces/${esc(r.trace_id)}" class="mono">${esc(r.trace_id)}</a>` : "—"}</div>
        <div class="k">Metadata</div><div class="v mono">${esc(JSON.stringify(Object.assign({}, ...(r.metadata ?? []))))}</div>
        <div class="k">Scores</div><div class="v mono">${esc(JSON.stringify(r.scores ?? []))}</div>
      </div>
      ${template?.messages ? `<h2>Conversation</h2>${template.messages.map((m) => `<div class="msg ${esc(m.role)}"><div class="role">${esc(m.role)}</div>${esc((m.content ?? []).map((c) => c.text ?? "").join(""))}${(m.tool_calls ?? []).map((c) => `<div class="part-tool">→ ${esc(c.function?.name)}(${esc(c.function?.arguments)})</div>`).join("")}</div>`).join("")}` : ""}
      <h2>Request</h2><pre>${esc(pretty(r.function_kwargs))}</pre>
      <h2>Response</h2><pre>${esc(pretty(r.request_response))}</pre>
    </div>`;
}

// ---- templates --------------------------------------------------------------------------------

async function templatesPage() {
  setNav("templates");
  const { items } = await api("/api/local/templates");
  view.innerHTML = `<h1>Prompt templates</h1><div class="card"><table>
    <thead><tr><th>Name</th><th class="num">Latest</th><th>Labels</th><th>Tags</th><th>Updated</th></tr></thead><tbody id="rows">
    ${items
      .map(
        (t) => `<tr data-name="${esc(t.prompt_name)}"><td>${esc(t.prompt_name)}</td><td class="num">v${esc(t.latest_version)}</td>
        <td>${Object.entries(t.labels ?? {}).map(([l, v]) => `<span class="pill label">${esc(l)} → v${esc(v)}</span>`).join(" ")}${(t.releases ?? []).length ? ` <span class="pill llm">A/B</span>` : ""}</td>
        <td>${(t.tags ?? []).map((x) => `<span class="pill">${esc(x)}</span>`).join(" ")}</td><td class="muted">${fmtTime(t.updated_at ?? t.created_at ?? "")}</td></tr>`,
      )
      .join("")}</tbody></table>${items.length ? "" : `<div class="empty">No templates. Publish one with the client's templates.publish().</div>`}</div>`;
  document.getElementById("rows").onclick = (e) => {
    const tr = e.target.closest("tr[data-name]");
    if (tr) location.hash = `#/templates/${encodeURIComponent(tr.dataset.name)}`;
  };
}

function templateBody(pt) {
  if (!pt) return "";
  if (pt.type === "chat") {
    return (pt.messages ?? [])
      .map((m) => `<div class="msg ${esc(m.role)}"><div class="role">${esc(m.role)}${m.template_format ? ` · ${esc(m.template_format)}` : ""}</div>${esc((m.content ?? []).map((c) => c.text ?? `[${c.type}]`).join(""))}</div>`)
      .join("");
  }
  return `<pre>${esc((pt.content ?? []).map((c) => c.text ?? "").join(""))}</pre>`;
}

async function templatePage(name) {
  setNav("templates");
  const t = await api(`/api/local/templates/${encodeURIComponent(name)}`);
  const labelsOf = (version) => Object.entries(t.labels ?? {}).filter(([, v]) => v === version).map(([l]) => l);
  // Versions come newest first; each says which release labels point at it.
  view.innerHTML = `<div class="crumbs"><a href="#/templates">Templates</a> / ${esc(t.prompt_name)}</div><h1>${esc(t.prompt_name)}</h1>
    <div class="stats">${Object.entries(t.labels ?? {}).map(([l, v]) => `<div class="stat"><div class="n">v${esc(v)}</div><div class="l">${esc(l)}</div></div>`).join("")}</div>
    ${t.versions
      .map(
        (v) => `<div class="card panel" data-version="${esc(v.version)}">
        <h2>v${esc(v.version)} ${labelsOf(v.version).map((l) => `<span class="pill label">${esc(l)}</span>`).join(" ")} <span class="muted">${esc(v.commit_message ?? "")}</span></h2>
        <div class="muted">${esc(v.metadata?.model?.provider ?? "")} ${esc(v.metadata?.model?.name ?? "")}</div>${templateBody(v.prompt_template)}</div>`,
      )
      .join("")}`;
}

// ---- experiments ------------------------------------------------------------------------------

const pct = (x) => (x == null ? "—" : `${(x * 100).toFixed(1)}%`);
const fixed = (x, digits = 2) => (x == null ? "—" : Number(x).toFixed(digits));
// Same wording as the report's verdict text (local/domain/experiment.ts formatPValue).
const fmtP = (p) => (p == null ? "—" : p < 0.0001 ? "p < 0.0001" : `p = ${p < 0.001 ? p.toPrecision(2) : p.toFixed(p < 0.01 ? 4 : 3)}`);
const METRIC_LABELS = { conversion: "conversion rate", click: "click rate", rating: "mean rating", score: "mean score" };

// A mean with its 95% interval drawn on the metric's scale (rating 1–5, score 0–100).
function meanCell(m, min, max) {
  if (m.mean == null) return `<span class="muted">—</span>`;
  const at = (x) => ((Math.min(Math.max(x, min), max) - min) / (max - min)) * 100;
  const ci = m.ci95;
  return `<div class="mean">${fixed(m.mean)}${ci ? ` <span class="muted">± ${fixed((ci.high - ci.low) / 2)}</span>` : ` <span class="muted">(n = 1)</span>`}</div>
    <div class="ci" title="${esc(ci ? `95% CI ${fixed(ci.low)} – ${fixed(ci.high)}, n = ${m.n}` : `n = ${m.n}`)}">${ci ? `<span data-left="${at(ci.low)}" data-width="${Math.max(at(ci.high) - at(ci.low), 0.5)}"></span>` : ""}<i data-left="${at(m.mean)}"></i></div>`;
}

const VARIANT_ROWS = [
  ["Traffic", (v) => (v.percentage == null ? "—" : `${esc(v.percentage)}%`)],
  ["Requests", (v) => num(v.requests)],
  ["Users", (v) => num(v.users)],
  ["Conversion", (v) => `${pct(v.events.conversion.share)} <span class="muted">(${num(v.events.conversion.requests_with)})</span>`],
  ["Click", (v) => `${pct(v.events.click.share)} <span class="muted">(${num(v.events.click.requests_with)}; ${fixed(v.events.click.rate)}/req)</span>`],
  ["Feedback up / down", (v) => `${num(v.feedback.up)} / ${num(v.feedback.down)}${v.feedback.positive_share == null ? "" : ` <span class="muted">(${pct(v.feedback.positive_share)})</span>`}`],
  ["Rating (95% CI)", (v) => meanCell(v.rating, 1, 5)],
  ["Score (95% CI)", (v) => meanCell(v.score, 0, 100)],
  ["Engagement, mean", (v) => fixed(v.engagement.mean, 1)],
];

function testRow(version, t) {
  const statistic = t.statistic == null ? "—" : t.df == null ? `z = ${fixed(t.statistic)}` : `t = ${fixed(t.statistic)} (df ${fixed(t.df, 1)})`;
  const outcome = t.p_value == null ? `<span class="muted">${esc(t.note ?? "")}</span>` : `${esc(fmtP(t.p_value))}${t.significant ? ` <span class="pill ok">significant</span>` : ""}`;
  return `<tr><td>v${esc(version)}</td><td>${esc(METRIC_LABELS[t.metric] ?? t.metric)}</td><td class="muted">${esc(t.test)}</td><td class="num">${esc(statistic)}</td><td>${outcome}</td></tr>`;
}

function experimentCard(r) {
  const e = r.experiment;
  const verdict = r.verdict.winner != null ? `<div class="verdict win">Version ${esc(r.verdict.winner)} wins <span class="muted">${esc(r.verdict.text.replace(/^version \d+ wins /, ""))}</span></div>` : `<div class="verdict">${esc(r.verdict.text.replace(/^no/, "No"))}</div>`;
  const bonferroni = r.alpha_per_comparison < r.alpha ? `, ${fixed(r.alpha_per_comparison, 4)} per comparison (Bonferroni)` : "";
  return `<div class="card panel experiment">
    <h2>${esc(e.prompt_name)} · <span class="pill label">${esc(e.label)}</span> <span class="muted">${num(r.requests)} requests · ${num(r.users)} users</span></h2>
    ${verdict}
    <table class="static"><thead><tr><th></th>${r.variants.map((v) => `<th class="num">v${esc(v.version)}${v.control ? ` <span class="muted">control</span>` : ""}</th>`).join("")}</tr></thead>
      <tbody>${VARIANT_ROWS.map(([name, cell]) => `<tr><td class="muted">${esc(name)}</td>${r.variants.map((v) => `<td class="num">${cell(v)}</td>`).join("")}</tr>`).join("")}</tbody></table>
    ${
      r.comparisons.length
        ? `<h2>Against control v${esc(r.control_version)} <span class="muted">alpha ${esc(r.alpha)}${esc(bonferroni)}</span></h2>
      <table class="static"><thead><tr><th>Version</th><th>Metric</th><th>Test</th><th class="num">Statistic</th><th>p-value</th></tr></thead>
      <tbody>${r.comparisons.flatMap((c) => c.tests.map((t) => testRow(c.version, t))).join("")}</tbody></table>`
        : ""
    }
    <p class="muted">Score is the request's "${esc(r.score_name)}" score; rating counts each request's latest rating.</p></div>`;
}

async function experimentsPage() {
  setNav("experiments");
  const { items } = await api("/api/local/experiments");
  const reports = await Promise.all(items.map((i) => api(`/api/local/experiments/${encodeURIComponent(i.release_id)}`)));
  view.innerHTML = `<h1>Experiments</h1><p class="muted">A/B releases split a release label's traffic between prompt versions; outcome events and scores show which version does better.</p>
    ${reports.length ? "" : `<div class="card empty">No A/B releases configured.</div>`}
    ${reports.map(experimentCard).join("")}`;
  // Geometry goes through the CSSOM: the page's CSP allows no inline style attributes.
  for (const el of view.querySelectorAll(".ci [data-left]")) {
    el.style.left = `${el.dataset.left}%`;
    if (el.dataset.width) el.style.width = `${el.dataset.width}%`;
  }
}

// ---- router -----------------------------------------------------------------------------------

async function route() {
  const [, section = "traces", id] = location.hash.replace(/^#\/?/, "#/").split("/");
  try {
    if (section === "traces") await (id ? tracePage(decodeURIComponent(id)) : tracesPage());
    else if (section === "requests") await (id ? requestPage(decodeURIComponent(id)) : requestsPage());
    else if (section === "templates") await (id ? templatePage(decodeURIComponent(id)) : templatesPage());
    else if (section === "experiments") await experimentsPage();
    else await tracesPage();
    conn.textContent = "connected";
  } catch (error) {
    if (error instanceof Unauthorized) keyForm(localStorage.getItem(KEY_STORE) ? "That key was refused. Paste the current one." : undefined);
    else view.innerHTML = `<div class="error-box">${esc(error.message)}</div>`;
    conn.textContent = "";
  }
}

window.addEventListener("hashchange", route);
route();
