import { AppError } from "@/lib/errors";

/** Every method the console answers; anything else (OPTIONS, TRACE…) is refused the same way. */
export const ALLOWED_METHODS: ReadonlySet<string> = new Set([
  "GET",
  "HEAD",
  "POST",
  "PUT",
  "PATCH",
  "DELETE",
]);
/** Pages are only read. */
export const PAGE_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD"]);

export function methodNotAllowed(method: string, allowed: ReadonlySet<string>): AppError {
  return new AppError("method_not_allowed:http", `method ${method.slice(0, 20)} is not allowed`, {
    headers: { allow: [...allowed].join(", ") },
  });
}
