import { isTaskState } from "~/components/tasks/task-states";
import { TasksView } from "~/components/tasks/tasks-view";

function first(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

export default async function TasksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const state = first(params.state);
  return (
    <TasksView
      initialFilter={{
        state: isTaskState(state) ? state : "",
        type: first(params.type),
        workerId: first(params.worker),
        search: first(params.q),
      }}
    />
  );
}
