/** A run request that cannot start; the message names the field. */
export class RunInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunInputError";
  }
}

/** A run that would change nodes another running run is changing. */
export class RunBusyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunBusyError";
  }
}
