/**
 * Every resource of the PromptLayer client, against the local backend: templates (publish, get,
 * page/all/iterate, invalidate), run (plain and streamed), track (score, metadata, prompt, group),
 * group.create, logRequest, runWorkflow and client-side validation.
 *
 *   npx promptlayer-otel dev            # in another terminal; prints the exports below
 *   PROMPTLAYER_BASE_URL=http://127.0.0.1:8787 PROMPTLAYER_API_KEY=… \
 *   OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=sk-local node examples/client-tour.ts
 */
import { PromptLayer, PromptLayerValidationError } from "promptlayer-otel";

const pl = new PromptLayer({ cacheTtlSeconds: 30 });

// templates: publish a version, read it back (rendered), list, iterate pages
const published = await pl.templates.publish({
  promptName: "tour-greeting",
  promptTemplate: {
    type: "chat",
    input_variables: ["name"],
    messages: [{ role: "user", input_variables: ["name"], template_format: "f-string", content: [{ type: "text", text: "Greet {name} in five words." }] }],
  },
  metadata: { model: { provider: "openai", name: "gpt-4o-mini", parameters: { temperature: 0.2 } } },
  commitMessage: "Tour: first version",
  releaseLabels: ["prod"],
});
console.log(`templates.publish → ${published?.prompt_name} v${published?.version_number}`);

const template = await pl.templates.get("tour-greeting", { label: "prod", inputVariables: { name: "Ada" } });
console.log("templates.get     →", JSON.stringify(template?.llm_kwargs?.messages));
let count = 0;
for await (const item of pl.templates.iterate({ perPage: 1 })) if (item.prompt_name) count++; // one page per template
console.log(`templates.iterate → ${count} templates`);
const page = await pl.templates.page({ perPage: 2 }); // one page, with the paging fields
console.log(`templates.page    → ${page.items.length} of ${page.total} (page ${page.page} of ${page.pages})`);
const found = await pl.templates.all({ name: "tour-" }); // the items of one page, filtered by name
console.log("templates.all     →", found.map((t) => t.prompt_name).join(", "));
// The cache (cacheTtlSeconds: 30) holds tour-greeting now; fetch() is get() that also says whether
// the cache answered. invalidate() drops it (so does publish).
const hit = await pl.templates.fetch("tour-greeting", { label: "prod", inputVariables: { name: "Alan" } });
pl.templates.invalidate("tour-greeting");
const miss = await pl.templates.fetch("tour-greeting", { label: "prod", inputVariables: { name: "Alan" } });
console.log(`templates.invalidate → cache hit before: ${hit.cacheHit}, after: ${miss.cacheHit}`);

// run: fetch the template, call OpenAI with your own key, log the request
const result = await pl.run({ promptName: "tour-greeting", promptReleaseLabel: "prod", inputVariables: { name: "Ada" }, tags: ["tour"], metadata: { user_id: "u-1" } });
console.log(`run               → request ${result.request_id}`);

// run with stream: true: items carry a chunk and the blueprint accumulated so far; the last, the request id
let chunks = 0;
let streamedId: number | null = null;
for await (const item of await pl.run({ promptName: "tour-greeting", promptReleaseLabel: "prod", inputVariables: { name: "Grace" }, stream: true })) {
  chunks++;
  streamedId = item.request_id;
}
console.log(`run (stream)      → ${chunks} chunks, request ${streamedId}`);

// track and group: annotate the logged request
const requestId = result.request_id!;
console.log("track.score       →", await pl.track.score({ requestId, score: 87, name: "helpfulness" }));
console.log("track.metadata    →", await pl.track.metadata({ requestId, metadata: { plan: "pro" } }));
const groupId = await pl.group.create();
console.log("group.create      →", groupId, "track.group →", groupId !== false && (await pl.track.group({ requestId, groupId })));

// logRequest: log a call made elsewhere
const logged = await pl.logRequest({
  provider: "openai",
  model: "gpt-4o-mini",
  input: { type: "chat", messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }] },
  output: { type: "chat", messages: [{ role: "assistant", content: [{ type: "text", text: "Hello!" }] }] },
  requestStartTime: Date.now() - 120,
  requestEndTime: Date.now(),
  inputTokens: 3,
  outputTokens: 2,
});
console.log(`logRequest        → request ${logged?.id}`);
// track.prompt: link that request to the registry prompt it came from
console.log("track.prompt      →", await pl.track.prompt({ requestId: logged!.id, promptName: "tour-greeting", promptInputVariables: { name: "Ada" }, label: "prod" }));

// runWorkflow: the sample workflow of the local backend (`dev` seeds it)
console.log("runWorkflow       →", await pl.runWorkflow({ workflowName: "support-triage", inputVariables: { question: "Can I get a refund?" }, timeout: 30_000 }));

// bad input is a typed error before anything is sent
try {
  await pl.track.score({ requestId, score: 140 });
} catch (error) {
  console.log("validation        →", error instanceof PromptLayerValidationError ? error.message : error);
}
