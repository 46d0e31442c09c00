/**
 * Sample data for a fresh local backend (the demo, `dev --seed`): an OpenAI and an Anthropic
 * support template and a small workflow. Idempotent: what already exists is left alone, so
 * restarting on the same data directory does not add versions.
 */
import type { NodeType, WorkflowNode } from "./domain/workflow.js";
import { normalizePromptTemplate } from "./domain/prompt-template.js";
import type { LocalStore } from "./store/index.js";

export const SAMPLE_TEMPLATE = "support-reply";
export const SAMPLE_ANTHROPIC_TEMPLATE = "support-reply-claude";
export const SAMPLE_WORKFLOW = "support-triage";

const SYSTEM = "You are a friendly support agent for Acme. Answer in two sentences or fewer.";

function chat(system: string, user: string) {
  return normalizePromptTemplate(
    {
      type: "chat",
      messages: [
        { role: "system", content: [{ type: "text", text: system }] },
        { role: "user", content: [{ type: "text", text: user }] },
      ],
    },
    ["seed"],
  );
}

const node = (name: string, nodeType: NodeType, configuration: WorkflowNode["configuration"], extra: Partial<WorkflowNode> = {}): WorkflowNode => ({
  name,
  node_type: nodeType,
  is_output_node: false,
  dependencies: [],
  configuration,
  ...extra,
});

export interface SeedResult {
  /** Names of what this call created (empty when everything already existed). */
  templates: string[];
  workflows: string[];
}

export function seedSampleData(store: LocalStore): SeedResult {
  const created: SeedResult = { templates: [], workflows: [] };
  if (!store.templates.find(SAMPLE_TEMPLATE)) {
    store.templates.publish({
      name: SAMPLE_TEMPLATE,
      promptTemplate: chat(SYSTEM, "{question}"),
      metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.3, max_tokens: 256 }, api_type: "chat-completions" } },
      commitMessage: "Sample support template",
      tags: ["sample", "support"],
      releaseLabels: ["prod"],
    });
    created.templates.push(SAMPLE_TEMPLATE);
  }
  if (!store.templates.find(SAMPLE_ANTHROPIC_TEMPLATE)) {
    store.templates.publish({
      name: SAMPLE_ANTHROPIC_TEMPLATE,
      promptTemplate: chat(SYSTEM, "{question}"),
      metadata: { model: { provider: "anthropic", name: "claude-haiku-4-5", parameters: { max_tokens: 512, temperature: 0.3 } } },
      commitMessage: "Sample support template (Anthropic)",
      tags: ["sample", "support"],
      releaseLabels: ["prod"],
    });
    created.templates.push(SAMPLE_ANTHROPIC_TEMPLATE);
  }
  if (!store.workflows.find(SAMPLE_WORKFLOW)) {
    store.workflows.save(
      SAMPLE_WORKFLOW,
      [
        node("question", "VARIABLE", { value: { type: "input", name: "question" } }),
        node("is_refund", "CONDITIONAL", { source: "question", operator: "contains", value: "refund", then: "refund_policy", else: "answer" }, { dependencies: ["question"] }),
        node("refund_policy", "TEMPLATE_STRING", { template: "Refunds are issued within 14 days of purchase. You asked: {question}" }, { dependencies: ["is_refund"], is_output_node: true }),
        node("answer", "PROMPT_TEMPLATE", { template: { prompt_name: SAMPLE_TEMPLATE, label: "prod" }, input_variables: { question: "question" } }, { dependencies: ["is_refund"], is_output_node: true }),
      ],
      "Sample triage workflow",
      ["prod"],
    );
    created.workflows.push(SAMPLE_WORKFLOW);
  }
  return created;
}
