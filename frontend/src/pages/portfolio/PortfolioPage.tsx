import { PageHeader } from "../../components/PageHeader";

// Replaced by the real page in this change set.
export function PortfolioPage() {
  return <PageHeader title="Portfolio" />;
}
