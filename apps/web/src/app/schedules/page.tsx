import { SchedulesView } from "~/components/schedules/schedules-view";

export default async function SchedulesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { schedule } = await searchParams;
  const selected = (Array.isArray(schedule) ? schedule[0] : schedule) ?? null;
  return <SchedulesView selected={selected} />;
}
