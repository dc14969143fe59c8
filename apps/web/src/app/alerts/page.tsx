import { AlertsView } from "~/components/alerts/alerts-view";

export default function AlertsPage() {
  return <AlertsView />;
}
