import { PageHeader } from "../../components/PageHeader";

// Replaced by the real page in this change set.
export function OrdersPage() {
  return <PageHeader title="Orders" />;
}
