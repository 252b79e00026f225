"""Celery task runs: a TaskRun row per task from Celery signals, task latency and failure metrics, pruning."""
