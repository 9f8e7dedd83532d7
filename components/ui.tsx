import type { ReactNode } from "react";

/** A field's look without its width: for fields sized by their row (inputClass fills it). */
export const fieldClass =
  "rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-sm focus:border-blue-600 focus:outline-none focus:ring-2 focus:ring-blue-600/30 aria-[invalid=true]:border-red-600 dark:border-slate-700 dark:bg-slate-900";

export const inputClass = `${fieldClass} w-full`;

export const buttonClass =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium shadow-sm hover:bg-slate-100 focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:opacity-50 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800";

export const primaryButtonClass =
  "rounded-md bg-blue-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-blue-800 focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:opacity-50";

export function Section({
  id,
  title,
  step,
  children,
}: {
  id: string;
  title: string;
  step: number;
  children: ReactNode;
}) {
  return (
    <section
      aria-labelledby={`${id}-title`}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900/60"
    >
      <h2 id={`${id}-title`} className="mb-3 flex items-center gap-2 text-base font-semibold">
        <span className="inline-flex h-6 w-6 items-center justify-center rounded-full bg-blue-700 text-xs text-white">
          {step}
        </span>
        {title}
      </h2>
      {children}
    </section>
  );
}

export function FieldError({ id, message }: { id: string; message: string | null }) {
  if (!message) return null;
  return (
    <p id={id} role="alert" className="mt-1 text-sm text-red-700 dark:text-red-400">
      {message}
    </p>
  );
}

export function Hint({ children }: { children: ReactNode }) {
  return <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{children}</p>;
}

/**
 * A list shown in a bounded height that scrolls when long (a dialog's nodes or files): it takes
 * the keyboard focus, so it scrolls with the arrow keys too, and is named for screen readers.
 */
export function ScrollList({
  label,
  className,
  testId,
  children,
}: {
  label: string;
  /** its height bound (max-h-…), spacing and borders */
  className: string;
  testId?: string;
  children: ReactNode;
}) {
  return (
    <ul
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a list that scrolls must take the keyboard
      tabIndex={0}
      aria-label={label}
      data-testid={testId}
      className={`overflow-y-auto focus:outline-none focus:ring-2 focus:ring-blue-600/40 ${className}`}
    >
      {children}
    </ul>
  );
}
