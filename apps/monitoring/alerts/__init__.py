"""Alert rules: condition readers, the evaluation state machine, alerts and their lifecycle."""
