/**
 * The `pl_event:<type>:<event id>` entries of a metadata annotation, read as outcome events
 * (the value of each is the event as a JSON object: `{type, label?, source?, value?, user_id?,
 * ts, metadata?}`). Problems are reported under `body.metadata.<key>` (and `.<field>` inside an
 * event) alongside any other problem with the body, so one 422 lists them all.
 */
import type { Issue } from "../domain/errors.js";
import { EVENT_KEY_PREFIX, EVENT_TYPES, type EventType, type OutcomeEvent } from "../domain/events.js";
import { isObject } from "../domain/json.js";
import { Fields } from "./validate.js";

// The event id is everything after the type, so ids may themselves contain colons.
const EVENT_KEY = /^pl_event:([^:]*):(.+)$/s;

const isEventType = (type: string): type is EventType => (EVENT_TYPES as readonly string[]).includes(type);

/** The type-specific `value`, or undefined after recording an issue. */
function eventValue(type: EventType, f: Fields, raw: unknown, loc: Array<string | number>): number | string | null | undefined {
  switch (type) {
    case "feedback":
      return f.oneOf("value", ["up", "down"] as const, { required: true });
    case "rating":
      return f.number("value", { required: true, min: 1, max: 5 });
    case "engagement":
      return f.number("value", { required: true, min: 0 });
    case "click":
    case "conversion":
      // Free for the sender's use (a revenue, a link target); not used by the statistics.
      if (raw === undefined || raw === null) return null;
      if (typeof raw === "string" || (typeof raw === "number" && Number.isFinite(raw))) return raw;
      f.issues.push({ loc, msg: "Input should be a number or a string", type: "value_error" });
      return undefined;
  }
}

function parseEvent(key: string, text: string, issues: Issue[]): OutcomeEvent | undefined {
  const loc = ["body", "metadata", key];
  const match = EVENT_KEY.exec(key);
  if (!match) {
    issues.push({ loc, msg: "Event keys look like pl_event:<type>:<event id>", type: "value_error" });
    return undefined;
  }
  const [, keyType, eventId] = match as unknown as [string, string, string];
  if (!isEventType(keyType)) {
    issues.push({ loc, msg: `Event type should be ${EVENT_TYPES.map((t) => `'${t}'`).join(", ")}`, type: "enum" });
    return undefined;
  }
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch (error) {
    issues.push({ loc, msg: `Invalid JSON: ${(error as Error).message}`, type: "json_invalid" });
    return undefined;
  }
  if (!isObject(event)) {
    issues.push({ loc, msg: "The event should be a JSON object", type: "dict_type" });
    return undefined;
  }
  const f = new Fields(event, loc);
  const type = f.string("type", { required: true });
  if (type !== undefined && type !== keyType) f.issues.push({ loc: [...loc, "type"], msg: `Input should be '${keyType}', the type in the key`, type: "literal_error" });
  const label = f.string("label") ?? null;
  const source = f.string("source") ?? null;
  const userId = f.string("user_id") ?? null;
  const ts = f.time("ts", { required: true });
  const metadata = f.object("metadata") ?? null;
  const value = eventValue(keyType, f, event.value, [...loc, "value"]);
  if (f.issues.length) {
    issues.push(...f.issues);
    return undefined;
  }
  return { eventId, type: keyType, label, source, value: value ?? null, userId, ts: ts!, metadata };
}

/**
 * Splits metadata into its events and the entries that stay ordinary request metadata. Problems
 * go to `issues`; the caller fails the whole call if there are any.
 */
export function eventEntries(metadata: Record<string, string>, issues: Issue[]): { events: OutcomeEvent[]; rest: Record<string, string> } {
  const events: OutcomeEvent[] = [];
  const rest: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (!key.startsWith(EVENT_KEY_PREFIX)) {
      rest[key] = value;
      continue;
    }
    const event = parseEvent(key, value, issues);
    if (event) events.push(event);
  }
  return { events, rest };
}
