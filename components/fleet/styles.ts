/** Class names the fleet page adds to the shared ones in components/ui.tsx. */

export const dangerButtonClass =
  "rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-red-800 focus:outline-none focus:ring-2 focus:ring-red-600/40 disabled:opacity-50";

/** Small text buttons in table rows. */
export const rowButtonClass =
  "rounded px-1.5 py-0.5 text-xs font-medium text-blue-700 hover:bg-blue-50 hover:underline focus:outline-none focus:ring-2 focus:ring-blue-600/40 disabled:opacity-50 dark:text-blue-300 dark:hover:bg-slate-800";

export const labelClass = "mb-1 block text-xs font-medium text-slate-700 dark:text-slate-300";

export const badgeClass =
  "inline-flex items-center gap-1 whitespace-nowrap rounded px-1.5 py-0.5 text-xs font-medium";
