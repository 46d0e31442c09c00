import { readFileSync } from "node:fs";
import { context, ROOT_CONTEXT, trace, type ContextManager, type TracerProvider } from "@opentelemetry/api";
import { afterEach, describe, expect, it } from "vitest";
import { isBridgedVersion, OWN_API_MINOR } from "../../src/tracing/api-bridge.js";

const REGISTRY = Symbol.for("opentelemetry.js.api.1");
const registry = globalThis as unknown as Record<symbol, unknown>;
afterEach(() => {
  delete registry[REGISTRY];
});

const marked = ROOT_CONTEXT.setValue(Symbol.for("test.mark"), "from the app's manager");
const appManager = { active: () => marked, with: (_c: unknown, fn: () => unknown) => fn() } as unknown as ContextManager;
const appProvider = { getTracer: () => ({}) } as unknown as TracerProvider;

describe("the api bridge (apps on the OpenTelemetry 2.x line)", () => {
  it("is built for the api minor that is installed", () => {
    const { version } = JSON.parse(readFileSync(new URL("../../node_modules/@opentelemetry/api/package.json", import.meta.url), "utf8")) as { version: string };
    expect(Number(version.split(".")[1])).toBe(OWN_API_MINOR);
  });

  it("reads globals registered by an older 1.x api copy", () => {
    registry[REGISTRY] = { version: "1.9.1", context: appManager, trace: appProvider };
    expect(context.active()).toBe(marked);
    expect(trace.getTracerProvider()).toBe(appProvider);
  });

  it("leaves other versions to the api's own rules", () => {
    for (const version of ["0.9.0", "2.0.0", "1.2.0", "1.9.0-rc.1", undefined]) {
      registry[REGISTRY] = { version, context: appManager, trace: appProvider };
      expect(context.active(), String(version)).toBe(ROOT_CONTEXT);
      expect(trace.getTracerProvider(), String(version)).not.toBe(appProvider);
    }
    expect(isBridgedVersion("1.3.0")).toBe(true);
    expect(isBridgedVersion(`1.${OWN_API_MINOR}.0`)).toBe(false);
  });
});
