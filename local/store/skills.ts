/**
 * Skill collections, their versions and release labels. Every version stores its full file set,
 * so a pull (latest, by number or by label) reads one version's rows and never replays history.
 */
import { randomUUID } from "node:crypto";
import { nowIso, type Db } from "./db.js";

export interface SkillCollectionRow {
  id: string;
  name: string;
  rootPath: string;
  folderId: number | null;
  provider: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface SkillVersionRow {
  id: string;
  collectionId: string;
  number: number;
  rootPathAtVersion: string;
  provider: string | null;
  commitMessage: string | null;
  createdAt: string;
}

export interface NewCollection {
  name: string;
  rootPath: string;
  folderId: number | null;
  provider: string | null;
}

export interface NewVersion {
  files: ReadonlyMap<string, string>;
  commitMessage: string | null;
  /** Null keeps the collection's provider. */
  provider: string | null;
  releaseLabel: string | null;
}

type Raw = Record<string, unknown>;
const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

const collection = (r: Raw): SkillCollectionRow => ({
  id: String(r.id),
  name: String(r.name),
  rootPath: String(r.root_path),
  folderId: r.folder_id === null ? null : Number(r.folder_id),
  provider: text(r.provider),
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const version = (r: Raw): SkillVersionRow => ({
  id: String(r.id),
  collectionId: String(r.collection_id),
  number: Number(r.number),
  rootPathAtVersion: String(r.root_path_at_version),
  provider: text(r.provider),
  commitMessage: text(r.commit_message),
  createdAt: String(r.created_at),
});

export class SkillStore {
  constructor(private readonly db: Db) {}

  /** By id, else name, else root path (the identifiers the service accepts, in that order). */
  find(identifier: string): SkillCollectionRow | undefined {
    const row =
      this.db.get("SELECT * FROM skill_collections WHERE id = $v", { v: identifier }) ??
      this.db.get("SELECT * FROM skill_collections WHERE name = $v", { v: identifier }) ??
      this.db.get("SELECT * FROM skill_collections WHERE root_path = $v ORDER BY created_at, id LIMIT 1", { v: identifier });
    return row ? collection(row) : undefined;
  }

  byName(name: string): SkillCollectionRow | undefined {
    const row = this.db.get("SELECT * FROM skill_collections WHERE name = $name", { name });
    return row ? collection(row) : undefined;
  }

  /** The collection, and its version 1 when `files` has any. */
  create(input: NewCollection, first: NewVersion | undefined): { collection: SkillCollectionRow; version: SkillVersionRow | undefined } {
    return this.db.transaction(() => {
      const id = randomUUID();
      const now = nowIso();
      this.db.run(
        `INSERT INTO skill_collections (id, name, root_path, folder_id, provider, created_at, updated_at)
         VALUES ($id, $name, $rootPath, $folderId, $provider, $now, $now)`,
        { id, name: input.name, rootPath: input.rootPath, folderId: input.folderId, provider: input.provider, now },
      );
      const saved = first ? this.saveVersion(id, first) : undefined;
      return { collection: this.find(id)!, version: saved };
    });
  }

  rename(id: string, name: string): SkillCollectionRow {
    this.db.run("UPDATE skill_collections SET name = $name, updated_at = $now WHERE id = $id", { id, name, now: nowIso() });
    return this.find(id)!;
  }

  latest(collectionId: string): SkillVersionRow | undefined {
    const row = this.db.get("SELECT * FROM skill_collection_versions WHERE collection_id = $collectionId ORDER BY number DESC LIMIT 1", { collectionId });
    return row ? version(row) : undefined;
  }

  version(collectionId: string, number: number): SkillVersionRow | undefined {
    const row = this.db.get("SELECT * FROM skill_collection_versions WHERE collection_id = $collectionId AND number = $number", { collectionId, number });
    return row ? version(row) : undefined;
  }

  labelled(collectionId: string, label: string): SkillVersionRow | undefined {
    const row = this.db.get(
      `SELECT v.* FROM skill_collection_labels l JOIN skill_collection_versions v ON v.id = l.version_id
       WHERE l.collection_id = $collectionId AND l.name = $label`,
      { collectionId, label },
    );
    return row ? version(row) : undefined;
  }

  /** The label most recently pointed at this version, if any. */
  labelOf(versionId: string): string | null {
    return text(this.db.get<{ name: string }>("SELECT name FROM skill_collection_labels WHERE version_id = $versionId ORDER BY assigned_at DESC, name LIMIT 1", { versionId })?.name);
  }

  /** Path → content, ordered by path. A Map: a file may well be called `__proto__`. */
  files(versionId: string): Map<string, string> {
    const rows = this.db.all<{ path: string; content: string }>("SELECT path, content FROM skill_collection_files WHERE version_id = $versionId ORDER BY path", { versionId });
    return new Map(rows.map((r) => [r.path, r.content]));
  }

  /** The next version, holding exactly `input.files`; moves `input.releaseLabel` to it. One transaction. */
  saveVersion(collectionId: string, input: NewVersion): SkillVersionRow {
    return this.db.transaction(() => {
      const owner = this.find(collectionId)!;
      const now = nowIso();
      const provider = input.provider ?? owner.provider;
      const next = (this.latest(collectionId)?.number ?? 0) + 1;
      const id = randomUUID();
      this.db.run(
        `INSERT INTO skill_collection_versions (id, collection_id, number, root_path_at_version, provider, commit_message, created_at)
         VALUES ($id, $collectionId, $number, $rootPath, $provider, $commit, $now)`,
        { id, collectionId, number: next, rootPath: owner.rootPath, provider, commit: input.commitMessage, now },
      );
      for (const [path, content] of input.files) {
        this.db.run("INSERT INTO skill_collection_files (version_id, path, content) VALUES ($id, $path, $content)", { id, path, content });
      }
      if (input.releaseLabel !== null) {
        this.db.run(
          `INSERT INTO skill_collection_labels (collection_id, name, version_id, assigned_at) VALUES ($collectionId, $label, $id, $now)
           ON CONFLICT (collection_id, name) DO UPDATE SET version_id = excluded.version_id, assigned_at = excluded.assigned_at`,
          { collectionId, label: input.releaseLabel, id, now },
        );
      }
      this.db.run("UPDATE skill_collections SET provider = $provider, updated_at = $now WHERE id = $collectionId", { provider, now, collectionId });
      return this.version(collectionId, next)!;
    });
  }
}
