/**
 * Outcome events: what happened after a request was answered (a click, a conversion, feedback,
 * a rating, time engaged). The client sends each as a `/library-track-metadata` entry keyed
 * `pl_event:<type>:<event id>` whose value is the event as JSON; the backend keeps them as rows
 * of their own so experiments can count them per prompt version.
 */
import type { Json } from "./json.js";

export const EVENT_KEY_PREFIX = "pl_event:";

export const EVENT_TYPES = ["click", "conversion", "feedback", "rating", "engagement"] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** `value` by type: feedback "up" | "down"; rating 1–5; engagement ≥ 0 (e.g. seconds); click and conversion optional. */
export interface OutcomeEvent {
  /** The sender's id for the event; a second delivery with the same id is the same event. */
  eventId: string;
  type: EventType;
  label: string | null;
  source: string | null;
  value: number | string | null;
  userId: string | null;
  /** ISO 8601: when the event happened (the sender's clock). */
  ts: string;
  metadata: Json | null;
}
