import { type AddressInfo, connect, createServer, type Server, type Socket } from "node:net";
import type { Download, Locator, Page } from "playwright-core";

/** A log row's height in px (components/runs/log-row.tsx ROW_HEIGHT): the list is virtualised on it. */
const ROW_HEIGHT = 20;

/** What the log stream shows (components/runs/use-run-log.ts `Connection`). */
export type Connection = "connecting" | "live" | "reconnecting" | "finished" | "disconnected";

/** A run's page (/runs/<id>) as a user sees it: status, log tabs, the virtualised log, downloads. */
export class RunsPage {
  constructor(
    readonly page: Page,
    private readonly url: string,
  ) {}

  async signIn(token: string): Promise<void> {
    await this.page.goto(`${this.url}/runs`);
    await this.page.waitForURL(/\/signin$/);
    await this.page.getByLabel("Console token").fill(token);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    await this.page.waitForURL(`${this.url}/`);
  }

  /**
   * In the plan form: uploads `file` as the k0s binary for `arch` and waits until it is stored and
   * chosen; returns its sha256 (the chooser's value).
   */
  async uploadK0sBinary(
    file: { name: string; buffer: Buffer },
    arch: "amd64" | "arm64" | "arm" = "amd64",
  ): Promise<string> {
    const field = this.page.getByTestId("k0s-binary-field").getByTestId(`k0s-binary-${arch}`);
    await field.getByTestId("k0s-binary-input").setInputFiles({
      ...file,
      mimeType: "application/octet-stream",
    });
    await field
      .getByRole("status")
      .filter({ hasText: `Uploaded ${file.name}: ` })
      .waitFor();
    return field.getByLabel(`k0s binary for ${arch}`, { exact: true }).inputValue();
  }

  /**
   * /runs → the plan form's options filled in, when given → "Plan on N nodes" (every node) → the
   * plan's page; returns its run id.
   */
  async planAll(
    nodes: number,
    options: { concurrency?: number; stageTimeoutSeconds?: number } = {},
  ): Promise<string> {
    await this.page.goto(`${this.url}/runs`);
    const form = this.page.getByTestId("plan-form");
    if (options.concurrency !== undefined)
      await form.getByLabel("Nodes at a time").fill(String(options.concurrency));
    if (options.stageTimeoutSeconds !== undefined)
      await form.getByLabel("Stage timeout (seconds)").fill(String(options.stageTimeoutSeconds));
    return this.plan(nodes);
  }

  /** On /runs, the form filled in: "Plan on N nodes" (every node) → the plan's page; its run id. */
  async plan(nodes: number): Promise<string> {
    await this.page
      .getByTestId("plan-form")
      .getByRole("button", { name: `Plan on ${nodes} nodes` })
      .click();
    return this.runIdFromUrl();
  }

  /**
   * On a succeeded plan's page: "Apply to these N nodes…" → the confirmation (what changes) →
   * "Apply to N nodes" → the apply's page; returns its id.
   */
  async applyPlan(planId: string, nodes: number): Promise<string> {
    await (await this.openApplyDialog(nodes))
      .getByRole("button", { name: `Apply to ${nodes} node${nodes === 1 ? "" : "s"}` })
      .click();
    return this.runIdFromUrl(planId);
  }

  /** On a succeeded plan's page: "Apply to these N nodes…"; returns the confirmation dialog. */
  async openApplyDialog(nodes: number): Promise<Locator> {
    const button = this.page.getByTestId("apply-plan");
    await button.getByText(`Apply to these ${nodes} node${nodes === 1 ? "" : "s"}`).waitFor();
    await button.click();
    const dialog = this.page.getByTestId("apply-dialog");
    await dialog.waitFor();
    return dialog;
  }

  /** Waits until the run's page shows one of `states`; returns the one shown. */
  async waitForStatus(states: RegExp, timeout = 180_000): Promise<string> {
    await this.status().filter({ hasText: states }).waitFor({ timeout });
    return ((await this.status().textContent()) ?? "").trim();
  }

  /** The id of the run whose page is open now (not `not`). */
  runId(not?: string): Promise<string> {
    return this.runIdFromUrl(not);
  }

  private async runIdFromUrl(not?: string): Promise<string> {
    await this.page.waitForURL((url) => {
      const match = /^\/runs\/([^/]+)$/.exec(url.pathname);
      return match !== null && match[1] !== not;
    });
    const id = /^\/runs\/([^/]+)$/.exec(new URL(this.page.url()).pathname)?.[1];
    if (!id) throw new Error(`not a run page: ${this.page.url()}`);
    return decodeURIComponent(id);
  }

  status(): Locator {
    return this.page.getByTestId("run-status");
  }

  connection(): Locator {
    return this.page.getByTestId("log-connection");
  }

  /** Waits until the log stream shows one of `states`; returns the one shown. */
  async waitForConnection(...states: Connection[]): Promise<Connection> {
    const pattern = new RegExp(`^(${states.join("|")})$`);
    await this.connection().filter({ hasText: pattern }).waitFor();
    return ((await this.connection().textContent()) ?? "").trim() as Connection;
  }

  /** Shows one node's log (or the merged one with null). */
  async showLog(node: string | null): Promise<void> {
    const tab = this.page.getByTestId(node === null ? "log-tab-all" : `log-tab-${node}`);
    await tab.click();
    await tab.and(this.page.locator("[aria-selected=true]")).waitFor();
  }

  line(node: string): Locator {
    return this.page.locator(`[data-testid=log-line][data-node="${node}"]`);
  }

  /** The "N lines" count beside the log. */
  async shownCount(): Promise<number> {
    const text = await this.page
      .getByTestId("log-connection")
      .locator("xpath=ancestor::div[1]")
      .getByText(/^[\d,]+ lines?$/)
      .textContent();
    return Number((text ?? "").replace(/[^\d]/g, ""));
  }

  /**
   * Every event id the current log view holds, in row order: scrolls the virtualised list from
   * top to bottom, placing each rendered row by its position (row index = offset / row height),
   * so a line missing or shown twice shows up as a gap or an extra row. Throws if two different
   * ids claim one row or a row is never seen.
   */
  async renderedIds(): Promise<number[]> {
    // no named inner functions: tsx (esbuild keepNames) would wrap them in a __name() call,
    // which does not exist in the page
    return this.page.getByTestId("log-view").evaluate(async (view, rowHeight) => {
      const el = view as HTMLDivElement;
      const spacer = el.firstElementChild as HTMLElement | null;
      if (spacer?.tagName !== "DIV") return [];
      const count = Math.round(spacer.offsetHeight / rowHeight);
      const byRow = new Map<number, number>();
      for (let scrollTop = 0; ; scrollTop += el.clientHeight) {
        el.scrollTop = scrollTop;
        el.dispatchEvent(new Event("scroll"));
        const first = Math.floor(el.scrollTop / rowHeight);
        const last = Math.min(count, first + Math.floor(el.clientHeight / rowHeight)) - 1;
        // wait until the rows of this scroll position are rendered
        for (let tries = 0; !(byRow.has(first) && byRow.has(last)); tries += 1) {
          if (tries > 600) throw new Error(`rows ${first}–${last} never rendered`);
          await new Promise((resolve) => requestAnimationFrame(resolve));
          const top = spacer.getBoundingClientRect().top;
          for (const row of el.querySelectorAll<HTMLElement>("[data-testid=log-line]")) {
            const index = Math.round((row.getBoundingClientRect().top - top) / rowHeight);
            const id = Number(row.dataset.eventId);
            const known = byRow.get(index);
            if (known !== undefined && known !== id)
              throw new Error(`row ${index} shows event ${id} and event ${known}`);
            byRow.set(index, id);
          }
        }
        if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) break;
      }
      const ids: number[] = [];
      for (let index = 0; index < count; index += 1) {
        const id = byRow.get(index);
        if (id === undefined) throw new Error(`row ${index} of ${count} was never rendered`);
        ids.push(id);
      }
      return ids;
    }, ROW_HEIGHT);
  }

  /** Clicks a download link and returns the file's text. */
  async download(link: Locator): Promise<{ name: string; text: string }> {
    const [download] = await Promise.all([this.page.waitForEvent("download"), link.click()]);
    const text = new TextDecoder().decode(await readDownload(download));
    return { name: download.suggestedFilename(), text };
  }
}

/** A finished download's bytes. */
export async function readDownload(download: Download): Promise<Uint8Array> {
  const { readFile } = await import("node:fs/promises");
  const path = await download.path();
  if (!path) throw new Error(`download ${download.suggestedFilename()} failed`);
  return new Uint8Array(await readFile(path));
}

/**
 * A TCP relay between the browser and the console, so a test can drop the browser's connections.
 * (Chromium's offline emulation, `context.setOffline(true)`, fails new requests only: an open
 * EventSource stream keeps flowing through it.) While cut, open connections are reset and new
 * ones are closed at once.
 */
export class BrowserLink {
  private cut = false;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(target: string): Promise<BrowserLink> {
    const { hostname, port } = new URL(target);
    const link: { current?: BrowserLink } = {};
    const server = createServer((client) => {
      const self = link.current;
      if (!self || self.cut) {
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(Number(port), hostname);
      for (const socket of [client, upstream]) {
        self.sockets.add(socket);
        socket.on("close", () => self.sockets.delete(socket));
        socket.on("error", () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address() as AddressInfo;
    link.current = new BrowserLink(server, `http://127.0.0.1:${address.port}`);
    return link.current;
  }

  /** Resets every open connection; new ones are refused until `restore()`. */
  drop(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.resetAndDestroy();
  }

  restore(): void {
    this.cut = false;
  }

  async close(): Promise<void> {
    this.drop();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
