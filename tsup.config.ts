import { defineConfig } from "tsup";

// One build for every public entry point. ESM and CJS side by side with types; code shared
// between entries is bundled per entry for CJS, so process-wide state lives on globalThis.
export default defineConfig({
  entry: {
    index: "src/index.ts",
    register: "src/register.ts",
    cli: "src/cli.ts",
    "demo-agent": "src/cli/demo-agent.ts",
    instrumentations: "instrumentations/index.ts",
    local: "local/index.ts",
    "ai-sdk": "src/ai-sdk.ts",
    "openai-agents": "src/openai-agents.ts",
    "claude-agents": "src/claude-agents.ts",
  },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "node22",
  platform: "node",
  shims: true,
  splitting: true,
  // No keepNames: its helper re-defines `name` on every closure created at run time, which cost
  // several µs per instrumented call (bench/RESULTS.md). Our own traced functions name their spans.
  // Keep `node:` specifiers: `node:sqlite` has no bare-name form.
  removeNodeProtocol: false,
  // The web page's static files are read at run time from next to the bundle.
  onSuccess: "node -e \"require('node:fs').cpSync('local/web', 'dist/web', { recursive: true })\"",
});
