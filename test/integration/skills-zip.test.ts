/**
 * The zip reader and writer behind `skills.publish({zipFile})` and `?format=zip`: archives from
 * the system `zip` tool (when installed), the writer's own (checked by `unzip -t` when installed),
 * deflate entries, and the archives that must be refused.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deflateRawSync, crc32 as zlibCrc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalBackend, type LocalBackend } from "../../local/server.js";
import { PromptLayer, PromptLayerValidationError } from "../../src/index.js";
import { filesFromZip } from "../../src/client/skills/files.js";
import { readZip, tableCrc32, writeZip } from "../../src/client/skills/zip.js";

const has = (tool: string) => {
  try {
    execFileSync("which", [tool], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const HAS_ZIP = has("zip");
const HAS_UNZIP = has("unzip");

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const asObject = (bytes: Uint8Array) => Object.fromEntries(readZip(bytes).map((e) => [e.path, text(e.data)]));
const refusal = (fn: () => unknown): PromptLayerValidationError => {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PromptLayerValidationError);
    expect((error as PromptLayerValidationError).param).toBe("zipFile");
    return error as PromptLayerValidationError;
  }
  throw new Error("expected a PromptLayerValidationError");
};

const LONG = "Refunds are issued within 14 days of the request. ".repeat(200);
const FILES = { "SKILL.md": "# Support\nÜnïcödé ✓ 🚀", "refunds/policy.md": LONG, "refunds/empty.txt": "" };

describe("reading archives", () => {
  it.skipIf(!HAS_ZIP)("reads what the system zip tool writes: deflate and stored entries, directories, extra fields, data descriptors", () => {
    const dir = mkdtempSync(join(tmpdir(), "pl-skills-zip-"));
    const src = join(dir, "src");
    mkdirSync(join(src, "refunds"), { recursive: true });
    for (const [path, content] of Object.entries(FILES)) writeFileSync(join(src, path), content);
    const archive = join(dir, "skills.zip");
    execFileSync("zip", ["-q", "-r", archive, "."], { cwd: src });
    writeFileSync(join(src, "stored.md"), "kept as is ".repeat(50));
    execFileSync("zip", ["-q", "-0", archive, "stored.md"], { cwd: src });
    const listing = execFileSync("unzip", ["-v", archive], { encoding: "utf8" });
    expect(listing).toMatch(/Defl:N/); // the long file is deflated…
    expect(listing).toMatch(/Stored/); // …and -0 stores
    expect(listing).toMatch(/refunds\/\s*$/m); // a directory entry, which the reader skips

    expect(asObject(readFileSync(archive))).toEqual({ ...FILES, "stored.md": "kept as is ".repeat(50) });

    // zip writing to a pipe cannot seek back: sizes go in a data descriptor after the data.
    const streamed = execFileSync("zip", ["-q", "-", "-"], { input: "streamed content" });
    expect(streamed.readUInt16LE(6) & 0x0008).toBe(0x0008);
    expect(asObject(streamed)).toEqual({ "-": "streamed content" });
  });

  it("reads the writer's archives, stored and deflated (zlib.deflateRawSync)", () => {
    const entries = Object.entries(FILES).map(([path, data]) => ({ path, data }));
    const stored = writeZip(entries);
    const deflated = writeZip(entries, { compression: "deflate" });
    expect(new DataView(stored.buffer, stored.byteOffset).getUint16(8, true)).toBe(0);
    expect(new DataView(deflated.buffer, deflated.byteOffset).getUint16(8, true)).toBe(8);
    expect(deflated.byteLength).toBeLessThan(stored.byteLength / 5);
    expect(asObject(stored)).toEqual(FILES);
    expect(asObject(deflated)).toEqual(FILES);
    // A deflate entry spliced by hand: the raw stream is exactly what deflateRawSync made.
    const body = deflateRawSync(Buffer.from(LONG));
    expect(Buffer.from(deflated).includes(body)).toBe(true);
  });

  it.skipIf(!HAS_UNZIP)("writes archives that unzip -t accepts", () => {
    const dir = mkdtempSync(join(tmpdir(), "pl-skills-unzip-"));
    for (const [name, options] of [["stored.zip", {}], ["deflated.zip", { compression: "deflate" as const }]] as const) {
      const file = join(dir, name);
      writeFileSync(file, writeZip(Object.entries(FILES).map(([path, data]) => ({ path, data })), { ...options, date: new Date("2024-05-06T07:08:10Z") }));
      expect(execFileSync("unzip", ["-t", file], { encoding: "utf8" })).toMatch(/No errors detected/);
      expect(execFileSync("unzip", ["-p", file, "SKILL.md"], { encoding: "utf8" })).toBe(FILES["SKILL.md"]);
      expect(execFileSync("unzip", ["-Z", "-T", file], { encoding: "utf8" })).toContain("20240506.070810");
    }
  });

  it("computes the zip CRC-32 the same way with or without zlib.crc32", () => {
    expect(tableCrc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    const random = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256));
    expect(tableCrc32(random)).toBe(zlibCrc32(random));
  });

  it("leaves out macOS resource forks", () => {
    const zip = writeZip([{ path: "a.md", data: "A" }, { path: "__MACOSX/._a.md", data: new Uint8Array([0, 5, 22, 7]) }]);
    expect(readZip(zip).map((e) => e.path)).toEqual(["a.md"]);
  });
});

describe("refusing archives", () => {
  const good = () => Buffer.from(writeZip([{ path: "a.md", data: "hello" }]));
  const centralAt = (zip: Buffer) => zip.readUInt32LE(zip.length - 22 + 16);

  it("refuses methods other than stored and deflate, encryption, bad CRCs, truncation and non-zips", () => {
    const bzip2 = good();
    bzip2.writeUInt16LE(12, centralAt(bzip2) + 10);
    expect(refusal(() => readZip(bzip2)).message).toContain("compression method 12; only stored (0) and deflate (8) are supported");

    const encrypted = good();
    encrypted.writeUInt16LE(0x0801, centralAt(encrypted) + 8);
    expect(refusal(() => readZip(encrypted)).message).toContain("encrypted");

    const corrupt = good();
    const first = 30 + "a.md".length; // the first data byte
    corrupt.writeUInt8(corrupt.readUInt8(first) ^ 0xff, first);
    expect(refusal(() => readZip(corrupt)).message).toContain("CRC-32");

    const deflated = Buffer.from(writeZip([{ path: "a.md", data: LONG }], { compression: "deflate" }));
    deflated.writeUInt32LE(10, centralAt(deflated) + 24); // declares 10 bytes, inflates to many more
    expect(refusal(() => readZip(deflated)).message).toMatch(/could not be inflated|is \d+ bytes/);

    expect(refusal(() => readZip(good().subarray(0, 40))).message).toContain("not a ZIP archive");
    const cut = good();
    cut.writeUInt32LE(cut.length, cut.length - 22 + 16); // central directory "beyond" the end
    expect(refusal(() => readZip(cut)).message).toContain("truncated");
    expect(refusal(() => readZip(Buffer.from("just some text"))).message).toContain("not a ZIP archive");
  });

  it("refuses entries that escape the collection or are not UTF-8 text (client-side, before sending)", async () => {
    expect(refusal(() => filesFromZip(writeZip([{ path: "../evil.md", data: "x" }]))).message).toContain(".. segments");
    expect(refusal(() => filesFromZip(writeZip([{ path: "/etc/cron.d/x", data: "x" }]))).message).toContain("relative");
    expect(refusal(() => filesFromZip(writeZip([{ path: "logo.png", data: new Uint8Array([0x89, 0x50, 0xff, 0xfe]) }]), "brand.zip")).message).toContain(
      'entry "logo.png" of brand.zip is not UTF-8 text',
    );
    expect(refusal(() => filesFromZip("not bytes")).message).toContain("expected a Uint8Array");
    // An ArrayBuffer is fine.
    const zip = writeZip([{ path: "a.md", data: "A" }]);
    expect(filesFromZip(zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength))).toEqual([{ path: "a.md", content: "A" }]);
  });
});

describe("publishing a zip through the client", () => {
  let backend: LocalBackend;
  beforeAll(async () => {
    backend = await startLocalBackend({ dataDir: ":memory:", apiKey: "pl_zip_key", log: () => {} });
  });
  afterAll(() => backend.close());

  it("round-trips: zip → publish → pull format=zip → the same files", async () => {
    let sent = 0;
    const pl = new PromptLayer({ apiKey: "pl_zip_key", baseURL: backend.url, fetch: (input, init) => (sent++, fetch(input, init)) });
    const zip = writeZip(Object.entries(FILES).map(([path, data]) => ({ path, data })), { compression: "deflate" });
    await pl.skills.publish({ name: "zipped", provider: "claude_code", zipFile: zip });
    expect(asObject((await pl.skills.pull("zipped", { format: "zip" }))!)).toEqual(FILES);

    const before = sent;
    await expect(pl.skills.publish({ name: "evil", provider: "claude_code", zipFile: writeZip([{ path: "a/../../x", data: "x" }]) })).rejects.toBeInstanceOf(PromptLayerValidationError);
    expect(sent).toBe(before);
  });
});
