"""Rows that stand for a background job (a roster import, a matching run): claimed by one worker,
their progress shown as they go, a failure kept with a message a person can read."""

from dataclasses import dataclass

from sqlalchemy import update

from pmcohort.core.extensions import db
from pmcohort.core.types import utcnow


@dataclass(frozen=True)
class JobKind:
    model: type  # a CohortJob: its `statuses` enum has QUEUED, RUNNING and FAILED
    failed_stage: str  # what a failed job's page says happened
    expected: tuple[type[Exception], ...]  # failures whose own message a person can act on
    unexpected: str  # the message for any other failure


def claim(kind: JobKind, job_id: int, *, progress: int, stage: str) -> bool:
    """Move the job from queued to running in one statement; False when it was not queued
    (another worker has it, or it is done)."""
    model = kind.model
    claimed = db.session.execute(
        update(model)
        .where(model.id == job_id, model.status == kind.model.statuses.QUEUED)
        .values(status=kind.model.statuses.RUNNING, progress=progress, stage=stage)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def show_progress(job, percent: int, stage: str) -> None:
    """Committed at once, so that the page polling the job sees it."""
    job.progress, job.stage = percent, stage
    db.session.commit()


def record_failure(kind: JobKind, job_id: int, error: Exception) -> bool:
    """Undo the job's work and keep why it failed. Returns whether the error was an expected one;
    the caller raises an unexpected one again, for the worker's log."""
    db.session.rollback()
    job = db.session.get(kind.model, job_id)
    job.status, job.stage, job.finished_at = kind.model.statuses.FAILED, kind.failed_stage, utcnow()
    job.error = str(error) if isinstance(error, kind.expected) else kind.unexpected
    db.session.commit()
    return isinstance(error, kind.expected)
