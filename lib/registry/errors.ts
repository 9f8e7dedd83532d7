import { CatalogLimitError, NotACatalogError } from "@/lib/catalog/errors";
import { AppError, type ErrorCode } from "@/lib/errors";

/** What a registry error concerns, for a person reading a push's report. */
export interface RegistryErrorContext {
  /** the registry's own error code (BLOB_UNKNOWN, DENIED…), when it sent one */
  registryCode?: string;
  /** the registry's HTTP status, when it answered */
  registryStatus?: number;
  repository?: string;
  digest?: string;
  /** the bundle artifact (its path in the bundle) */
  artifact?: string;
  /** worth retrying: 5xx, 429, a dropped connection */
  transient?: boolean;
  cause?: unknown;
}

/**
 * The one error of lib/registry: a registry's refusal ("upstream:registry", "unauthorized:registry"),
 * or a bundle the console cannot push ("bad_request:bundle"). The message names the artifact.
 */
export class RegistryError extends AppError {
  readonly registryCode: string | undefined;
  readonly registryStatus: number | undefined;
  readonly repository: string | undefined;
  readonly digest: string | undefined;
  readonly artifact: string | undefined;
  readonly transient: boolean;

  constructor(code: ErrorCode, message: string, context: RegistryErrorContext = {}) {
    super(code, message, {
      cause: context.cause,
      details: {
        registryCode: context.registryCode,
        registryStatus: context.registryStatus,
        repository: context.repository,
        digest: context.digest,
        artifact: context.artifact,
      },
    });
    this.name = "RegistryError";
    this.registryCode = context.registryCode;
    this.registryStatus = context.registryStatus;
    this.repository = context.repository;
    this.digest = context.digest;
    this.artifact = context.artifact;
    this.transient = context.transient ?? false;
  }
}

/** A bundle (or one of its artifacts) that cannot be pushed as it is. */
export function bundleError(message: string, artifact?: string): RegistryError {
  return new RegistryError("bad_request:bundle", artifact ? `${artifact}: ${message}` : message, {
    artifact,
  });
}

/** The same error, now naming the artifact it happened in (once). */
export function inArtifact(error: unknown, artifact: string): unknown {
  if (!(error instanceof RegistryError) || error.artifact !== undefined) return error;
  return new RegistryError(error.errorCode, `${artifact}: ${error.message}`, {
    registryCode: error.registryCode,
    registryStatus: error.registryStatus,
    repository: error.repository,
    digest: error.digest,
    artifact,
    transient: error.transient,
    cause: error.cause,
  });
}

/** Any failure of an artifact as a RegistryError naming it. */
export function asRegistryError(error: unknown, artifact: string): RegistryError {
  const named = inArtifact(error, artifact);
  if (named instanceof RegistryError) return named;
  const message =
    error instanceof Error ? error.message.replace(/^not a catalog: /, "") : String(error);
  return bundleError(message, artifact);
}

/** The bundle itself is unreadable (damaged tar or gzip, a limit): the whole push stops. */
export function wholeBundleError(error: unknown, name: string): unknown {
  if (error instanceof NotACatalogError || error instanceof CatalogLimitError) {
    return bundleError(`${name}: ${error.message.replace(/^not a catalog: /, "")}`);
  }
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && code.startsWith("Z_")) {
    return bundleError(`${name}: damaged gzip data (${(error as Error).message})`);
  }
  return error;
}
