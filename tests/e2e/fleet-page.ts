import type { Browser, Locator, Page } from "playwright-core";
import { stopAll } from "./browser";

/** The fleet page (/fleet) as a user sees it: sign-in, import, node rows, details and checks. */
export class FleetPage {
  constructor(
    readonly page: Page,
    private readonly url: string,
  ) {}

  async signIn(token: string): Promise<void> {
    await this.page.goto(`${this.url}/fleet`);
    await this.page.waitForURL(/\/signin$/);
    await this.page.getByLabel("Console token").fill(token);
    await this.page.getByRole("button", { name: "Sign in" }).click();
    await this.page.waitForURL(`${this.url}/`);
    await this.page.goto(`${this.url}/fleet`);
  }

  /** Pastes an inventory and previews it; returns the preview table. */
  async preview(content: string): Promise<Locator> {
    await this.page.getByLabel("Inventory content").fill(content);
    await this.page.getByRole("button", { name: "Preview", exact: true }).click();
    const table = this.page.getByTestId("import-preview");
    await table.waitFor();
    return table;
  }

  async confirmImport(rows: number): Promise<void> {
    await this.page.getByRole("button", { name: `Import ${rows} valid rows` }).click();
    await this.page.getByTestId("import-outcome").getByText(`${rows} nodes created`).waitFor();
  }

  /** A node's row; in a long fleet only the rows in view are in the page: see `show`. */
  row(name: string): Locator {
    return this.page.getByTestId(`node-row-${name}`);
  }

  /** The toolbar of the selected nodes (shown once one is selected). */
  selection(): Locator {
    return this.page.getByRole("toolbar", { name: "Selected nodes" });
  }

  /** Selects every node the table shows (all of them when no filter is set): `count` nodes. */
  async selectAll(count: number): Promise<Locator> {
    await this.page.getByLabel("Select all shown nodes").check();
    const bar = this.selection();
    await bar.getByText(`${count} selected`).waitFor();
    return bar;
  }

  /** With nodes selected: "Trust host keys…" → the dialog listing the presented fingerprints. */
  async openBulkTrust(): Promise<Locator> {
    await this.selection().getByRole("button", { name: "Trust host keys…" }).click();
    const dialog = this.page.getByTestId("bulk-trust");
    await dialog.waitFor();
    return dialog;
  }

  /** With nodes selected: "Edit…" → the bulk edit dialog. */
  async openBulkEdit(): Promise<Locator> {
    await this.selection().getByRole("button", { name: "Edit…" }).click();
    const dialog = this.page.getByTestId("bulk-edit");
    await dialog.waitFor();
    return dialog;
  }

  /** Filters the table down to the node, wherever it is in a long fleet, and returns its row. */
  async show(name: string): Promise<Locator> {
    await this.page.getByLabel("Filter nodes").fill(name);
    const row = this.row(name);
    await row.waitFor();
    return row;
  }

  /** Opens the node's edit dialog, pastes the private key, saves. */
  async setPrivateKey(name: string, privateKey: string): Promise<void> {
    await this.row(name)
      .getByRole("button", { name: `Edit ${name}` })
      .click();
    const form = this.page.getByTestId("node-form");
    await form.getByLabel("Private key", { exact: true }).fill(privateKey);
    await form.getByRole("button", { name: "Save changes" }).click();
    await form.waitFor({ state: "detached" });
  }

  /** Clicks "Run checks on all" and waits until the run's results are on the page. */
  async runChecksOnAll(): Promise<void> {
    const posted = this.page.waitForResponse(
      (response) =>
        response.url().endsWith("/api/checks") && response.request().method() === "POST",
    );
    await this.page.getByRole("button", { name: "Run checks on all" }).click();
    await posted;
    // the previous notice is cleared before the request: this one is the new run's
    await this.page.getByText(/^Checks finished on \d+ nodes/).waitFor();
  }

  /** Expands the node's details row (once) and returns it. */
  async details(name: string): Promise<Locator> {
    const toggle = this.row(name).getByRole("button", { name, exact: true });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    const details = this.page.getByTestId(`node-details-${name}`);
    await details.waitFor();
    return details;
  }

  /** A check result of the node (its latest run), as shown in its details. */
  async check(name: string, check: string): Promise<Locator> {
    const item = (await this.details(name)).getByTestId(`check-${check}`);
    await item.waitFor();
    return item;
  }
}

/** The Credentials section of the fleet page. */
export class CredentialsSection {
  constructor(readonly page: Page) {}

  item(name: string): Locator {
    return this.page.locator(`[data-credential="${name}"]`);
  }

  /**
   * Adds a credential with a private key and a sudo mode label, through its dialog; `beforeSave`
   * sees the filled dialog (to check it) before it is saved.
   */
  async addWithKey(
    name: string,
    privateKey: string,
    sudo: string,
    beforeSave?: (form: Locator) => Promise<void>,
  ): Promise<void> {
    await this.page.getByRole("button", { name: "Add credential" }).click();
    const form = this.page.getByTestId("credential-form");
    await form.getByLabel("Name", { exact: true }).fill(name);
    await form.getByLabel("Private key", { exact: true }).fill(privateKey);
    await form.getByLabel("How the user becomes root").selectOption({ label: sudo });
    await beforeSave?.(form);
    await form.getByRole("button", { name: "Add credential" }).click();
    await form.waitFor({ state: "detached" });
    await this.item(name).waitFor();
  }

  /** Opens the rotate dialog of a credential (left open for the caller). */
  async openRotate(name: string): Promise<Locator> {
    await this.page.getByRole("button", { name: `Rotate ${name}` }).click();
    const form = this.page.getByTestId("credential-form");
    await form.waitFor();
    return form;
  }

  async rotateToPassword(name: string, password: string): Promise<void> {
    const form = await this.openRotate(name);
    await form.getByLabel("Authentication").selectOption("password");
    await form.getByLabel("Password", { exact: true }).fill(password);
    await form.getByRole("button", { name: "Rotate" }).click();
    await form.waitFor({ state: "detached" });
  }
}

/** A desktop-sized page of the console at `url`, with the tests' patient default timeout. */
export async function openFleetPage(browser: Browser, url: string): Promise<FleetPage> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.setDefaultTimeout(60_000);
  return new FleetPage(page, url);
}

/** The lab, console and browser of a fleet e2e test, stopped in that order. */
export function stopFleetTest(
  what: string,
  parts: {
    browser?: Browser;
    server?: { stop(): Promise<unknown> };
    lab?: { stop(): Promise<unknown> };
  },
) {
  return stopAll(`cleaning up the ${what} e2e test`, [
    () => parts.browser?.close(),
    () => parts.server?.stop(),
    () => parts.lab?.stop(),
  ]);
}

/**
 * Imports `count` generated nodes (node-0 … node-N, three controllers, labels zone=z0…z3) through
 * the API: a fleet at scale, nothing listening on their addresses.
 */
export async function importGeneratedFleet(
  server: { url: string; token: string },
  count: number,
): Promise<void> {
  const csv = ["name,address,port,role,labels"];
  for (let i = 0; i < count; i += 1) {
    const role = i < 3 ? "controller" : "worker";
    csv.push(`node-${i},127.0.${Math.floor(i / 250)}.${(i % 250) + 1},22,${role},zone=z${i % 4}`);
  }
  const imported = await fetch(`${server.url}/api/nodes/import`, {
    method: "POST",
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: JSON.stringify({ content: csv.join("\n"), confirm: true }),
  });
  if (!imported.ok) throw new Error(`import: ${imported.status} ${await imported.text()}`);
}
