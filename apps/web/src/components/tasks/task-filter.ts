import type { RouterInputs } from "@sentinel/api";
import type { TaskState } from "@sentinel/coordination";

/** What the filter bar edits; "" means "any". */
export interface TaskFilterForm {
  state: TaskState | "";
  type: string;
  workerId: string;
  search: string;
}

export type TaskFilterInput = RouterInputs["tasks"]["count"];

export function toFilterInput(form: TaskFilterForm): TaskFilterInput {
  return {
    ...(form.state ? { states: [form.state] } : {}),
    ...(form.type.trim() ? { types: [form.type.trim()] } : {}),
    ...(form.workerId.trim() ? { workerId: form.workerId.trim() } : {}),
    ...(form.search.trim() ? { search: form.search.trim() } : {}),
  };
}

export function describeFilter(form: TaskFilterForm): string {
  const parts = [
    form.state && `state ${form.state}`,
    form.type.trim() && `type ${form.type.trim()}`,
    form.workerId.trim() && `worker ${form.workerId.trim()}`,
    form.search.trim() && `matching "${form.search.trim()}"`,
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : "all tasks";
}
