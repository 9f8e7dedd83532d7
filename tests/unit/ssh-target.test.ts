import assert from "node:assert/strict";
import { test } from "node:test";
import { addressOf } from "@/components/fleet/fleet-model";
import type { NodePublic } from "@/lib/inventory/types";
import { sshTarget } from "@/lib/ssh/target";

test("an SSH target reads user@host:port, an IPv6 address in brackets, the same in the UI", () => {
  assert.equal(sshTarget("root", "10.0.0.1", 22), "root@10.0.0.1:22");
  assert.equal(sshTarget("deploy", "fd00::1", 2222), "deploy@[fd00::1]:2222");
  assert.equal(
    addressOf({ user: "root", address: "fd00::2", port: 22 } as NodePublic),
    "root@[fd00::2]:22",
  );
});
