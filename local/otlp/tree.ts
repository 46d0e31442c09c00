/** Renders received spans as indented trees, one per trace, for terminals. */
import type { ReceivedSpan } from "./decode.js";

function durationMs(s: ReceivedSpan): number {
  return Number((BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1000n) / 1000;
}

export interface SpanTreeNode {
  span: ReceivedSpan;
  children: SpanTreeNode[];
}

/** Groups spans into trees: roots are spans whose parent is absent from the set. */
export function buildSpanTrees(spans: readonly ReceivedSpan[]): SpanTreeNode[] {
  const nodes = new Map(spans.map((s) => [s.spanId, { span: s, children: [] as SpanTreeNode[] }]));
  const roots: SpanTreeNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentSpanId ? nodes.get(node.span.parentSpanId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  // Start times tie often (the SDK stamps them in whole milliseconds) and arrival order is grouped
  // by instrumentation scope, so ties go to the span that ended first: of two siblings started in
  // the same millisecond one after the other, the earlier one ends first.
  const cmp = (x: string, y: string) => {
    const d = BigInt(x) - BigInt(y);
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  };
  const byStart = (a: SpanTreeNode, b: SpanTreeNode) =>
    cmp(a.span.startTimeUnixNano, b.span.startTimeUnixNano) || cmp(a.span.endTimeUnixNano, b.span.endTimeUnixNano);
  for (const node of nodes.values()) node.children.sort(byStart);
  return roots.sort(byStart);
}

export function formatSpanTree(spans: readonly ReceivedSpan[], describe?: (span: ReceivedSpan) => string): string {
  const lines: string[] = [];
  const walk = (node: SpanTreeNode, prefix: string, last: boolean, root: boolean) => {
    const s = node.span;
    const status = s.status.code === 2 ? `  ✗ ${s.status.message ?? "error"}` : "";
    const extra = describe ? describe(s) : "";
    lines.push(`${root ? "" : prefix + (last ? "└─ " : "├─ ")}${s.name}  ${durationMs(s).toFixed(1)} ms${status}${extra ? "  " + extra : ""}`);
    const childPrefix = root ? "" : prefix + (last ? "   " : "│  ");
    node.children.forEach((c, i) => walk(c, childPrefix, i === node.children.length - 1, false));
  };
  for (const root of buildSpanTrees(spans)) {
    lines.push(`trace ${root.span.traceId}`);
    walk(root, "", true, true);
  }
  return lines.join("\n");
}
