/**
 * What the provider instrumentations share: settings and metrics resolved once per config,
 * patching that is idempotent across both builds of this package, and `manuallyInstrument` for
 * bundled apps, undone by `disable()` like the hooked modules are.
 */
import type { Meter } from "@opentelemetry/api";
import { InstrumentationBase, InstrumentationNodeModuleDefinition, isWrapped } from "@opentelemetry/instrumentation";
import { PACKAGE_VERSION } from "../../src/version.js";
import { resolveGenAISettings, type GenAIInstrumentationConfig, type GenAISettings } from "./config.js";
import { GenAIMetrics } from "./metrics.js";

export type Method = (this: unknown, ...args: unknown[]) => unknown;
export type Proto = Record<string, unknown>;

/** The API's no-op meter (what `metrics.getMeter()` gives before a provider is registered). */
function isNoopMeter(meter: Meter): boolean {
  return meter.constructor?.name === "NoopMeter";
}

/** Marks functions we produced, across both builds (ESM, CJS) of this package. */
const PATCHED = Symbol.for("promptlayer-otel.patched");

export abstract class GenAIInstrumentation<C extends GenAIInstrumentationConfig> extends InstrumentationBase<C> {
  // `declare`: the base constructor calls our overrides before field initializers would run.
  declare private cachedSettings: GenAISettings | undefined;
  declare private cachedMetrics: GenAIMetrics | undefined;
  declare private manualModules: Set<unknown> | undefined;

  constructor(name: string, config: C) {
    super(name, PACKAGE_VERSION, config);
  }

  /** The npm package to hook. A method, not a field: the base constructor already needs it. */
  protected abstract sdkModule(): string;
  protected abstract patch(moduleExports: unknown, version: string | undefined): void;
  protected abstract unpatch(moduleExports: unknown): void;

  protected init() {
    return new InstrumentationNodeModuleDefinition(
      this.sdkModule(),
      ["*"], // feature-detected in patch() instead of capped by semver
      (moduleExports, moduleVersion) => {
        this.patch(moduleExports, moduleVersion);
        return moduleExports;
      },
      (moduleExports) => {
        this.unpatch(moduleExports);
        return moduleExports;
      },
    );
  }

  /**
   * Instrument the SDK module object directly, for bundled apps (Next.js, esbuild, webpack) where
   * module-load hooks never see it: `instrumentation.manuallyInstrument(await import("openai"))`.
   */
  manuallyInstrument(moduleExports: unknown): void {
    (this.manualModules ??= new Set()).add(moduleExports);
    this.patch(moduleExports, undefined);
  }

  override disable(): void {
    super.disable();
    for (const m of this.manualModules ?? []) this.unpatch(m);
    this.manualModules?.clear();
  }

  override setConfig(config: C = {} as C): void {
    super.setConfig(config);
    this.cachedSettings = undefined;
    this.cachedMetrics = undefined;
  }

  protected override _updateMetricInstruments(): void {
    this.cachedMetrics = undefined;
  }

  get settings(): GenAISettings {
    return (this.cachedSettings ??= resolveGenAISettings(this.getConfig()));
  }

  /** Undefined while no meter provider is registered: then recording would be pure overhead. */
  get metrics(): GenAIMetrics | undefined {
    if (this.cachedMetrics === undefined && !isNoopMeter(this.meter)) this.cachedMetrics = new GenAIMetrics(this.meter, this.settings.latest);
    return this.cachedMetrics;
  }

  /** Wraps `proto[name]` unless it is missing or already ours. */
  protected wrapOnce(proto: Proto | undefined, name: string, wrapper: (original: Method) => Method): void {
    const current = proto?.[name] as (Method & { [PATCHED]?: boolean }) | undefined;
    if (!proto || typeof current !== "function" || current[PATCHED] || isWrapped(current)) return;
    this._wrap(proto, name, (original) => {
      const wrapped = wrapper(original as Method);
      Object.defineProperty(wrapped, PATCHED, { value: true });
      return wrapped as never;
    });
  }

  protected unwrapIfWrapped(proto: Proto | undefined, name: string): void {
    if (proto && isWrapped(proto[name])) this._unwrap(proto, name);
  }
}
