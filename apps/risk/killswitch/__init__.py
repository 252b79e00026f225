"""The kill switch's work: `steps` (lease and step records), `cancel` (phase 1), `close` (phase 2),
`runner` (claim, phases, final check, report, watchdog). Engage and release live in apps.risk.services."""
