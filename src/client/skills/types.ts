/**
 * Skill collections as the service returns them (`/api/public/v2/skill-collections`, CONTRACT
 * §2.9), with the service's own keys. Open shapes: the service adds fields over time.
 */
import type { SkillProvider } from "./paths.js";

export interface SkillCollection {
  /** A UUID; usable as the identifier of later calls (as are `name` and `root_path`). */
  id: string;
  name: string;
  root_path?: string;
  provider?: SkillProvider | string | null;
  folder_id?: number | null;
  workspace_id?: number;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export interface SkillCollectionVersion {
  id?: string;
  skill_collection_id?: string;
  /** The version number, from 1. */
  number?: number;
  provider?: SkillProvider | string | null;
  file_paths?: string[];
  commit_message?: string | null;
  release_label?: string | null;
  created_at?: string;
  [key: string]: unknown;
}

/** `skills.pull()` without `format: "zip"`. */
export interface PulledSkillCollection {
  success: boolean;
  skill_collection: SkillCollection;
  /** Path → content of every file of the version. */
  files: Record<string, string>;
  /** Null for a collection that has no version yet (created without files). */
  version: SkillCollectionVersion | null;
  [key: string]: unknown;
}

export interface PublishedSkillCollection {
  success: boolean;
  skill_collection: SkillCollection;
  version?: SkillCollectionVersion | null;
  [key: string]: unknown;
}

export interface UpdatedSkillCollection {
  success: boolean;
  skill_collection: SkillCollection;
  /** The version `update()` created; absent when it only renamed. */
  version?: SkillCollectionVersion;
  [key: string]: unknown;
}
