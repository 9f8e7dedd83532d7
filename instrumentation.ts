/** Runs once when the console's server starts (Next.js calls register before serving). */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { installFrontDoor } = await import("@/lib/http/front-door");
  const { ensureDataDir } = await import("@/lib/data-dir");
  const { consoleEnv } = await import("@/lib/env");
  installFrontDoor();
  ensureDataDir(consoleEnv().dataDir);
}
