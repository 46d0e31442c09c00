import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chooseVersion, type ReleaseConfig } from "../../local/domain/ab.js";
import { chatTemplate, pool, publish, startBackend, type Client } from "./backend-helpers.js";

let client: Client;
beforeAll(async () => {
  client = await startBackend();
  for (const text of ["A", "B", "C"]) await publish(client, "experiment", chatTemplate([{ role: "user", text }]), { release_labels: text === "A" ? ["prod"] : null });
});
afterAll(() => client.backend.close());

const served = async (userId: string | undefined, extra: Record<string, string> = {}) => {
  const filters = userId === undefined ? extra : { user_id: userId, ...extra };
  const res = await client.call("POST", "/prompt-templates/experiment", { label: "prod", metadata_filters: filters });
  expect(res.status).toBe(200);
  return res.body.version as number;
};

describe("A/B releases on a label", () => {
  it("creates a release with 201 and validates the split", async () => {
    const bad = await client.call("POST", "/api/local/releases", { prompt_name: "experiment", label: "prod", split: [{ version: 1, percentage: 50 }, { version: 2, percentage: 40 }] });
    expect(bad.status).toBe(422);
    expect(bad.body.detail[0]).toMatchObject({ loc: ["body", "split"], msg: "Percentages must total 100 (got 90)" });
    const unknownVersion = await client.call("POST", "/api/local/releases", { prompt_name: "experiment", label: "prod", split: [{ version: 9, percentage: 100 }] });
    expect(unknownVersion.status).toBe(404);
    const unknownPrompt = await client.call("POST", "/api/local/releases", { prompt_name: "nope", label: "prod", split: [{ version: 1, percentage: 100 }] });
    expect(unknownPrompt.status).toBe(404);

    const res = await client.call("POST", "/api/local/releases", {
      prompt_name: "experiment",
      label: "prod",
      split: [
        { version: 1, percentage: 70 },
        { version: 2, percentage: 30 },
      ],
      segments: [{ name: "beta", metadata_filters: { plan: "beta" }, split: [{ version: 3, percentage: 100 }] }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ prompt_name: "experiment", label: "prod", split: [{ version: 1, percentage: 70 }, { version: 2, percentage: 30 }] });
    const list = await client.call("GET", "/api/local/releases");
    expect(list.body.items).toHaveLength(1);
  });

  it("serves each user the same version every time", async () => {
    for (const user of ["u-1", "u-2", "u-3", "u-4", "u-5"]) {
      const first = await served(user);
      for (let i = 0; i < 5; i++) expect(await served(user)).toBe(first);
    }
  });

  it("keys on externalUserId when there is no user_id", async () => {
    const res = await client.call("POST", "/prompt-templates/experiment", { label: "prod", metadata_filters: { externalUserId: "ext-7" } });
    const again = await client.call("POST", "/prompt-templates/experiment", { label: "prod", metadata_filters: { externalUserId: "ext-7" } });
    expect(again.body.version).toBe(res.body.version);
  });

  it("splits 10,000 users within ±2% of the configured 70/30", async () => {
    const { body } = await client.call("GET", "/api/local/releases");
    const release = body.items[0] as { prompt_id: number } & ReleaseConfig;
    // The server's choice for 10,000 users, computed with its own function…
    const users = Array.from({ length: 10_000 }, (_, i) => `user-${i}`);
    const predicted = users.map((u) => chooseVersion(release, release.prompt_id, "prod", { user_id: u }).version);
    const share = predicted.filter((v) => v === 1).length / predicted.length;
    expect(share).toBeGreaterThan(0.68);
    expect(share).toBeLessThan(0.72);
    // …and over HTTP the server serves exactly those versions (checked on every 10th user).
    const sample = users.filter((_, i) => i % 10 === 0);
    const servedVersions = await pool(sample, 8, (u) => served(u));
    expect(servedVersions).toEqual(predicted.filter((_, i) => i % 10 === 0));
    const servedShare = servedVersions.filter((v) => v === 1).length / servedVersions.length;
    expect(Math.abs(servedShare - 0.7)).toBeLessThan(0.05);
  }, 60_000);

  it("serves a matching segment its own split", async () => {
    for (const user of ["s-1", "s-2", "s-3"]) expect(await served(user, { plan: "beta" })).toBe(3);
    expect([1, 2]).toContain(await served("s-1", { plan: "free" }));
  });

  it("picks at random without a user id, still within the split", async () => {
    const versions = await pool(Array.from({ length: 400 }, () => undefined), 8, () => served(undefined));
    expect(new Set(versions)).toEqual(new Set([1, 2]));
  });

  it("leaves explicit versions and other labels alone", async () => {
    const res = await client.call("POST", "/prompt-templates/experiment", { version: 3, metadata_filters: { user_id: "u-1" } });
    expect(res.body.version).toBe(3);
  });

  it("reverts the label to its own version when the release is deleted", async () => {
    const { body } = await client.call("GET", "/api/local/releases");
    const del = await client.call("DELETE", `/api/local/releases/${body.items[0].id}`);
    expect(del.status).toBe(200);
    for (const user of ["u-1", "u-2", "u-3", "u-4"]) expect(await served(user)).toBe(1);
    expect((await client.call("DELETE", `/api/local/releases/${body.items[0].id}`)).status).toBe(404);
  });
});
