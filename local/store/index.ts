/** The local backend's storage: one SQLite database per data directory. */
import { MEMORY, openDb, type Db } from "./db.js";
import { EventStore } from "./events.js";
import { ExperimentStore } from "./experiments.js";
import { migrate } from "./migrations.js";
import { RequestStore } from "./requests.js";
import { SkillStore } from "./skills.js";
import { SpanStore } from "./spans.js";
import { TemplateStore } from "./templates.js";
import { WorkflowStore } from "./workflows.js";

export { MEMORY } from "./db.js";

export interface LocalStore {
  readonly db: Db;
  readonly templates: TemplateStore;
  readonly requests: RequestStore;
  readonly events: EventStore;
  readonly experiments: ExperimentStore;
  readonly spans: SpanStore;
  readonly workflows: WorkflowStore;
  readonly skills: SkillStore;
  close(): void;
}

/** Opens (creating and migrating as needed) the store of `dataDir`, or an in-memory one for `:memory:`. */
export function openStore(dataDir: string = MEMORY): LocalStore {
  const db = openDb(dataDir);
  try {
    migrate(db);
  } catch (error) {
    db.close();
    throw error;
  }
  const workflows = new WorkflowStore(db);
  workflows.failInterrupted();
  return {
    db,
    templates: new TemplateStore(db),
    requests: new RequestStore(db),
    events: new EventStore(db),
    experiments: new ExperimentStore(db),
    spans: new SpanStore(db),
    workflows,
    skills: new SkillStore(db),
    close: () => db.close(),
  };
}
