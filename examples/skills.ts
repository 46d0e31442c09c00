/**
 * Skill collections: publish a set of agent skill files, save a new version, pull it back.
 *
 *   npx promptlayer-otel dev            # in another terminal; prints the exports below
 *   PROMPTLAYER_BASE_URL=http://127.0.0.1:8787 PROMPTLAYER_API_KEY=… node examples/skills.ts
 */
import { PromptLayer, PromptLayerValidationError } from "promptlayer-otel";

const pl = new PromptLayer();
// Names are unique; a suffix lets the example run again against the same backend.
const name = `support-skills-${Date.now().toString(36)}`;

const published = await pl.skills.publish({
  name,
  provider: "claude_code",
  files: {
    "refunds/SKILL.md": "---\nname: refunds\ndescription: How to answer refund questions\n---\nRefunds are issued within 14 days.",
    "README.md": "Skills for the support agent.",
  },
  commitMessage: "First version",
});
console.log(`skills.publish → ${published?.skill_collection.name} v${published?.version?.number}`);

// A new version from an edit, a move and a delete, labelled prod.
const updated = await pl.skills.update(name, {
  fileUpdates: [{ path: "refunds/SKILL.md", content: "---\nname: refunds\ndescription: How to answer refund questions\n---\nRefunds are issued within 30 days." }],
  moves: [{ oldPath: "README.md", newPath: "docs/README.md" }],
  commitMessage: "Longer refund window",
  releaseLabel: "prod",
});
console.log(`skills.update  → v${updated?.version?.number}: ${updated?.version?.file_paths?.join(", ")}`);

const prod = await pl.skills.pull(name, { label: "prod" });
console.log(`skills.pull    → prod is v${prod?.version?.number}:`, JSON.stringify(prod?.files["refunds/SKILL.md"]?.split("\n").at(-1)));
const zip = await pl.skills.pull(name, { version: 1, format: "zip" });
console.log(`skills.pull    → v1 as a zip of ${zip?.byteLength} bytes`);

// Paths are checked before anything is sent.
try {
  await pl.skills.publish({ name: "escape", provider: "claude_code", files: { "../etc/passwd": "x" } });
} catch (error) {
  if (!(error instanceof PromptLayerValidationError)) throw error;
  console.log(`validation     → ${error.message}`);
}
