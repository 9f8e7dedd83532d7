import { AppError } from "@/lib/errors";

/** A run request that cannot start; the message names the field. */
export class RunInputError extends AppError {
  constructor(message: string) {
    super("bad_request:run", message);
    this.name = "RunInputError";
  }
}

/** A run that would change nodes another running run is changing. */
export class RunBusyError extends AppError {
  constructor(message: string) {
    super("conflict:run", message);
    this.name = "RunBusyError";
  }
}

/** An apply on nodes whose checks fail, are stale or missing; `details.nodes` says why per node. */
export class ReadinessRefusedError extends AppError {
  constructor(message: string, details: { nodes: unknown[] }) {
    super("conflict:readiness", message, { details });
    this.name = "ReadinessRefusedError";
  }
}
