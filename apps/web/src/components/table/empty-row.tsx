import type { ReactNode } from "react";

/** The one row a table shows when nothing matches: a muted note across every column. */
export function EmptyRow({ colSpan, testId, children }: { colSpan: number; testId?: string; children: ReactNode }) {
  return (
    <tr>
      <td colSpan={colSpan} className="muted" data-testid={testId}>
        {children}
      </td>
    </tr>
  );
}
