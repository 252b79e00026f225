"""Pure rules of alerting: parameter validation, condition judgements, the open/keep/resolve decision."""
