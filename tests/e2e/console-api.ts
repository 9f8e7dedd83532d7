import assert from "node:assert/strict";
import type { RunningConsole } from "../lab/console-server";

/** A JSON API call with the console token, asserted to succeed; its parsed answer (null when empty). */
export function consoleApi(server: () => RunningConsole) {
  return async (method: string, route: string, body?: unknown): Promise<unknown> => {
    const { url, token } = server();
    const response = await fetch(`${url}${route}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    assert.ok(response.ok, `${method} ${route}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
