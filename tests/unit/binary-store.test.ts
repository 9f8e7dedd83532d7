/** The binary store on a real data folder and database: files by sha256, refusals leave nothing. */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { receiveBinary } from "@/lib/binaries/receive";
import { binariesDir, deleteBinary, listBinaries, openBinaryFile } from "@/lib/binaries/store";
import { openDatabase } from "@/lib/inventory/db";
import { elfHeader, MACHINE, syntheticK0s } from "../lab/elf-files";

describe("the binary store", () => {
  const dir = fs.mkdtempSync(path.join(tmpdir(), "binaries-"));
  const db = openDatabase(dir);
  after(() => {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  /** `bytes` as a request body arriving in chunks of `size` */
  const body = (bytes: Buffer, size = 1000) =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < bytes.length; at += size)
          controller.enqueue(bytes.subarray(at, at + size));
        controller.close();
      },
    });
  const store = () => fs.readdirSync(binariesDir(db));

  test("an ELF is kept under its sha256 (0600 in a 0700 folder) with its arch and version", async () => {
    const bytes = syntheticK0s("amd64", { padding: 5000 });
    const { binary, created } = await receiveBinary({
      db,
      body: body(bytes),
      name: "../k0s amd64",
    });
    assert.equal(created, true);
    assert.equal(binary.arch, "amd64");
    assert.equal(binary.kind, "elf");
    assert.equal(binary.version, "v1.32.8+k0s.0");
    assert.equal(binary.size, bytes.length);
    assert.equal(binary.name, "k0s_amd64");
    assert.deepEqual(store(), [binary.sha256]);
    assert.equal(fs.statSync(path.join(binariesDir(db), binary.sha256)).mode & 0o777, 0o600);
    assert.equal(fs.statSync(binariesDir(db)).mode & 0o777, 0o700);
    const opened = openBinaryFile({ db, sha256: binary.sha256 });
    assert.equal(opened?.size, bytes.length);
    assert.deepEqual(Buffer.concat(await opened.stream.toArray()), bytes);
  });

  test("an identical upload is kept once, with its first name", async () => {
    const bytes = syntheticK0s("amd64", { padding: 5000 });
    const again = await receiveBinary({ db, body: body(bytes, 333), name: "other-name" });
    assert.equal(again.created, false);
    assert.equal(again.binary.name, "k0s_amd64");
    assert.equal(listBinaries({ db }).length, 1);
    assert.equal(store().length, 1);
  });

  test("a refused upload leaves nothing behind, and is not read past its header", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(4096).fill(0x41));
      },
    });
    await assert.rejects(receiveBinary({ db, body: endless }), /text file without a #! line/);
    assert.ok(pulled < 10, `read ${pulled} chunks of a refused upload`);
    await assert.rejects(
      receiveBinary({ db, body: body(elfHeader({ machine: MACHINE.arm64 })) }),
      /no k0s version \(like v1\.32\.8\+k0s\.0\) is written in it/,
    );
    assert.equal(store().length, 1);
  });

  test("an upload a crash left behind is removed by the next one; a recent one is left alone", async () => {
    const abandoned = path.join(binariesDir(db), ".upload-abandoned");
    const recent = path.join(binariesDir(db), ".upload-recent");
    fs.writeFileSync(abandoned, "cut short");
    fs.writeFileSync(recent, "still arriving");
    const twoHoursAgo = new Date(Date.now() - 2 * 3600_000);
    fs.utimesSync(abandoned, twoHoursAgo, twoHoursAgo);
    await receiveBinary({ db, body: body(syntheticK0s("arm64")) });
    assert.ok(!fs.existsSync(abandoned));
    assert.ok(fs.existsSync(recent));
    fs.rmSync(recent);
  });

  test("a symlink in place of a stored file is never followed", async () => {
    const { binary } = await receiveBinary({ db, body: body(syntheticK0s("arm")) });
    const file = path.join(binariesDir(db), binary.sha256);
    fs.rmSync(file);
    fs.symlinkSync("/etc/passwd", file);
    assert.equal(openBinaryFile({ db, sha256: binary.sha256 }), null);
    assert.equal(openBinaryFile({ db, sha256: "../console.sqlite" }), null);
  });

  test("delete removes the row and the file; a name that is not a sha256 removes nothing", async () => {
    const [first] = listBinaries({ db }).filter((binary) => binary.arch === "amd64");
    assert.ok(first);
    assert.equal(deleteBinary({ db, sha256: "../console.sqlite" }), false);
    assert.ok(fs.existsSync(db.name));
    assert.equal(deleteBinary({ db, sha256: first.sha256 }), true);
    assert.equal(deleteBinary({ db, sha256: first.sha256 }), false);
    assert.ok(!store().includes(first.sha256));
  });
});
