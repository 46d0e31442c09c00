/**
 * `pl.skills`: skill collections (CONTRACT §2.9, §8) — versioned sets of text files for agents
 * (Claude Code, OpenAI, OpenClaw). Pull a version as JSON or as a zip, publish a new collection
 * (from files or a zip), rename it and save new versions from file updates, moves and deletes.
 * Parameters are camelCase; results keep the service's keys.
 */
import { PromptLayerValidationError } from "../errors.js";
import type { Fallible } from "./fallback.js";
import { pathSegment, type HttpClient } from "./http.js";
import { filesFromZip, normalizeDeletes, normalizeFiles, normalizeMoves, type SkillFile, type SkillFileMove } from "./skills/files.js";
import { isSkillProvider, SKILL_PROVIDERS, type SkillProvider } from "./skills/paths.js";
import type { PublishedSkillCollection, PulledSkillCollection, SkillCollection, SkillCollectionVersion, UpdatedSkillCollection } from "./skills/types.js";
import { compact, requireId, requireInt, requireString } from "./validate.js";

export type { SkillFile, SkillFileMove } from "./skills/files.js";
export { SKILL_PROVIDERS, type SkillProvider } from "./skills/paths.js";

const BASE = "/api/public/v2/skill-collections";

export interface PullSkillParams {
  /** A release label, e.g. `prod`. Not together with `version`. */
  label?: string;
  /** A version number, from 1. Default: the latest version. */
  version?: number;
  /** `zip` returns the archive's bytes instead of JSON. */
  format?: "json" | "zip";
}

export interface PublishSkillParams {
  name: string;
  provider: SkillProvider;
  /** `[{path, content}]` or `{path: content}`. Not together with `zipFile`. */
  files?: SkillFile[] | Record<string, string>;
  /** A zip archive of text files; unpacked here and sent as `files`. */
  zipFile?: Uint8Array | ArrayBuffer;
  /** The archive's name, used in error messages. */
  fileName?: string;
  folderId?: number;
  commitMessage?: string;
}

export interface UpdateSkillParams {
  /** Renames the collection (`PATCH`). */
  name?: string;
  /** Files to create or overwrite in the new version. */
  fileUpdates?: SkillFile[];
  moves?: SkillFileMove[];
  /** Paths to remove in the new version. */
  deletes?: string[];
  commitMessage?: string;
  /** Points this label at the new version. */
  releaseLabel?: string;
  provider?: SkillProvider;
}

function requireProvider(param: string, v: unknown): SkillProvider {
  if (!isSkillProvider(v)) throw new PromptLayerValidationError(param, `expected one of ${SKILL_PROVIDERS.join(", ")} (got ${JSON.stringify(v)})`);
  return v;
}

/** Drops empty lists too: `[]` changes nothing, so it should not make a version on its own. */
function nonEmpty<T>(list: T[] | undefined): T[] | undefined {
  return list && list.length ? list : undefined;
}

export class Skills {
  constructor(
    private readonly http: HttpClient,
    private readonly fallible: Fallible,
  ) {}

  /**
   * `GET /api/public/v2/skill-collections/{identifier}` (id, name or root path): a version's files
   * as `{success, skill_collection, files: {path: content}, version}`, or with `format: "zip"`
   * the archive's bytes. `null` on failure when `throwOnError` is false.
   */
  pull(identifier: string, params: PullSkillParams & { format: "zip" }): Promise<Uint8Array | null>;
  pull(identifier: string, params?: PullSkillParams & { format?: "json" | undefined }): Promise<PulledSkillCollection | null>;
  pull(identifier: string, params?: PullSkillParams): Promise<PulledSkillCollection | Uint8Array | null>;
  pull(identifier: string, params: PullSkillParams = {}): Promise<PulledSkillCollection | Uint8Array | null> {
    return this.fallible(`skills.pull("${identifier}")`, null, () => this.get(identifier, params));
  }

  private async get(identifier: string, params: PullSkillParams): Promise<PulledSkillCollection | Uint8Array> {
    requireString("identifier", identifier);
    if (params.label !== undefined) requireString("label", params.label);
    if (params.version !== undefined) requireInt("version", params.version, 1);
    if (params.label !== undefined && params.version !== undefined) throw new PromptLayerValidationError("version", "give label or version, not both");
    if (params.format !== undefined && params.format !== "json" && params.format !== "zip") {
      throw new PromptLayerValidationError("format", `expected "json" or "zip" (got ${JSON.stringify(params.format)})`);
    }
    const zip = params.format === "zip";
    const { data } = await this.http.request<PulledSkillCollection | Uint8Array>({
      method: "GET",
      path: `${BASE}/${pathSegment(identifier)}`,
      // JSON is what the service answers without `format`; it documents only `zip` as a value.
      query: { label: params.label, version: params.version, format: zip ? "zip" : undefined },
      responseType: zip ? "bytes" : "json",
    });
    return data;
  }

  /**
   * `POST /api/public/v2/skill-collections` (201): a new collection whose first version holds
   * `files` (or the files of `zipFile`). Returns `{success, skill_collection, …}`.
   */
  publish(params: PublishSkillParams): Promise<PublishedSkillCollection | null> {
    return this.fallible(`skills.publish("${params.name}")`, null, async () => {
      requireString("name", params.name);
      requireProvider("provider", params.provider);
      if (params.folderId !== undefined) requireId("folderId", params.folderId);
      if (params.commitMessage !== undefined) requireString("commitMessage", params.commitMessage);
      if (params.fileName !== undefined) requireString("fileName", params.fileName);
      if (params.files !== undefined && params.zipFile !== undefined) throw new PromptLayerValidationError("zipFile", "give files or zipFile, not both");
      // A zip is unpacked here and sent as JSON `files`, not uploaded as multipart: the multipart
      // field names disagree across the SDKs and the spec (JS `files`+`json`, PY `zip`+`metadata`,
      // OAS `archive|zip` + `metadata|json`; CONTRACT §2.9), while the JSON body is the one shape
      // all of them document. It also lets every path be checked before anything is sent.
      const files = params.zipFile !== undefined ? filesFromZip(params.zipFile, params.fileName) : normalizeFiles("files", params.files ?? []);
      const { data } = await this.http.request<PublishedSkillCollection>({
        method: "POST",
        path: BASE,
        body: compact({ name: params.name, folder_id: params.folderId, provider: params.provider, files, commit_message: params.commitMessage }),
        // Creating twice is not harmless: after a 5xx the collection may exist, so only 429 is retried.
        idempotent: false,
      });
      return data;
    });
  }

  /**
   * Renames (`PATCH /{identifier} {name}`) and/or saves a new version
   * (`POST /{identifier}/versions`, 201) from `fileUpdates`, `moves`, `deletes`, `commitMessage`,
   * `releaseLabel`, `provider`. Returns `{success, skill_collection, version?}`.
   * Two requests when both are asked for, renaming first: if the version is then refused, the
   * rename stays. Everything is validated before the first request.
   */
  update(identifier: string, params: UpdateSkillParams): Promise<UpdatedSkillCollection | null> {
    return this.fallible(`skills.update("${identifier}")`, null, async () => {
      requireString("identifier", identifier);
      if (params.name !== undefined) requireString("name", params.name);
      if (params.commitMessage !== undefined) requireString("commitMessage", params.commitMessage);
      if (params.releaseLabel !== undefined) requireString("releaseLabel", params.releaseLabel);
      if (params.provider !== undefined) requireProvider("provider", params.provider);
      const versionBody = compact({
        file_updates: nonEmpty(params.fileUpdates === undefined ? undefined : normalizeFiles("fileUpdates", params.fileUpdates)),
        moves: nonEmpty(params.moves === undefined ? undefined : normalizeMoves("moves", params.moves)),
        deletes: nonEmpty(params.deletes === undefined ? undefined : normalizeDeletes("deletes", params.deletes)),
        commit_message: params.commitMessage,
        release_label: params.releaseLabel,
        provider: params.provider,
      });
      const newVersion = Object.keys(versionBody).length > 0;
      if (params.name === undefined && !newVersion) {
        throw new PromptLayerValidationError("params", "nothing to update: give name, fileUpdates, moves, deletes, commitMessage, releaseLabel or provider");
      }

      let target = identifier;
      let collection: SkillCollection | undefined;
      if (params.name !== undefined) {
        const { data } = await this.http.request<{ skill_collection: SkillCollection }>({ method: "PATCH", path: `${BASE}/${pathSegment(identifier)}`, body: { name: params.name } });
        collection = data.skill_collection;
        // The old name no longer identifies it; the id always does.
        target = collection?.id !== undefined ? String(collection.id) : params.name;
      }
      let version: SkillCollectionVersion | undefined;
      if (newVersion) {
        const { data } = await this.http.request<{ skill_collection?: SkillCollection; version: SkillCollectionVersion }>({
          method: "POST",
          path: `${BASE}/${pathSegment(target)}/versions`,
          body: versionBody,
          // A retried 5xx could save the same change twice, as two versions.
          idempotent: false,
        });
        version = data.version;
        collection = data.skill_collection ?? collection;
      }
      // The spec's version answer has no collection; fetch it so the result always has one.
      collection ??= ((await this.get(target, {})) as PulledSkillCollection).skill_collection;
      return compact({ success: true, skill_collection: collection!, version }) as UpdatedSkillCollection;
    });
  }
}
