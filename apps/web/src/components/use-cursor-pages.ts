"use client";

import { useState } from "react";

export interface CursorPages<TCursor> {
  /** Where the page on screen starts; null for the first page. */
  cursor: TCursor | null;
  /** 1-based number of the page on screen. */
  page: number;
  hasPrevious: boolean;
  goToPrevious: () => void;
  /** Moves to the page starting at this cursor; null (there is no further page) stays put. */
  goToNext: (cursor: TCursor | null) => void;
  /** Back to the first page, for when the filter changes. */
  goToFirst: () => void;
}

/**
 * Keyset pages only know the way forward, so the cursors of the pages walked through are kept
 * as a stack to be able to go back.
 */
export function useCursorPages<TCursor>(): CursorPages<TCursor> {
  const [cursors, setCursors] = useState<Array<TCursor | null>>([null]);
  return {
    cursor: cursors[cursors.length - 1] ?? null,
    page: cursors.length,
    hasPrevious: cursors.length > 1,
    goToPrevious: () => setCursors((c) => (c.length > 1 ? c.slice(0, -1) : c)),
    goToNext: (cursor) => {
      if (cursor !== null) setCursors((c) => [...c, cursor]);
    },
    goToFirst: () => setCursors([null]),
  };
}
