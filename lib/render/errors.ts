import { AppError } from "@/lib/errors";

/** One bad field of a render input: `field` is its path (e.g. "mirror.address"), `label` its name. */
export interface RenderInputIssue {
  field: string;
  label: string;
  message: string;
}

/** A render input that cannot be rendered; `field` names the (first) offending input. */
export class RenderInputError extends AppError {
  /** every bad field, when the input was checked as a whole (a form's errors all at once) */
  readonly issues: RenderInputIssue[];

  constructor(
    readonly field: string,
    message: string,
    issues?: RenderInputIssue[],
  ) {
    super("bad_request:render", issues ? message : `${field}: ${message}`, {
      details: issues?.length ? { field, issues } : { field },
    });
    this.name = "RenderInputError";
    this.issues = issues ?? [];
  }

  static of(issues: RenderInputIssue[]): RenderInputError {
    const message = issues.map((issue) => `${issue.label}: ${issue.message}`).join("; ");
    return new RenderInputError(issues[0]?.field ?? "", message, issues);
  }
}
