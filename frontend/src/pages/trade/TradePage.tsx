import { PageHeader } from "../../components/PageHeader";

// Replaced by the real page in this change set.
export function TradePage() {
  return <PageHeader title="Trade" />;
}
