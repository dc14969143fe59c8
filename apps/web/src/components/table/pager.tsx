import type { ReactNode } from "react";

/**
 * Previous / next buttons under a table, with what sits between them (the page number).
 * With a testId the buttons are `<testId>-prev` and `<testId>-next`.
 */
export function Pager({
  hasPrevious,
  onPrevious,
  hasNext,
  onNext,
  previousLabel = "← Previous",
  nextLabel = "Next →",
  testId,
  children,
}: {
  hasPrevious: boolean;
  onPrevious: () => void;
  hasNext: boolean;
  onNext: () => void;
  previousLabel?: string;
  nextLabel?: string;
  testId?: string;
  children?: ReactNode;
}) {
  return (
    <div className="pager">
      <button
        type="button"
        disabled={!hasPrevious}
        onClick={onPrevious}
        data-testid={testId ? `${testId}-prev` : undefined}
      >
        {previousLabel}
      </button>
      {children}
      <button type="button" disabled={!hasNext} onClick={onNext} data-testid={testId ? `${testId}-next` : undefined}>
        {nextLabel}
      </button>
    </div>
  );
}
