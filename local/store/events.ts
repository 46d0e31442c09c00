/** Outcome events attached to request logs (see domain/events.ts). */
import type { EventType, OutcomeEvent } from "../domain/events.js";
import type { Json } from "../domain/json.js";
import { fromJson, nowIso, toJson, type Db } from "./db.js";

export interface EventRow extends OutcomeEvent {
  id: number;
  requestId: number;
  createdAt: string;
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const row = (r: Raw): EventRow => ({
  id: Number(r.id),
  eventId: String(r.event_id),
  requestId: Number(r.request_id),
  type: String(r.type) as EventType,
  label: str(r.label),
  source: str(r.source),
  value: r.value === null || r.value === undefined ? null : typeof r.value === "number" ? r.value : String(r.value),
  userId: str(r.user_id),
  ts: String(r.ts),
  metadata: fromJson<Json | null>(r.metadata, null),
  createdAt: String(r.created_at),
});

export class EventStore {
  constructor(private readonly db: Db) {}

  /** Stores an event; false (and nothing written) when its event id is already stored. */
  insert(requestId: number, event: OutcomeEvent): boolean {
    const { changes } = this.db.run(
      `INSERT INTO request_events (event_id, request_id, type, label, source, value, user_id, ts, metadata, created_at)
       VALUES ($eventId, $requestId, $type, $label, $source, $value, $userId, $ts, $metadata, $now)
       ON CONFLICT (event_id) DO NOTHING`,
      {
        eventId: event.eventId,
        requestId,
        type: event.type,
        label: event.label,
        source: event.source,
        value: event.value,
        userId: event.userId,
        ts: event.ts,
        metadata: toJson(event.metadata ?? undefined),
        now: nowIso(),
      },
    );
    return changes > 0;
  }

  byEventId(eventId: string): EventRow | undefined {
    const r = this.db.get("SELECT * FROM request_events WHERE event_id = $eventId", { eventId });
    return r ? row(r) : undefined;
  }

  /** A request's events in the order they happened. */
  forRequest(requestId: number): EventRow[] {
    return this.db.all("SELECT * FROM request_events WHERE request_id = $requestId ORDER BY ts, id", { requestId }).map(row);
  }
}
