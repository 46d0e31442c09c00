/**
 * `pl.track.*` and `pl.group.create()` (CONTRACT §2.6): annotate a logged request after the fact.
 * These legacy endpoints take the key in the body. Arguments are checked before anything is sent.
 */
import { PromptLayerAPIError } from "../errors.js";
import {
  EventQueue,
  validateOutcome,
  type ClickEvent,
  type ConversionEvent,
  type EngagementEvent,
  type EventQueueOptions,
  type FeedbackEvent,
  type FlushResult,
  type OutcomeEvent,
  type RatingEvent,
} from "./events.js";
import type { Fallible } from "./fallback.js";
import type { HttpClient } from "./http.js";
import { compact, isPlainObject, requireId, requireInt, requireObject, requireString, requireStringMap } from "./validate.js";

export interface TrackMetadataParams {
  requestId: number;
  /** String keys to string values. */
  metadata: Record<string, string>;
}

export interface TrackScoreParams {
  requestId: number;
  /** An integer from 0 to 100. */
  score: number;
  /** Score name; the service's default is `default`. */
  name?: string;
}

export interface TrackPromptParams {
  requestId: number;
  promptName: string;
  promptInputVariables: Record<string, unknown>;
  version?: number;
  label?: string;
}

export interface TrackGroupParams {
  requestId: number;
  groupId: number;
}

export class Track {
  private queue: EventQueue | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly fallible: Fallible,
    private readonly throwOnError = true,
    private readonly eventOptions: EventQueueOptions = {},
  ) {}

  // ---- outcome events (experiments): validated now, delivered in the background ----

  /** A click on something the request produced. Returns false only for invalid input with `throwOnError: false`. */
  click(event: ClickEvent): boolean {
    return this.record("track.click", [{ type: "click", ...event }]);
  }

  /** A conversion (purchase, sign-up…) after the request, optionally with a value. */
  conversion(event: ConversionEvent): boolean {
    return this.record("track.conversion", [{ type: "conversion", ...event }]);
  }

  /** Thumbs up or down. Also recorded as the named score `feedback` (100 / 0). */
  feedback(event: FeedbackEvent): boolean {
    return this.record("track.feedback", [{ type: "feedback", ...event }]);
  }

  /** A 1–5 rating. Also recorded as the named score `rating` (scaled to 0–100). */
  rating(event: RatingEvent): boolean {
    return this.record("track.rating", [{ type: "rating", ...event }]);
  }

  /** Engagement, e.g. seconds spent on the answer. */
  engagement(event: EngagementEvent): boolean {
    return this.record("track.engagement", [{ type: "engagement", ...event }]);
  }

  /** Many events at once (all validated before any is queued). */
  events(events: readonly OutcomeEvent[]): boolean {
    return this.record("track.events", events);
  }

  /** Delivers queued events now; resolves with what was delivered, refused, or still pending. */
  flush(timeoutMs?: number): Promise<FlushResult> {
    return this.queue ? this.queue.flush(timeoutMs) : Promise.resolve({ delivered: 0, failed: [], pending: 0 });
  }

  private record(what: string, events: readonly OutcomeEvent[]): boolean {
    try {
      for (const e of events) validateOutcome(e);
    } catch (error) {
      if (this.throwOnError) throw error;
      this.http.logger.warn(`${what} failed: ${(error as Error).message}`);
      return false;
    }
    (this.queue ??= new EventQueue(this.http, this.eventOptions)).enqueue(events);
    return true;
  }

  // ---- request annotations ----

  private async post(path: string, body: Record<string, unknown>): Promise<true> {
    await this.http.request({ method: "POST", path, body, bodyAuth: true });
    return true;
  }

  /** Attach metadata to a logged request. `false` on failure when `throwOnError` is false. */
  metadata(p: TrackMetadataParams): Promise<boolean> {
    return this.fallible("track.metadata", false, async () => {
      requireId("requestId", p.requestId);
      requireStringMap("metadata", p.metadata);
      return this.post("/library-track-metadata", { request_id: p.requestId, metadata: p.metadata });
    });
  }

  /** Score a logged request (0–100), optionally under a named score. */
  score(p: TrackScoreParams): Promise<boolean> {
    return this.fallible("track.score", false, async () => {
      requireId("requestId", p.requestId);
      requireInt("score", p.score, 0, 100);
      if (p.name !== undefined) requireString("name", p.name);
      return this.post("/library-track-score", compact({ request_id: p.requestId, score: p.score, name: p.name }));
    });
  }

  /** Link a logged request to a registry prompt (by `version` or `label`). */
  prompt(p: TrackPromptParams): Promise<boolean> {
    return this.fallible("track.prompt", false, async () => {
      requireId("requestId", p.requestId);
      requireString("promptName", p.promptName);
      requireObject("promptInputVariables", p.promptInputVariables);
      if (p.version !== undefined) requireInt("version", p.version, 1);
      if (p.label !== undefined) requireString("label", p.label);
      return this.post(
        "/library-track-prompt",
        compact({ request_id: p.requestId, prompt_name: p.promptName, prompt_input_variables: p.promptInputVariables, version: p.version, label: p.label }),
      );
    });
  }

  /** Add a logged request to a group (see `group.create()`). */
  group(p: TrackGroupParams): Promise<boolean> {
    return this.fallible("track.group", false, async () => {
      requireId("requestId", p.requestId);
      requireId("groupId", p.groupId);
      return this.post("/track-group", { request_id: p.requestId, group_id: p.groupId });
    });
  }
}

export class Group {
  constructor(
    private readonly http: HttpClient,
    private readonly fallible: Fallible,
  ) {}

  /** A new group's id; `false` on failure when `throwOnError` is false. */
  create(): Promise<number | false> {
    return this.fallible("group.create", false as const, async () => {
      const { data } = await this.http.request<{ success?: boolean; id?: unknown }>({ method: "POST", path: "/create-group", body: {}, bodyAuth: true });
      if (!isPlainObject(data) || typeof data.id !== "number") throw new PromptLayerAPIError("PromptLayer API POST /create-group answered without a numeric id");
      return data.id;
    });
  }
}
