/** The local backend's storage: one SQLite database per data directory. */
import { MEMORY, openDb, type Db } from "./db.js";
import { migrate } from "./migrations.js";
import { RequestStore } from "./requests.js";
import { SpanStore } from "./spans.js";
import { TemplateStore } from "./templates.js";
import { WorkflowStore } from "./workflows.js";

export { MEMORY } from "./db.js";

export interface LocalStore {
  readonly db: Db;
  readonly templates: TemplateStore;
  readonly requests: RequestStore;
  readonly spans: SpanStore;
  readonly workflows: WorkflowStore;
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
    spans: new SpanStore(db),
    workflows,
    close: () => db.close(),
  };
}
