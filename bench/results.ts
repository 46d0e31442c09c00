/** Everything one run measured; written to bench/results.json and rendered by report.ts. */
import type { BenchConfig } from "./config.js";
import type { MachineInfo } from "./lib/machine.js";
import type { ClientResult } from "./workers/client.js";
import type { ExportResults } from "./sections/export.js";
import type { IngestResults } from "./sections/ingest.js";
import type { MemoryRun } from "./sections/memory.js";
import type { InstructionsCell } from "./sections/instructions.js";
import type { Cell } from "./sections/overhead.js";
import type { ProfileRun } from "./sections/profile.js";
import type { StartupResult } from "./sections/startup.js";

export interface Results {
  command: string;
  startedAt: string;
  finishedAt: string;
  minutes: number;
  machine: MachineInfo;
  loadAvgEnd: number[];
  config: BenchConfig;
  overhead: Cell[];
  profiles?: ProfileRun[];
  export?: ExportResults;
  memory?: MemoryRun[];
  client?: ClientResult;
  startup?: StartupResult;
  instructions?: InstructionsCell[];
  ingest?: IngestResults;
  /** Sections that failed outright, with the reason. */
  errors: Record<string, string>;
  /** Sections re-measured later with `--update` (when, and the load average then). */
  updates?: Array<{ section: string; at: string; loadAvg: number[] }>;
}
