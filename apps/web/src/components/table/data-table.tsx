import type { ReactNode } from "react";

/** A header cell: its label, plus a class for numeric or action columns. */
export type Column = string | { label: string; className: string };

/** A list page's table: a borderless card that scrolls sideways on narrow screens. */
export function DataTable({
  testId,
  columns,
  busy,
  children,
}: {
  testId: string;
  columns: readonly Column[];
  /** Set while the rows shown are a previous page kept on screen during a refetch. */
  busy?: boolean;
  children: ReactNode;
}) {
  return (
    <div className="card" style={{ padding: 0, overflowX: "auto" }}>
      <table className="data" data-testid={testId} aria-busy={busy}>
        <thead>
          <tr>
            {columns.map((c) =>
              typeof c === "string" ? (
                <th key={c}>{c}</th>
              ) : (
                <th key={c.label} className={c.className}>
                  {c.label}
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
