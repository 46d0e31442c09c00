/**
 * bench/overhead.png: per-call CPU overhead above the bare SDK, in-process mode, one panel per
 * SDK version and scenario. Peers that did not instrument are written in, never drawn as zero.
 */
import { Raster, type RGB } from "./chart/png.js";
import type { Row, Table } from "./analysis.js";
import { GROUPS } from "./config.js";
import type { Scenario } from "./workload.js";

const FAMILY_COLOR: Record<string, RGB> = {
  ours: [33, 102, 172],
  contrib: [230, 120, 20],
  traceloop: [40, 150, 70],
  openinference: [130, 70, 170],
  builtin: [140, 100, 60],
};
const INK: RGB = [30, 30, 30];
const MUTED: RGB = [110, 110, 110];
const RED: RGB = [200, 30, 30];

/** Content-on bars are a lighter tint of the family colour. */
const tint = (c: RGB): RGB => [c[0] + (255 - c[0]) * 0.5, c[1] + (255 - c[1]) * 0.5, c[2] + (255 - c[2]) * 0.5];

function label(r: Row): string {
  const fam = r.cell.variant.split(":")[0]!;
  const name = { ours: "PROMPTLAYER-OTEL", contrib: "OTEL CONTRIB", traceloop: "TRACELOOP", openinference: "OPENINFERENCE", builtin: "ANTHROPIC SDK BUILT-IN" }[fam] ?? fam;
  return r.variant.content === "n/a" || fam === "builtin" ? name : `${name}, CONTENT ${r.variant.content.toUpperCase()}`;
}

const SCALE = 2;
const ROW_H = 24;
const LABEL_W = 372;
const BAR_W = 300;
const PANEL_W = LABEL_W + BAR_W + 120;
const PANEL_GAP = 30;

function panelRows(t: Table): Row[] {
  return t.rows.filter((r) => r.variant.family !== "bare" && r.variant.family !== "provider");
}

function drawPanel(img: Raster, x: number, y: number, t: Table, s: Scenario, title: string): void {
  img.text(x, y, title, INK, SCALE);
  const rows = panelRows(t);
  const max = Math.max(1, ...rows.map((r) => (r.timed ? (r.m[s]?.cpuOverUs ?? 0) : 0)));
  const top = y + 28;
  img.rect(x + LABEL_W - 1, top - 4, 1, rows.length * ROW_H + 4, MUTED);
  rows.forEach((r, i) => {
    const ry = top + i * ROW_H;
    img.text(x, ry + 4, label(r), INK, SCALE);
    if (!r.timed) {
      img.text(x + LABEL_W + 6, ry + 4, r.cell.status === "did-not-instrument" ? "DID NOT INSTRUMENT" : "ERROR", RED, SCALE);
      return;
    }
    const v = r.m[s]?.cpuOverUs ?? NaN;
    const fam = r.cell.variant.split(":")[0]!;
    const base = FAMILY_COLOR[fam] ?? MUTED;
    const w = Number.isFinite(v) && v > 0 ? (v / max) * BAR_W : 0;
    img.rect(x + LABEL_W, ry + 2, w, ROW_H - 6, r.variant.content === "on" ? tint(base) : base);
    const note = r.cell.status === "extra-spans" ? " (EXTRA SPANS)" : "";
    img.text(x + LABEL_W + w + 6, ry + 4, `${Number.isFinite(v) ? v.toFixed(1) : "-"}${note}`, r.cell.status === "extra-spans" ? RED : INK, SCALE);
  });
}

export function renderChart(tables: Table[], subtitle: string): Buffer {
  const panels = GROUPS.flatMap((g) => {
    const t = tables.find((x) => x.group === g.id && x.transport === "inproc");
    return t ? [{ t, g }] : [];
  });
  const heights = panels.map(({ t }) => 28 + panelRows(t).length * ROW_H + 36);
  const width = 2 * PANEL_W + PANEL_GAP + 40;
  const height = 90 + heights.reduce((a, b) => a + b, 0) + 30;
  const img = new Raster(width, height);
  img.text(20, 16, "PER-CALL OVERHEAD ABOVE THE BARE SDK - CPU µS PER CALL, IN-PROCESS MODE (LOWER IS BETTER)", INK, SCALE);
  img.text(20, 40, subtitle.toUpperCase(), MUTED, SCALE);
  let y = 80;
  panels.forEach(({ t, g }, i) => {
    drawPanel(img, 20, y, t, "nonStream", `${g.id.toUpperCase()} - NON-STREAMING`);
    drawPanel(img, 20 + PANEL_W + PANEL_GAP, y, t, "stream", `${g.id.toUpperCase()} - STREAMING, 50 CHUNKS`);
    y += heights[i]!;
  });
  img.text(20, height - 24, "LIGHTER BAR = CONTENT CAPTURE ON. EACH VALUE: MEDIAN OVER ROUNDS OF (VARIANT - BARE SDK) CPU TIME.", MUTED, SCALE);
  return img.png();
}
