import { PageHeader } from "../../components/PageHeader";

// Replaced by the real page in this change set.
export function PositionsPage() {
  return <PageHeader title="Positions" />;
}
