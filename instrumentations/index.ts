/**
 * `promptlayer-otel/instrumentations`: the provider-SDK instrumentations, for use in an
 * application's own OpenTelemetry setup. (The OpenAI and Anthropic instrumentations land here.)
 */
export {};
