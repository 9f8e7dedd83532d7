import { AppError } from "@/lib/errors";

/** A render input that cannot be rendered; `field` names the offending input (e.g. "mirror.address"). */
export class RenderInputError extends AppError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super("bad_request:render", `${field}: ${message}`, { details: { field } });
    this.name = "RenderInputError";
  }
}
