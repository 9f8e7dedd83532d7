"use client";

import { useState } from "react";
import { TlsFields } from "@/components/tls-fields";
import { ApiError } from "@/lib/client/api";
import {
  type RegistrySettingsAnswer,
  type RegistryTestResult,
  saveRegistrySettings,
  testRegistry,
} from "@/lib/client/registry-api";
import type { RegistrySettingsInput } from "@/lib/registry/settings";
import { buttonClass, FieldError, fieldClass, Hint, inputClass, primaryButtonClass } from "../ui";

type CredentialKind = "none" | "basic" | "token";

interface Draft {
  address: string;
  prefix: string;
  scheme: "" | "http" | "https";
  caPem: string;
  insecureSkipVerify: boolean;
  kind: CredentialKind;
  username: string;
  password: string;
  token: string;
  via: string;
}

function draftOf({ settings }: RegistrySettingsAnswer): Draft {
  const credentials = settings.credentials;
  return {
    address: settings.address ?? "",
    prefix: settings.prefix ?? "",
    scheme: settings.scheme ?? "",
    caPem: settings.caPem ?? "",
    insecureSkipVerify: settings.insecureSkipVerify === true,
    kind: credentials.kind,
    username: credentials.kind === "basic" ? credentials.username : "",
    password: "",
    token: "",
    via: settings.via ?? "",
  };
}

/** What PUT takes: empty fields follow the mirror; an empty password or token keeps the stored one. */
function inputOf(draft: Draft): RegistrySettingsInput {
  const credentials: RegistrySettingsInput["credentials"] =
    draft.kind === "basic"
      ? {
          kind: "basic",
          username: draft.username,
          ...(draft.password ? { password: draft.password } : {}),
        }
      : draft.kind === "token"
        ? { kind: "token", ...(draft.token ? { token: draft.token } : {}) }
        : { kind: "none" };
  return {
    ...(draft.address.trim() ? { address: draft.address.trim() } : {}),
    ...(draft.prefix.trim() ? { prefix: draft.prefix.trim() } : {}),
    ...(draft.scheme ? { scheme: draft.scheme } : {}),
    ...(draft.caPem.trim() ? { caPem: draft.caPem } : {}),
    ...(draft.insecureSkipVerify ? { insecureSkipVerify: true } : {}),
    credentials,
    via: draft.via || null,
  };
}

/** The registry's settings: saved, then tried ("Test connection") with the answer in words. */
export function RegistrySettingsForm({
  initial,
  nodes,
}: {
  initial: RegistrySettingsAnswer;
  nodes: string[];
}) {
  const [answer, setAnswer] = useState(initial);
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [issues, setIssues] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [result, setResult] = useState<RegistryTestResult | null>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) =>
    setDraft((current) => ({ ...current, [key]: value }));
  const effective = answer.effective;
  const stored = answer.settings.credentials;

  async function save(): Promise<boolean> {
    setStatus(null);
    try {
      const saved = await saveRegistrySettings(inputOf(draft));
      setAnswer(saved);
      setDraft(draftOf(saved));
      setIssues({});
      setStatus("Saved.");
      return true;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      setIssues(Object.fromEntries(error.issues.map((issue) => [issue.field, issue.message])));
      setStatus(`Not saved: ${error.message}`);
      return false;
    }
  }

  async function run(action: "save" | "test") {
    setBusy(true);
    setResult(null);
    try {
      if ((await save()) && action === "test") setResult(await testRegistry());
    } finally {
      setBusy(false);
    }
  }

  const field = (name: string) => ({
    "aria-invalid": issues[name] !== undefined,
    "aria-describedby": issues[name] ? `registry-${name}-error` : undefined,
  });
  const error = (name: string) => (
    <FieldError id={`registry-${name}-error`} message={issues[name] ?? null} />
  );

  return (
    <form
      aria-label="Registry settings"
      className="space-y-4"
      onSubmit={(event) => {
        event.preventDefault();
        void run("save");
      }}
    >
      <div className="grid grid-cols-1 gap-4 md:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <div>
          <label htmlFor="registry-address" className="block text-sm font-medium">
            Registry address (host:port, or host:port/prefix)
          </label>
          <div className="flex gap-2">
            <select
              aria-label="Scheme"
              value={draft.scheme}
              onChange={(event) => set("scheme", event.target.value as Draft["scheme"])}
              className={`${fieldClass} w-32 shrink-0`}
            >
              <option value="">as the mirror</option>
              <option value="http">http</option>
              <option value="https">https</option>
            </select>
            <input
              id="registry-address"
              value={draft.address}
              placeholder={effective.address}
              onChange={(event) => set("address", event.target.value)}
              className={`${fieldClass} min-w-0 flex-1 font-mono`}
              {...field("address")}
            />
          </div>
          {error("address")}
          {error("scheme")}
          <Hint>Fields left empty follow the mirror settings (Config page).</Hint>
        </div>
        <div>
          <label htmlFor="registry-prefix" className="block text-sm font-medium">
            Repository prefix
          </label>
          <input
            id="registry-prefix"
            value={draft.prefix}
            placeholder={effective.prefix ?? "none"}
            onChange={(event) => set("prefix", event.target.value)}
            className={`${inputClass} font-mono`}
            {...field("prefix")}
          />
          {error("prefix")}
        </div>
      </div>

      {(draft.scheme || effective.scheme) === "https" && (
        <TlsFields
          id="registry"
          caPem={draft.caPem}
          skipVerify={draft.insecureSkipVerify}
          caError={issues.caPem ?? null}
          skipError={issues.insecureSkipVerify ?? null}
          skipLabel="Skip TLS verification"
          onCaPem={(value) => set("caPem", value)}
          onSkipVerify={(value) => set("insecureSkipVerify", value)}
        />
      )}

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Credentials</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(["none", "basic", "token"] as const).map((kind) => (
            <label key={kind} className="flex items-center gap-2">
              <input
                type="radio"
                name="registry-credentials"
                checked={draft.kind === kind}
                onChange={() => set("kind", kind)}
              />
              {{ none: "None", basic: "User name and password", token: "Token" }[kind]}
            </label>
          ))}
        </div>
        {draft.kind === "basic" && (
          <div className="grid grid-cols-1 gap-4 sm:grid-cols-2">
            <div>
              <label htmlFor="registry-username" className="block text-sm font-medium">
                User name
              </label>
              <input
                id="registry-username"
                autoComplete="off"
                value={draft.username}
                onChange={(event) => set("username", event.target.value)}
                className={inputClass}
                {...field("credentials.username")}
              />
              {error("credentials.username")}
            </div>
            <div>
              <label htmlFor="registry-password" className="block text-sm font-medium">
                Password
              </label>
              <input
                id="registry-password"
                type="password"
                autoComplete="new-password"
                value={draft.password}
                placeholder={stored.kind === "basic" ? "stored: leave empty to keep" : ""}
                onChange={(event) => set("password", event.target.value)}
                className={inputClass}
                {...field("credentials.password")}
              />
              {error("credentials.password")}
            </div>
          </div>
        )}
        {draft.kind === "token" && (
          <div>
            <label htmlFor="registry-token" className="block text-sm font-medium">
              Token
            </label>
            <input
              id="registry-token"
              type="password"
              autoComplete="off"
              value={draft.token}
              placeholder={stored.kind === "token" ? "stored: leave empty to keep" : ""}
              onChange={(event) => set("token", event.target.value)}
              className={inputClass}
              {...field("credentials.token")}
            />
            {error("credentials.token")}
          </div>
        )}
      </fieldset>

      <div className="max-w-sm">
        <label htmlFor="registry-via" className="block text-sm font-medium">
          Reach it through node
        </label>
        <select
          id="registry-via"
          value={draft.via}
          onChange={(event) => set("via", event.target.value)}
          className={inputClass}
          {...field("via")}
        >
          <option value="">directly from this machine</option>
          {nodes.map((node) => (
            <option key={node} value={node}>
              {node}
            </option>
          ))}
        </select>
        {error("via")}
        <Hint>When only the datacenter reaches the registry: an SSH channel from that node.</Hint>
      </div>

      {answer.warnings.length > 0 && (
        <ul aria-label="Registry warnings" className="space-y-1 text-sm">
          {answer.warnings.map((warning) => (
            <li
              key={warning.field}
              className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-200"
            >
              Warning: {warning.message}
            </li>
          ))}
        </ul>
      )}

      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" disabled={busy} className={primaryButtonClass}>
          Save
        </button>
        <button
          type="button"
          disabled={busy}
          className={buttonClass}
          onClick={() => void run("test")}
        >
          Save and test connection
        </button>
        <p role="status" className="text-sm text-slate-600 dark:text-slate-300">
          {busy ? "Working…" : status}
        </p>
      </div>
      {result && <TestResult result={result} />}
    </form>
  );
}

function TestResult({ result }: { result: RegistryTestResult }) {
  const tone = result.ok
    ? "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-200"
    : "border-red-300 bg-red-50 text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-200";
  return (
    <section aria-label="Connection test" className={`rounded-md border px-3 py-2 text-sm ${tone}`}>
      <p className="font-medium">{result.summary}</p>
      <p className="mt-1 break-all font-mono text-xs">
        {result.url}
        {result.via ? ` via ${result.via}` : ""} · TLS: {result.tls} · credentials: {result.auth}
        {result.v2 ? ` · /v2/: HTTP ${result.v2.status}` : ""}
      </p>
    </section>
  );
}
