/**
 * The SQLite connection of the local backend (`node:sqlite`, synchronous). One file per data
 * directory, WAL journal with `synchronous=FULL`: every committed transaction is fsynced to the WAL
 * before `COMMIT` returns, so a write the server has acknowledged survives SIGKILL or power loss.
 * (NORMAL would only risk the last transactions on power loss, not on a process kill, but the
 * local backend writes little and "acknowledged means stored" is the simpler promise.)
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync, type SQLInputValue, type StatementSync } from "node:sqlite";

export const DB_FILE_NAME = "promptlayer.db";
export const MEMORY = ":memory:";

export type Row = Record<string, unknown>;
export type Params = Record<string, SQLInputValue>;

/** A connection with a statement cache and a transaction helper. All SQL takes bound parameters. */
export class Db {
  private readonly statements = new Map<string, StatementSync>();

  constructor(
    readonly raw: DatabaseSync,
    /** The database file, or `:memory:`. */
    readonly location: string,
  ) {}

  /** A prepared statement, compiled once per SQL text. */
  statement(sql: string): StatementSync {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.raw.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  run(sql: string, params: Params = {}): { changes: number; lastInsertRowid: number } {
    const result = this.statement(sql).run(params);
    return { changes: Number(result.changes), lastInsertRowid: Number(result.lastInsertRowid) };
  }

  get<T = Row>(sql: string, params: Params = {}): T | undefined {
    return this.statement(sql).get(params) as T | undefined;
  }

  all<T = Row>(sql: string, params: Params = {}): T[] {
    return this.statement(sql).all(params) as T[];
  }

  /**
   * Runs `fn` in one IMMEDIATE transaction (nested calls join the outer one). Either every write
   * inside is committed — and durable — or none is.
   */
  transaction<T>(fn: () => T): T {
    if (this.raw.isTransaction) return fn();
    this.raw.exec("BEGIN IMMEDIATE");
    try {
      const result = fn();
      this.raw.exec("COMMIT");
      return result;
    } catch (error) {
      if (this.raw.isTransaction) this.raw.exec("ROLLBACK");
      throw error;
    }
  }

  close(): void {
    this.statements.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

/** Opens (creating if needed) the database of `dataDir`, or an in-memory one for `:memory:`. */
export function openDb(dataDir: string): Db {
  let location = MEMORY;
  if (dataDir !== MEMORY) {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    location = join(dir, DB_FILE_NAME);
  }
  const raw = new DatabaseSync(location, { enableForeignKeyConstraints: true, timeout: 5000 });
  if (location !== MEMORY) raw.exec("PRAGMA journal_mode = WAL");
  raw.exec("PRAGMA synchronous = FULL");
  return new Db(raw, location);
}

/** JSON column helpers: objects go in as text and come back parsed. */
export const toJson = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
export function fromJson<T = unknown>(text: unknown, fallback: T): T {
  if (typeof text !== "string") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

export const nowIso = (): string => new Date().toISOString();
