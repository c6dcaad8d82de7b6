from worker.tasks import (
    DUE_REMINDERS_TASK,
    EXPIRE_PROPOSALS_TASK,
    LAPSE_REVIEW_CLAIMS_TASK,
    PLAN_DIGESTS_TASK,
    SWEEP_TASK,
)

# The sweep catches outbox rows whose publish failed (broker down at commit time).
OUTBOX_SWEEP_SECONDS = 5.0
DUE_REMINDERS_SECONDS = 30.0  # reminders and chasers are planned rows: sent at most half a minute late
PLAN_DIGESTS_SECONDS = 3600.0  # plans each lead's next Monday 08:00; planning twice is a no-op
EXPIRE_PROPOSALS_SECONDS = 15 * 60.0  # proposals expire after 7 days; a quarter-hour's delay is fine
LAPSE_REVIEW_CLAIMS_SECONDS = 5 * 60.0  # review claims last 48 h; back in the queue within five minutes of that


def every(seconds: float, task: str) -> dict:
    # A run still queued when the next one is due is dropped: the next does the same work.
    return {"task": task, "schedule": seconds, "options": {"expires": seconds}}


BEAT_SCHEDULE = {
    "outbox-sweep": every(OUTBOX_SWEEP_SECONDS, SWEEP_TASK),
    "expire-match-proposals": every(EXPIRE_PROPOSALS_SECONDS, EXPIRE_PROPOSALS_TASK),
    "due-reminders": every(DUE_REMINDERS_SECONDS, DUE_REMINDERS_TASK),
    "plan-digests": every(PLAN_DIGESTS_SECONDS, PLAN_DIGESTS_TASK),
    "lapse-review-claims": every(LAPSE_REVIEW_CLAIMS_SECONDS, LAPSE_REVIEW_CLAIMS_TASK),
}
