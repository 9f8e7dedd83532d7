import assert from "node:assert/strict";
import { test } from "node:test";
import { emptyForm, formOf } from "@/components/fleet/node-form-model";
import { toRequest } from "@/components/fleet/node-form-request";
import type { NodePublic } from "@/lib/inventory/types";

const node = {
  name: "w-1",
  address: "10.0.0.2",
  port: 22,
  user: "root",
  role: "worker",
  registryAddress: null,
  labels: { zone: "a,b", rack: "r1" },
  bastion: null,
  auth: { kind: "key", hasSecret: true, hasPassphrase: false },
  sudo: { mode: "none" },
  credential: null,
  hostKey: null,
  expectedFingerprint: null,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
} as NodePublic;

test("labels go through the edit form unchanged, commas in values included (';' separates)", () => {
  const form = formOf(node);
  assert.equal(form.labels, "zone=a,b;rack=r1");
  const { body, errors } = toRequest(form, node);
  assert.deepEqual([...errors], []);
  assert.deepEqual(body.labels, { zone: "a,b", rack: "r1" });
});

test("a label without '=' is named in the form's labels field", () => {
  const { errors } = toRequest({ ...emptyForm(), labels: "zone=a;oops" }, null);
  assert.equal(errors.get("labels"), '"oops" is not key=value');
});
