/**
 * Scripts installed in the page before any of its own (`addInitScript`), as source text so
 * the bench's TypeScript transform cannot add helpers the page does not have.
 */

/**
 * Records the first moment each task's state badge shows each state, on the page's wall
 * clock (`performance.timeOrigin + performance.now()`), from a MutationObserver: the time
 * React committed the change to the DOM. Keys are "<taskId> <state>".
 */
export const BADGE_OBSERVER_SCRIPT = `(() => {
  const seen = new Map();
  Object.defineProperty(window, "__benchBadges", { value: seen });
  const scan = () => {
    const at = performance.timeOrigin + performance.now();
    for (const el of document.querySelectorAll('[data-testid^="task-state-"]')) {
      const key = el.getAttribute("data-testid").slice("task-state-".length) + " " + el.getAttribute("data-state");
      if (!seen.has(key)) seen.set(key, at);
    }
  };
  new MutationObserver(scan).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-state"] });
})();`;

export interface ReadyCondition {
  selector: string;
  /** The element's text must contain this. */
  text?: string;
}

/**
 * Records `window.__benchReadyAt` = ms since navigation start when every condition first
 * holds: the page's data is rendered.
 */
export function readyObserverScript(conditions: ReadyCondition[]): string {
  return `(() => {
  const conditions = ${JSON.stringify(conditions)};
  const holds = (c) => { const el = document.querySelector(c.selector); return el !== null && (c.text === undefined || (el.textContent || "").includes(c.text)); };
  const observer = new MutationObserver(() => {
    if (!conditions.every(holds)) return;
    window.__benchReadyAt = performance.now();
    observer.disconnect();
  });
  observer.observe(document, { subtree: true, childList: true, characterData: true });
})();`;
}
