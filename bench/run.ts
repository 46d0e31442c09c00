/**
 * `npm run bench` — per-call overhead against the peer instrumentations, export throughput,
 * memory, client, start-up and the local backend's ingest rate, written to bench/RESULTS.md and
 * bench/overhead.png.
 *
 *   npm run bench                      full run (~20–30 min on 2 cores)
 *   npm run bench -- --quick           smoke run; writes to bench/.work/quick/ instead
 *   npm run bench -- --only export,startup --groups openai@6 --rounds 2
 *                                      partial runs (sections, SDK groups, rounds); write to
 *                                      bench/.work/partial/
 *   npm run bench -- --only memory --update
 *                                      re-measure whole sections into the published results
 *   npm run bench -- --report          re-render RESULTS.md and overhead.png from results.json
 *
 * Node runs this TypeScript directly; the resolver that maps the repo's `.js` import specifiers
 * to `.ts` files must be in place before any other bench module loads, hence the dynamic import.
 */
await import(new URL("./lib/ts-resolve.ts", import.meta.url).href);
const { main } = await import("./orchestrate.js");
await main(process.argv.slice(2));
