import { Link as RouterLink } from "react-router-dom";
import { Button, Typography } from "@mui/material";
import { PageHeader } from "../components/PageHeader";

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Typography color="text.secondary" sx={{ mb: 2 }}>
        There is nothing at this address.
      </Typography>
      <Button component={RouterLink} to="/" variant="outlined">
        Back to Trade
      </Button>
    </>
  );
}
