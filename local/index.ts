/**
 * `promptlayer-otel/local`: the local backend. For now, the OTLP/HTTP trace receiver that the
 * demo and tests use; the full backend (REST API, mock model endpoints, storage, web page) grows
 * from here.
 */
export { startOtlpReceiver, handleTraceExport, type OtlpReceiver, type OtlpReceiverOptions, type ReceivedRequest } from "./otlp/receiver.js";
export { decodeJson, decodeProtobuf, OtlpDecodeError, type ReceivedSpan, type ReceivedEvent, type AttributeValue } from "./otlp/decode.js";
export { buildSpanTrees, formatSpanTree, type SpanTreeNode } from "./otlp/tree.js";
export { startMockModelServer, handleMockModelRequest, createMockModelHandler, MOCK_STATUS_HEADER, MOCK_LATENCY_HEADER, MOCK_CUT_AFTER_HEADER, MOCK_CHUNKS_HEADER, type MockModelServer, type MockModelServerOptions, type MockHandlerOptions, type RecordedRequest } from "./mock/index.js";
export { startLocalBackend, DEFAULT_DATA_DIR, type LocalBackend, type LocalBackendOptions } from "./server.js";
export { providersFromEnv, DEFAULT_PROVIDER_URLS, type ModelProviders, type ProviderAccount, type ProviderName } from "./workflows/providers.js";
export { seedSampleData, SAMPLE_TEMPLATE, SAMPLE_ANTHROPIC_TEMPLATE, SAMPLE_WORKFLOW, type SeedResult } from "./seed.js";
export { openStore, type LocalStore } from "./store/index.js";
