"""``manage.py db_worker``: django-tasks-db's worker, which first takes back what a dead
worker left running.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again,
so a worker killed mid-task (OOM, node loss, SIGKILL after the grace period) would lose the
task: its webhook would never be delivered. On start, this worker returns every task that
has been RUNNING for longer than ``TASKS_LEASE_SECONDS`` (longer than any task here runs) to
READY, and runs it again. Every task of the outbox is idempotent (``propagation.tasks``), and
a redelivered webhook keeps its ``webhook-id``, so running one twice is harmless.

For Kubernetes, the worker also touches ``WORKER_HEARTBEAT_FILE`` on every turn of its loop
(the liveness probe checks its age: a wedged loop restarts the pod) and serves Prometheus
metrics on ``WORKER_METRICS_PORT`` (outbox depth and age, deliveries, attempts:
``propagation.metrics``).
"""

import os
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands import db_worker as database_worker
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand
from django_tasks_db.models import DBTaskResult


def tasks_abandoned_requeue(*, lease_seconds: float) -> int:
    """Return tasks RUNNING for longer than the lease to READY; how many there were."""
    cutoff = timezone.now() - timedelta(seconds=lease_seconds)
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(status=TaskResultStatus.READY, started_at=None)


class HeartbeatWorker(database_worker.Worker):
    """django-tasks-db's worker, touching a file each time its loop checks ``running``."""

    heartbeat: Path | None = None

    @property
    def running(self) -> bool:
        if self.heartbeat is not None:
            self.heartbeat.touch()
        return self._running

    @running.setter
    def running(self, value: bool) -> None:
        self._running = value


class Command(DatabaseWorkerCommand):
    help = DatabaseWorkerCommand.help + " Tasks a dead worker left running are run again."

    def handle(self, *args, **options):
        requeued = tasks_abandoned_requeue(lease_seconds=settings.TASKS_LEASE_SECONDS)
        if requeued:
            self.stderr.write(f"Requeued {requeued} task(s) left running by a stopped worker.")
        heartbeat = os.environ.get("WORKER_HEARTBEAT_FILE", "")
        HeartbeatWorker.heartbeat = Path(heartbeat) if heartbeat else None
        port = int(os.environ.get("WORKER_METRICS_PORT", "0") or 0)
        if port:
            from propagation.metrics import worker_metrics_serve

            worker_metrics_serve(port=port)
        # The parent command builds its worker from this module attribute.
        database_worker.Worker = HeartbeatWorker
        return super().handle(*args, **options)
