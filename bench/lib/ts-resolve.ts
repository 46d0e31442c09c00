/**
 * Lets Node run the repository's TypeScript sources directly (type stripping).
 *
 * The repository's tsconfig type-checks `bench/` and, without `allowImportingTsExtensions`, wants
 * relative imports spelled `./x.js`; Node only loads `./x.ts`. This resolve hook bridges the two:
 * inside the repository (outside any node_modules), a relative `.js` specifier whose file does
 * not exist resolves to its `.ts` sibling. Every bench process loads it first (`run.ts` imports
 * it, workers get it through `--import`).
 */
import { existsSync } from "node:fs";
import { registerHooks } from "node:module";

const repoRoot = new URL("../../", import.meta.url).href;

registerHooks({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (
      parent?.startsWith(repoRoot) &&
      !parent.includes("/node_modules/") &&
      (specifier.startsWith("./") || specifier.startsWith("../")) &&
      specifier.endsWith(".js")
    ) {
      const js = new URL(specifier, parent);
      if (!existsSync(js)) {
        const ts = new URL(`${specifier.slice(0, -3)}.ts`, parent);
        if (existsSync(ts)) return nextResolve(ts.href, context);
      }
    }
    return nextResolve(specifier, context);
  },
});
