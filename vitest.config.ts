import { transform } from "esbuild";
import { defineConfig, type Plugin } from "vitest/config";

// Vite's default transformer does not lower TC39 standard decorators yet; esbuild does, the way
// users' own builds (tsc, esbuild, tsup) will. Only decorator test files take this path.
const standardDecorators: Plugin = {
  name: "tc39-standard-decorators",
  enforce: "pre",
  async transform(code, id) {
    if (!id.endsWith(".decorators.test.ts")) return undefined;
    const out = await transform(code, { loader: "ts", target: "es2022", sourcemap: true, sourcefile: id });
    return { code: out.code, map: out.map };
  },
};

export default defineConfig({
  plugins: [standardDecorators],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/browser/**", "**/node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep child-process-heavy suites from starving each other.
    maxWorkers: 2,
  },
});
