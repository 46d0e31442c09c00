/**
 * `pl.openai()` / `pl.anthropic()`: the SDKs' own client classes, extended so that every call is
 * also logged to PromptLayer, with `pl_tags`. The calls keep the SDK's types and `APIPromise`.
 *
 *   npx promptlayer-otel dev            # in another terminal; prints the exports below
 *   PROMPTLAYER_BASE_URL=http://127.0.0.1:8787 PROMPTLAYER_API_KEY=… \
 *   OPENAI_BASE_URL=http://127.0.0.1:8787/v1 OPENAI_API_KEY=sk-local \
 *   ANTHROPIC_BASE_URL=http://127.0.0.1:8787 ANTHROPIC_API_KEY=sk-ant-local node examples/client-wrappers.ts
 */
import { PromptLayer, type LoggedRequest } from "promptlayer-otel";

const pl = new PromptLayer();

// Requests are logged in the background; onRequestLogged reports each one's request-log id.
const logged: LoggedRequest[] = [];
const allLogged = (n: number) =>
  new Promise<void>((resolve) => {
    const check = () => (logged.length >= n ? resolve() : setTimeout(check, 10));
    check();
  });
const onRequestLogged = (r: LoggedRequest) => void logged.push(r);

// OpenAI: the class takes the usual options (here OPENAI_API_KEY / OPENAI_BASE_URL from the environment).
const OpenAI = await pl.openai({ tags: ["wrappers-example"], onRequestLogged });
const openai = new OpenAI();
// pl_tags: logged as the request's tags, removed before the request goes to OpenAI. (Not in the
// SDK's parameter types: pass the parameters as a variable, not an inline literal.)
const hello = { model: "gpt-4o-mini", messages: [{ role: "user" as const, content: "Say hello in three words." }], pl_tags: ["greeting"] };
const completion = await openai.chat.completions.create(hello);
console.log("openai reply      →", completion.choices[0]?.message.content);

// Streams come back unchanged; the log is written once the stream ends, with the whole reply.
const stream = await openai.chat.completions.create({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Count to three." }], stream: true });
let streamed = "";
for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
console.log("openai stream     →", streamed);

// Anthropic, the same way (ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL).
const Anthropic = await pl.anthropic({ tags: ["wrappers-example"], onRequestLogged });
const anthropic = new Anthropic();
const goodbye = { model: "claude-haiku-4-5", max_tokens: 64, messages: [{ role: "user" as const, content: "Say goodbye in three words." }], pl_tags: ["farewell"] };
const message = await anthropic.messages.create(goodbye);
console.log("anthropic reply   →", message.content.map((b) => (b.type === "text" ? b.text : "")).join(""));

await allLogged(3);
for (const r of logged) console.log(`logged            → request ${r.request_id} (${r.function_name})`);

// The logged requests can be annotated like any other.
console.log("track.score       →", await pl.track.score({ requestId: logged[0]!.request_id, score: 100 }));
