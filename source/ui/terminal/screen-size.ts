/** The smallest terminal the full-screen wizard lays itself out for (smaller ones get plain mode at start). */
export const MIN_SCREEN = { columns: 60, rows: 15 } as const;

/** The size the wizard lays out for: never less than its minimum; columns at most 120 (long lines read badly). */
export function layoutSize(columns: number, rows: number): { columns: number; rows: number } {
  return { columns: Math.max(MIN_SCREEN.columns, Math.min(columns, 120)), rows: Math.max(MIN_SCREEN.rows, rows) };
}
