import { LocksView } from "~/components/locks/locks-view";

export default function LocksPage() {
  return <LocksView />;
}
