import { after, before } from "node:test";
import { type RunningConsole, startConsole } from "../lab/console-server";

/**
 * A built console started before the file's tests and stopped after them, and a JSON call to it:
 * its status and text, with the console token unless `token` is null.
 */
export function consoleUnderTest() {
  let server: RunningConsole | undefined;
  before(async () => {
    server = await startConsole();
  });
  after(async () => {
    await server?.stop();
  });
  const running = () => {
    if (!server) throw new Error("the console is not started");
    return server;
  };
  const call = async (
    route: string,
    init: RequestInit = {},
    token: string | null = running().token,
  ) => {
    const response = await fetch(`${running().url}${route}`, {
      ...init,
      headers: {
        "content-type": "application/json",
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
    });
    return { status: response.status, text: await response.text() };
  };
  return { call };
}
