/** A render input that cannot be rendered; `field` names the offending input (e.g. "mirror.address"). */
export class RenderInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "RenderInputError";
  }
}
