"use client";

import { type ReactNode, useId, useLayoutEffect, useRef } from "react";

/**
 * A native modal `<dialog>`: focus stays inside, Escape closes, the page behind is inert.
 * Mounted = open; `onClose` unmounts it.
 */
export function Modal({
  title,
  onClose,
  children,
  wide = false,
  testId,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  // layout effect: close() must run before React removes the element, so the browser gives
  // focus back to the button that opened the dialog
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (!dialog.open) dialog.showModal();
    // start in the first field (or on Cancel), not on the close button
    dialog
      .querySelector<HTMLElement>(
        "form input:not([disabled]):not([type=file]), form select, form textarea, form button",
      )
      ?.focus();
    return () => dialog.close();
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
      className={`m-auto max-h-[92vh] w-[calc(100%-2rem)] overflow-y-auto rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-950/60 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100 ${wide ? "max-w-3xl" : "max-w-md"}`}
    >
      <div className="sticky top-0 z-10 flex items-center justify-between border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-700 dark:bg-slate-900">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        <button
          type="button"
          onClick={onClose}
          aria-label="Close"
          className="rounded px-1.5 text-lg leading-none text-slate-500 hover:text-slate-900 focus:outline-none focus:ring-2 focus:ring-blue-600/40 dark:hover:text-white"
        >
          ×
        </button>
      </div>
      <div className="p-4">{children}</div>
    </dialog>
  );
}
