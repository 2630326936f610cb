"""The worker's side of imports."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from tillit.documents.services import document_content
from tillit.imports.models import ImportJob, JobStatus
from tillit.imports.services import import_file

logger = logging.getLogger(__name__)

# The page shows this many problems (and says how many there are); the command prints them all.
MAX_PROBLEMS_KEPT = 1000


@task()
def run_import(job_id: str) -> None:
    """Check (dry run) or carry out one import job and record the outcome on it."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("document").get(pk=job_id)
        if job.status != JobStatus.QUEUED:
            return  # already run (a worker re-running a task must not import twice)
        job.status, job.started_at = JobStatus.RUNNING, timezone.now()
        job.save(update_fields=["status", "started_at"])
    try:
        with translation.override(job.language):
            result = import_file(
                kind=job.kind,
                content=document_content(job.document),
                filename=job.document.name,
                acting_user=job.requested_by,
                organisation=job.organisation,
                dry_run=job.dry_run,
            )
            problems = [
                {"row": p.row, "column": p.column, "message": p.message}
                for p in result.errors[:MAX_PROBLEMS_KEPT]
            ]
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        job.status, job.failure = JobStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "failure", "finished_at"])
        return
    job.rows, job.created, job.updated = result.rows, result.created, result.updated
    job.unchanged, job.problems, job.problem_count = result.unchanged, problems, len(result.errors)
    job.status, job.finished_at = JobStatus.DONE, timezone.now()
    job.save()
