import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { z } from "zod";
import { InventoryError, parseOrThrow } from "@/lib/inventory/errors";
import { NodeInputSchema } from "@/lib/inventory/schema";
import { RenderInputError } from "@/lib/render/errors";
import { parseRenderInput, RenderRequestSchema } from "@/lib/render/schema";
import { fieldIssues, joinIssues, pathLabel } from "@/lib/util/field-issues";

/** The worded issues of `value` against `schema`. */
function wordsOf(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  assert.ok(!result.success, "the value should be refused");
  return fieldIssues(result.error).map((issue) => `${issue.label}: ${issue.message}`);
}

describe("zod's issues in words a person reads", () => {
  const cases: [string, z.ZodType, unknown, string][] = [
    [
      "a number too big",
      z.object({ port: z.number().max(65535) }),
      { port: 70000 },
      "Port: must be at most 65535",
    ],
    [
      "a number too small",
      z.object({ port: z.number().min(1) }),
      { port: 0 },
      "Port: must be at least 1",
    ],
    [
      "an exclusive bound",
      z.object({ load: z.number().lt(5) }),
      { load: 5 },
      "Load: must be less than 5",
    ],
    [
      "text too long",
      z.object({ name: z.string().max(3) }),
      { name: "abcd" },
      "Name: must be at most 3 characters",
    ],
    ["empty text", z.object({ name: z.string().min(1) }), { name: "" }, "Name: is required"],
    ["a missing field", z.object({ userName: z.string() }), {}, "User name: is required"],
    ["the wrong type", z.object({ port: z.number() }), { port: "22" }, "Port: must be a number"],
    [
      "a list too long",
      z.object({ hosts: z.array(z.string()).max(1) }),
      { hosts: ["a", "b"] },
      "Hosts: must have at most 1 entry",
    ],
    [
      "a choice outside the list",
      z.object({ role: z.enum(["worker", "controller"]) }),
      { role: "boss" },
      "Role: must be one of: worker, controller",
    ],
    ["an unknown field", z.strictObject({}), { extra: 1 }, ": unknown field: extra"],
    [
      "an item of a list, counted from 1",
      z.object({ nodes: z.array(z.object({ registryAddress: z.string() })) }),
      { nodes: [{ registryAddress: "a" }, {}] },
      "Nodes 2 registry address: is required",
    ],
    [
      "a schema's own message is kept",
      z.object({ port: z.number().max(9, "must be one digit") }),
      { port: 10 },
      "Port: must be one digit",
    ],
  ];
  for (const [name, schema, value, expected] of cases) {
    test(name, () => assert.deepEqual(wordsOf(schema, value), [expected]));
  }

  test("every issue of a form at once, joined in one sentence", () => {
    const result = z.object({ a: z.number(), b: z.string() }).safeParse({});
    assert.ok(!result.success);
    assert.equal(joinIssues(fieldIssues(result.error)), "A: is required; B: is required");
  });

  const labels: [PropertyKey[], string][] = [
    [["registries", 7], "Registries 8"],
    [["bastion", "port"], "Bastion port"],
    [["expectedFingerprint"], "Expected fingerprint"],
  ];
  for (const [path, label] of labels) {
    test(`the path ${JSON.stringify(path)} reads "${label}"`, () =>
      assert.equal(pathLabel(path), label));
  }
});

describe("the API's messages name the form's fields", () => {
  test("a node: every bad field, by the node form's labels", () => {
    assert.throws(
      () =>
        parseOrThrow(NodeInputSchema, {
          name: "n-1",
          address: "10.0.0.1",
          port: 70000,
          user: "root",
          role: "boss",
        }),
      (error: unknown) => {
        assert.ok(error instanceof InventoryError);
        assert.match(error.message, /SSH port: must be a port number, 1-65535/);
        assert.match(error.message, /Role: must be one of: controller/);
        assert.doesNotMatch(error.message, /Invalid|Too big|expected/);
        assert.deepEqual(
          error.issues.map((issue) => issue.field),
          ["port", "role", ...error.issues.slice(2).map((issue) => issue.field)],
        );
        return true;
      },
    );
  });

  test("the render input: `registries[1]` is Registry 2, with zod's text reworded", () => {
    const input = {
      k0sVersion: "",
      registries: ["quay.io", "http://ghcr.io"],
      mirror: { address: "10.0.0.5:5000", scheme: "ftp" },
    };
    assert.throws(
      () => parseRenderInput(RenderRequestSchema, input),
      (error: unknown) => {
        assert.ok(error instanceof RenderInputError);
        assert.deepEqual(
          error.issues.map((issue) => issue.label),
          ["k0s version", "Registry 2", "Scheme"],
        );
        assert.match(error.message, /^k0s version: is required; Registry 2: .*scheme/);
        assert.match(error.message, /Scheme: must be one of: http, https$/);
        assert.doesNotMatch(error.message, /registries\[/);
        return true;
      },
    );
  });
});
