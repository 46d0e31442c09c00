/**
 * `promptlayer-otel demo`: a small traced agent exporting over real OTLP/HTTP to a receiver
 * started in-process, then the span tree that arrived. No account, keys or network needed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { startOtlpReceiver } from "../../local/otlp/receiver.js";
import { formatSpanTree } from "../../local/otlp/tree.js";
import { init, shutdown } from "../tracing/sdk.js";
import { traceable } from "../tracing/traceable.js";

const DOCS = [
  { id: "kb-12", title: "Resetting a password", text: "Open Settings → Security and choose Reset." },
  { id: "kb-40", title: "Two-factor login", text: "Codes expire after 30 seconds." },
  { id: "kb-77", title: "Locked accounts", text: "Accounts unlock automatically after 15 minutes." },
];

const plan = traceable(function plan(question: string) {
  return question.toLowerCase().includes("password") ? ["search", "summarise"] : ["summarise"];
});

const search = traceable(
  async function* search(query: string) {
    for (const doc of DOCS) {
      await sleep(5);
      if (query.split(" ").some((w) => doc.text.toLowerCase().includes(w) || doc.title.toLowerCase().includes(w))) yield doc;
    }
  },
  { tags: ["retrieval"] },
);

const rank = traceable(async function rank(docs: typeof DOCS) {
  await sleep(3);
  return [...docs].sort((a, b) => a.title.localeCompare(b.title));
});

const summarise = traceable(async function summarise(question: string, docs: typeof DOCS) {
  await sleep(8);
  return docs.length ? `${docs[0]!.text} (from ${docs.map((d) => d.id).join(", ")})` : `No article answers "${question}".`;
});

const answer = traceable(
  async function supportAgent(question: string) {
    const steps = plan(question);
    const found: typeof DOCS = [];
    if (steps.includes("search")) for await (const doc of search("reset password")) found.push(doc);
    const ranked = await rank(found);
    return summarise(question, ranked);
  },
  { name: "support-agent", metadata: { channel: "demo" } },
);

export async function runDemo(): Promise<void> {
  const receiver = await startOtlpReceiver();
  init({ endpoint: receiver.url, serviceName: "promptlayer-otel-demo", handleExit: false });

  console.log("Running a traced support agent…");
  const [first, second] = await Promise.all([answer("How do I reset my password?"), answer("Why is my account locked?")]);
  console.log(`  → ${first}\n  → ${second}\n`);

  await shutdown();
  const spans = await receiver.waitForSpans(1);
  await receiver.close();
  console.log(`Received ${spans.length} spans over OTLP/HTTP (protobuf) at ${receiver.url}:\n`);
  console.log(
    formatSpanTree(spans, (s) => {
      const out = s.attributes.function_output;
      return typeof out === "string" ? `→ ${out.length > 60 ? out.slice(0, 57) + "…" : out}` : "";
    }),
  );
}
