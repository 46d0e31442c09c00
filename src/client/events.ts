/**
 * Outcome events — clicks, conversions, thumbs up/down, ratings, engagement — tied to logged
 * requests, for experiments. A call validates its input and queues the event; delivery happens
 * in the background, so a burst never blocks the caller.
 *
 * Wire format (works against the PromptLayer service, which keeps them as request metadata and
 * named scores, and the local backend, which stores them as first-class events): one
 * `POST /library-track-metadata` per request with an entry `pl_event:<type>:<eventId>` → JSON per
 * event; feedback and ratings also as named scores (`feedback` 100/0, `rating` scaled to 0–100).
 *
 * Delivery guarantee: at least once while the process lives. Transient failures (network, 429,
 * 5xx) are retried with backoff until delivered; the event id makes redelivery harmless. A
 * permanent refusal (e.g. an unknown request id) is reported once through the logger and in
 * `flush()`'s result. At exit a final flush is attempted (bounded); `await pl.track.flush()`
 * before `process.exit()` delivers everything: it also waits for a background delivery already
 * under way (whose events are out of the queue but not delivered yet) and retries what it
 * could not deliver, so nothing can be requeued after `flush()` has resolved with `pending: 0`.
 */
import { randomUUID } from "node:crypto";
import { PromptLayerAPIStatusError, PromptLayerValidationError } from "../errors.js";
import type { HttpClient } from "./http.js";
import { defaultSleep, type Sleep } from "./retry.js";
import { requireId, requireString, requireStringMap } from "./validate.js";

export type OutcomeType = "click" | "conversion" | "feedback" | "rating" | "engagement";
export const OUTCOME_TYPES: readonly OutcomeType[] = ["click", "conversion", "feedback", "rating", "engagement"];

interface OutcomeBase {
  /** The logged request the outcome belongs to (`run()`'s `request_id`). */
  requestId: number;
  /** What was clicked, converted… e.g. `buy-button`. */
  label?: string;
  /** Where it happened, e.g. `web`, `email`. */
  source?: string;
  /**
   * The end user, the same id as `run()`'s and `templates.get()`'s `externalUserId` (optional;
   * experiments count unique users from the request). Sent as `user_id`.
   */
  externalUserId?: string;
  /** Alias of `externalUserId`, kept working; giving both with different values is an error. */
  userId?: string;
  metadata?: Record<string, string>;
  /** When it happened. Default: now. */
  timestamp?: Date;
}

export type ClickEvent = OutcomeBase;
export interface ConversionEvent extends OutcomeBase {
  /** Optional value of the conversion (e.g. order total). */
  value?: number;
}
export interface FeedbackEvent extends OutcomeBase {
  value: "up" | "down";
}
export interface RatingEvent extends OutcomeBase {
  /** 1 to 5. */
  value: number;
}
export interface EngagementEvent extends OutcomeBase {
  /** A non-negative measure, e.g. seconds spent reading the answer. */
  value: number;
}

export type OutcomeEvent =
  | ({ type: "click" } & ClickEvent)
  | ({ type: "conversion" } & ConversionEvent)
  | ({ type: "feedback" } & FeedbackEvent)
  | ({ type: "rating" } & RatingEvent)
  | ({ type: "engagement" } & EngagementEvent);

interface Queued {
  id: string;
  event: OutcomeEvent;
  ts: string;
}

export interface FlushResult {
  /** Events delivered since the queue was created. */
  delivered: number;
  /** Events the service refused for good, with the reason. */
  failed: Array<{ event: OutcomeEvent; error: Error }>;
  /**
   * Events not delivered yet: still queued, or in a delivery still under way (only when
   * `flush()` hit its timeout).
   */
  pending: number;
}

export interface EventQueueOptions {
  /** Events queued at most; beyond, the oldest are dropped and counted. Default 10 000. */
  maxQueue?: number;
  /** Requests' events sent per round. Default 100. */
  maxBatch?: number;
  /** Delay before a round after the first event is queued. Default 200 ms. */
  delayMs?: number;
  sleep?: Sleep;
}

/** Validates one event; throws `PromptLayerValidationError`. */
export function validateOutcome(e: OutcomeEvent): void {
  if (!OUTCOME_TYPES.includes(e.type)) throw new PromptLayerValidationError("type", `must be one of ${OUTCOME_TYPES.join(", ")}, got ${JSON.stringify(e.type)}`);
  requireId("requestId", e.requestId);
  if (e.label !== undefined) requireString("label", e.label);
  if (e.source !== undefined) requireString("source", e.source);
  if (e.externalUserId !== undefined) requireString("externalUserId", e.externalUserId);
  if (e.userId !== undefined) requireString("userId", e.userId);
  if (e.externalUserId !== undefined && e.userId !== undefined && e.externalUserId !== e.userId) {
    throw new PromptLayerValidationError("userId", `an alias of externalUserId, which is also given, with another value (${JSON.stringify(e.userId)} vs ${JSON.stringify(e.externalUserId)})`);
  }
  if (e.metadata !== undefined) requireStringMap("metadata", e.metadata);
  if (e.timestamp !== undefined && !(e.timestamp instanceof Date && Number.isFinite(e.timestamp.getTime()))) throw new PromptLayerValidationError("timestamp", "must be a valid Date");
  switch (e.type) {
    case "feedback":
      if (e.value !== "up" && e.value !== "down") throw new PromptLayerValidationError("value", `feedback must be "up" or "down", got ${JSON.stringify(e.value)}`);
      break;
    case "rating":
      if (typeof e.value !== "number" || !Number.isFinite(e.value) || e.value < 1 || e.value > 5) throw new PromptLayerValidationError("value", `a rating must be a number from 1 to 5, got ${JSON.stringify(e.value)}`);
      break;
    case "engagement":
      if (typeof e.value !== "number" || !Number.isFinite(e.value) || e.value < 0) throw new PromptLayerValidationError("value", `engagement must be a non-negative number, got ${JSON.stringify(e.value)}`);
      break;
    case "conversion":
      if (e.value !== undefined && (typeof e.value !== "number" || !Number.isFinite(e.value))) throw new PromptLayerValidationError("value", `a conversion value must be a number, got ${JSON.stringify(e.value)}`);
      break;
  }
}

/** Named scores the service understands, for feedback and ratings. */
function scoreOf(e: OutcomeEvent): { name: string; score: number } | undefined {
  if (e.type === "feedback") return { name: "feedback", score: e.value === "up" ? 100 : 0 };
  if (e.type === "rating") return { name: "rating", score: Math.round(((e.value - 1) / 4) * 100) };
  return undefined;
}

/** 429, 5xx, network and timeout failures are worth retrying; other refusals are final. */
function isTransient(error: unknown): boolean {
  if (error instanceof PromptLayerAPIStatusError) return error.status === 429 || error.status >= 500;
  return !(error instanceof PromptLayerValidationError);
}

const BACKOFF_MS = [500, 1_000, 2_000, 4_000, 8_000, 15_000, 30_000] as const;
const SEND_CONCURRENCY = 8;

/** Wait before the next round: none after a good round, a growing backoff after failures. */
const backoff = (attempt: number): number => (attempt === 0 ? 0 : BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)]!);

export class EventQueue {
  private readonly queue: Queued[] = [];
  private readonly failed: FlushResult["failed"] = [];
  private delivered = 0;
  private dropped = 0;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  /** Events the running round took out of the queue and has not settled yet. */
  private inFlight = 0;
  /** `flush()` calls under way; while any is, it drives the retries, not the timer. */
  private flushes = 0;
  private readonly maxQueue: number;
  private readonly maxBatch: number;
  private readonly delayMs: number;
  private readonly sleep: Sleep;
  private exitHooked = false;

  constructor(
    private readonly http: HttpClient,
    options: EventQueueOptions = {},
  ) {
    this.maxQueue = options.maxQueue ?? 10_000;
    this.maxBatch = options.maxBatch ?? 100;
    this.delayMs = options.delayMs ?? 200;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Queues validated events and schedules delivery; returns at once. */
  enqueue(events: readonly OutcomeEvent[]): void {
    for (const event of events) {
      this.queue.push({ id: randomUUID(), event, ts: (event.timestamp ?? new Date()).toISOString() });
    }
    if (this.queue.length > this.maxQueue) {
      const over = this.queue.length - this.maxQueue;
      this.queue.splice(0, over);
      if (this.dropped === 0) this.http.logger.warn(`event queue full (${this.maxQueue}); dropping the oldest events`);
      this.dropped += over;
    }
    this.hookExit();
    this.schedule(this.delayMs);
  }

  /**
   * Delivers everything queued, and everything a background round is delivering right now,
   * retrying transient failures, for at most `timeoutMs`. Resolves once the queue is empty and no
   * delivery is under way (`pending: 0`), or at the timeout with what is left as `pending`.
   */
  async flush(timeoutMs = 30_000): Promise<FlushResult> {
    this.clearTimer();
    this.flushes++;
    const deadline = Date.now() + timeoutMs;
    try {
      while (Date.now() < deadline) {
        if (this.pumping) {
          // A round under way (ours or a background one) has taken events out of the queue: they
          // are not delivered until it settles, and a failure puts them back.
          await this.until(this.pumping, deadline);
          continue;
        }
        if (!this.queue.length) break;
        const round = this.pump();
        await this.until(round, deadline);
        if (this.pumping === round) continue; // the deadline came first
        if (this.queue.length && this.attempt > 0) await this.sleep(Math.min(backoff(this.attempt), Math.max(0, deadline - Date.now())));
      }
    } finally {
      this.flushes--;
    }
    // Whatever is left is retried in the background (a round still under way reschedules itself).
    if (this.queue.length) this.schedule(backoff(this.attempt));
    return { delivered: this.delivered, failed: [...this.failed], pending: this.queue.length + this.inFlight };
  }

  /** Waits for `work`, but not past `deadline`. */
  private async until(work: Promise<void>, deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      timer.unref?.();
    });
    try {
      await Promise.race([work, expired]);
    } finally {
      clearTimeout(timer);
    }
  }

  private schedule(ms: number): void {
    if (this.timer || this.pumping) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pump();
    }, ms);
    this.timer.unref();
  }

  private clearTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * One delivery round; concurrent callers share it. Never rejects. Unless a `flush()` is
   * driving delivery, a round that leaves events queued schedules the next one (after a backoff
   * when it failed).
   */
  private pump(): Promise<void> {
    return (this.pumping ??= this.round().finally(() => {
      this.pumping = undefined;
      if (this.queue.length && this.flushes === 0) this.schedule(backoff(this.attempt));
    }));
  }

  private async round(): Promise<void> {
    const groups = [...this.takeBatch()];
    this.inFlight = groups.reduce((n, [, items]) => n + items.length, 0);
    try {
      // A few requests in flight at once; order is kept for whatever has to be retried.
      for (let k = 0; k < groups.length; k += SEND_CONCURRENCY) {
        const chunk = groups.slice(k, k + SEND_CONCURRENCY);
        const outcomes = await Promise.allSettled(chunk.map(([requestId, items]) => this.send(requestId, items)));
        const retry: Queued[] = [];
        outcomes.forEach((outcome, i) => {
          const [requestId, items] = chunk[i]!;
          this.inFlight -= items.length;
          if (outcome.status === "fulfilled") {
            this.delivered += items.length;
          } else if (isTransient(outcome.reason)) {
            retry.push(...items);
          } else {
            const err = outcome.reason instanceof Error ? outcome.reason : new Error(String(outcome.reason));
            this.http.logger.warn(`could not record ${items.length} event(s) for request ${requestId}: ${err.message}`);
            for (const q of items) this.failed.push({ event: q.event, error: err });
          }
        });
        if (retry.length) {
          // These and the groups not yet tried go back to the front, in order; the next round
          // retries after a backoff.
          this.queue.unshift(...retry, ...groups.slice(k + SEND_CONCURRENCY).flatMap(([, list]) => list));
          this.attempt++;
          return;
        }
        this.attempt = 0;
      }
    } finally {
      this.inFlight = 0;
    }
  }

  /** Up to `maxBatch` requests' events, grouped by request in queue order. */
  private takeBatch(): Map<number, Queued[]> {
    const groups = new Map<number, Queued[]>();
    const keep: Queued[] = [];
    for (const q of this.queue) {
      const list = groups.get(q.event.requestId);
      if (list) list.push(q);
      else if (groups.size < this.maxBatch) groups.set(q.event.requestId, [q]);
      else keep.push(q);
    }
    this.queue.length = 0;
    this.queue.push(...keep);
    return groups;
  }

  private async send(requestId: number, items: Queued[]): Promise<void> {
    const metadata: Record<string, string> = {};
    for (const { id, event, ts } of items) {
      const { type, label, source, externalUserId, userId, metadata: extra } = event;
      const value = "value" in event ? event.value : undefined;
      metadata[`pl_event:${type}:${id}`] = JSON.stringify({ type, label, source, value, user_id: externalUserId ?? userId, ts, metadata: extra });
    }
    await this.http.request({ method: "POST", path: "/library-track-metadata", body: { request_id: requestId, metadata }, bodyAuth: true });
    for (const { event } of items) {
      const score = scoreOf(event);
      if (score) await this.http.request({ method: "POST", path: "/library-track-score", body: { request_id: requestId, score: score.score, name: score.name }, bodyAuth: true });
    }
  }

  /** A last bounded flush when the app ends with events still queued. */
  private hookExit(): void {
    if (this.exitHooked) return;
    this.exitHooked = true;
    process.once("beforeExit", () => {
      this.exitHooked = false;
      if (!this.queue.length && !this.pumping) return;
      void this.flush(5_000).then((r) => {
        if (r.pending) this.http.logger.warn(`${r.pending} event(s) could not be delivered before exit`);
      });
    });
  }
}
