/** Prompt templates, their versions, release labels and A/B releases. */
import type { ReleaseConfig } from "../domain/ab.js";
import type { Json } from "../domain/json.js";
import { fromJson, nowIso, toJson, type Db } from "./db.js";

export interface PromptRow {
  id: number;
  name: string;
  tags: string[];
  isDeleted: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface VersionRow {
  id: number;
  promptId: number;
  version: number;
  promptTemplate: Json;
  metadata: Json | null;
  commitMessage: string | null;
  createdAt: string;
}

export interface LabelRow {
  id: number;
  name: string;
  versionId: number;
  versionNumber: number;
}

export interface ReleaseRow {
  id: number;
  promptId: number;
  promptName: string;
  label: string;
  config: ReleaseConfig;
  createdAt: string;
}

export interface PublishInput {
  name: string;
  promptTemplate: Json;
  metadata: Json | null;
  commitMessage: string | null;
  tags: string[] | undefined;
  releaseLabels: string[];
}

export interface ListQuery {
  page: number;
  perPage: number;
  label?: string | undefined;
  name?: string | undefined;
  tags: string[];
  status: "active" | "deleted" | "all";
  sortBy: "created_at" | "updated_at" | "name" | "id";
  sortOrder: "asc" | "desc";
}

// Whitelisted ORDER BY clauses: sort options pick one of these fixed strings, never user text.
const ORDER_BY: Record<ListQuery["sortBy"], Record<ListQuery["sortOrder"], string>> = {
  created_at: { asc: "p.created_at ASC, p.id ASC", desc: "p.created_at DESC, p.id DESC" },
  updated_at: { asc: "p.updated_at ASC, p.id ASC", desc: "p.updated_at DESC, p.id DESC" },
  name: { asc: "p.name ASC", desc: "p.name DESC" },
  id: { asc: "p.id ASC", desc: "p.id DESC" },
};

type Raw = Record<string, unknown>;

const prompt = (r: Raw): PromptRow => ({
  id: Number(r.id),
  name: String(r.name),
  tags: fromJson<string[]>(r.tags, []),
  isDeleted: Number(r.is_deleted) === 1,
  createdAt: String(r.created_at),
  updatedAt: String(r.updated_at),
});

const version = (r: Raw): VersionRow => ({
  id: Number(r.id),
  promptId: Number(r.prompt_id),
  version: Number(r.version),
  promptTemplate: fromJson<Json>(r.prompt_template, {}),
  metadata: fromJson<Json | null>(r.metadata, null),
  commitMessage: r.commit_message === null ? null : String(r.commit_message),
  createdAt: String(r.created_at),
});

const release = (r: Raw): ReleaseRow => ({
  id: Number(r.id),
  promptId: Number(r.prompt_id),
  promptName: String(r.prompt_name),
  label: String(r.label),
  config: fromJson<ReleaseConfig>(r.config, { split: [], segments: [] }),
  createdAt: String(r.created_at),
});

export class TemplateStore {
  constructor(private readonly db: Db) {}

  /** By name, else by numeric id (a template may be named "7"; the name wins). */
  find(identifier: string): PromptRow | undefined {
    const byName = this.db.get("SELECT * FROM prompt_templates WHERE name = $name", { name: identifier });
    if (byName) return prompt(byName);
    if (!/^\d+$/.test(identifier)) return undefined;
    const byId = this.db.get("SELECT * FROM prompt_templates WHERE id = $id", { id: Number(identifier) });
    return byId ? prompt(byId) : undefined;
  }

  byId(id: number): PromptRow | undefined {
    const row = this.db.get("SELECT * FROM prompt_templates WHERE id = $id", { id });
    return row ? prompt(row) : undefined;
  }

  version(promptId: number, versionNumber: number): VersionRow | undefined {
    const row = this.db.get("SELECT * FROM prompt_versions WHERE prompt_id = $promptId AND version = $version", { promptId, version: versionNumber });
    return row ? version(row) : undefined;
  }

  versionById(id: number): VersionRow | undefined {
    const row = this.db.get("SELECT * FROM prompt_versions WHERE id = $id", { id });
    return row ? version(row) : undefined;
  }

  latest(promptId: number): VersionRow | undefined {
    const row = this.db.get("SELECT * FROM prompt_versions WHERE prompt_id = $promptId ORDER BY version DESC LIMIT 1", { promptId });
    return row ? version(row) : undefined;
  }

  versions(promptId: number): VersionRow[] {
    return this.db.all("SELECT * FROM prompt_versions WHERE prompt_id = $promptId ORDER BY version DESC", { promptId }).map(version);
  }

  labelled(promptId: number, label: string): VersionRow | undefined {
    const row = this.db.get(
      "SELECT v.* FROM release_labels l JOIN prompt_versions v ON v.id = l.version_id WHERE l.prompt_id = $promptId AND l.name = $label",
      { promptId, label },
    );
    return row ? version(row) : undefined;
  }

  labels(promptId: number): LabelRow[] {
    return this.db
      .all("SELECT l.id, l.name, l.version_id, v.version FROM release_labels l JOIN prompt_versions v ON v.id = l.version_id WHERE l.prompt_id = $promptId ORDER BY l.id", { promptId })
      .map((r) => ({ id: Number(r.id), name: String(r.name), versionId: Number(r.version_id), versionNumber: Number(r.version) }));
  }

  /** Points `label` at a version, creating the label if needed. */
  setLabel(promptId: number, label: string, versionId: number): void {
    this.db.run(
      `INSERT INTO release_labels (prompt_id, name, version_id) VALUES ($promptId, $label, $versionId)
       ON CONFLICT (prompt_id, name) DO UPDATE SET version_id = excluded.version_id`,
      { promptId, label, versionId },
    );
  }

  /** Creates the template on first publish; every publish adds the next version and moves `releaseLabels` to it. */
  publish(input: PublishInput): { prompt: PromptRow; version: VersionRow } {
    return this.db.transaction(() => {
      const now = nowIso();
      let existing = this.find(input.name);
      if (existing && existing.name !== input.name) existing = undefined; // an id match is not the same template
      let promptId: number;
      if (existing) {
        promptId = existing.id;
        this.db.run("UPDATE prompt_templates SET tags = coalesce($tags, tags), is_deleted = 0, updated_at = $now WHERE id = $id", {
          tags: input.tags ? toJson(input.tags) : null,
          now,
          id: promptId,
        });
      } else {
        promptId = this.db.run("INSERT INTO prompt_templates (name, tags, created_at, updated_at) VALUES ($name, $tags, $now, $now)", {
          name: input.name,
          tags: toJson(input.tags ?? []),
          now,
        }).lastInsertRowid;
      }
      const next = (this.db.get<{ v: number | null }>("SELECT MAX(version) AS v FROM prompt_versions WHERE prompt_id = $promptId", { promptId })?.v ?? 0) + 1;
      const versionId = this.db.run(
        `INSERT INTO prompt_versions (prompt_id, version, prompt_template, metadata, commit_message, created_at)
         VALUES ($promptId, $version, $template, $metadata, $commit, $now)`,
        { promptId, version: next, template: toJson(input.promptTemplate), metadata: toJson(input.metadata), commit: input.commitMessage, now },
      ).lastInsertRowid;
      for (const label of input.releaseLabels) this.setLabel(promptId, label, versionId);
      return { prompt: this.byId(promptId)!, version: this.versionById(versionId)! };
    });
  }

  /** One page of templates, each with the version a `label` filter selects, else its latest. */
  list(query: ListQuery): { items: Array<{ prompt: PromptRow; version: VersionRow }>; total: number } {
    const where: string[] = [];
    const params: Record<string, string | number> = {};
    if (query.status === "active") where.push("p.is_deleted = 0");
    if (query.status === "deleted") where.push("p.is_deleted = 1");
    if (query.name) {
      where.push("instr(lower(p.name), lower($name)) > 0");
      params.name = query.name;
    }
    query.tags.forEach((tag, i) => {
      where.push(`EXISTS (SELECT 1 FROM json_each(p.tags) WHERE json_each.value = $tag${i})`);
      params[`tag${i}`] = tag;
    });
    // The version shown: the labelled one when filtering by label, else the newest.
    const versionJoin = query.label
      ? "JOIN release_labels l ON l.prompt_id = p.id AND l.name = $label JOIN prompt_versions v ON v.id = l.version_id"
      : "JOIN prompt_versions v ON v.prompt_id = p.id AND v.version = (SELECT MAX(version) FROM prompt_versions WHERE prompt_id = p.id)";
    if (query.label) params.label = query.label;
    const filter = where.length ? `WHERE ${where.join(" AND ")}` : "";
    const total = Number(this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM prompt_templates p ${versionJoin} ${filter}`, params)?.n ?? 0);
    const rows = this.db.all(
      `SELECT p.id AS p_id, p.name, p.tags, p.is_deleted, p.created_at AS p_created_at, p.updated_at, v.*
       FROM prompt_templates p ${versionJoin} ${filter}
       ORDER BY ${ORDER_BY[query.sortBy][query.sortOrder]} LIMIT $limit OFFSET $offset`,
      { ...params, limit: query.perPage, offset: (query.page - 1) * query.perPage },
    );
    return {
      total,
      items: rows.map((r) => ({
        prompt: prompt({ id: r.p_id, name: r.name, tags: r.tags, is_deleted: r.is_deleted, created_at: r.p_created_at, updated_at: r.updated_at }),
        version: version(r),
      })),
    };
  }

  // ---- A/B releases ----

  /** Creates or replaces the release on a label; the label itself is created if missing. */
  saveRelease(promptId: number, label: string, config: ReleaseConfig, fallbackVersionId: number): ReleaseRow {
    return this.db.transaction(() => {
      if (!this.labelled(promptId, label)) this.setLabel(promptId, label, fallbackVersionId);
      this.db.run(
        `INSERT INTO ab_releases (prompt_id, label, config, created_at) VALUES ($promptId, $label, $config, $now)
         ON CONFLICT (prompt_id, label) DO UPDATE SET config = excluded.config, created_at = excluded.created_at`,
        { promptId, label, config: toJson(config), now: nowIso() },
      );
      return this.release(promptId, label)!;
    });
  }

  release(promptId: number, label: string): ReleaseRow | undefined {
    const row = this.db.get(
      "SELECT r.*, p.name AS prompt_name FROM ab_releases r JOIN prompt_templates p ON p.id = r.prompt_id WHERE r.prompt_id = $promptId AND r.label = $label",
      { promptId, label },
    );
    return row ? release(row) : undefined;
  }

  releases(): ReleaseRow[] {
    return this.db.all("SELECT r.*, p.name AS prompt_name FROM ab_releases r JOIN prompt_templates p ON p.id = r.prompt_id ORDER BY r.id").map(release);
  }

  /** Deletes a release; its label goes back to serving the label's own version. */
  deleteRelease(id: number): boolean {
    return this.db.run("DELETE FROM ab_releases WHERE id = $id", { id }).changes > 0;
  }
}
