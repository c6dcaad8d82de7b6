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

BEAT_SCHEDULE = {
    "outbox-sweep": {
        "task": SWEEP_TASK,
        "schedule": OUTBOX_SWEEP_SECONDS,
        "options": {"expires": OUTBOX_SWEEP_SECONDS},
    },
    "expire-match-proposals": {
        "task": EXPIRE_PROPOSALS_TASK,
        "schedule": EXPIRE_PROPOSALS_SECONDS,
        "options": {"expires": EXPIRE_PROPOSALS_SECONDS},
    },
    "due-reminders": {
        "task": DUE_REMINDERS_TASK,
        "schedule": DUE_REMINDERS_SECONDS,
        "options": {"expires": DUE_REMINDERS_SECONDS},
    },
    "plan-digests": {
        "task": PLAN_DIGESTS_TASK,
        "schedule": PLAN_DIGESTS_SECONDS,
        "options": {"expires": PLAN_DIGESTS_SECONDS},
    },
    "lapse-review-claims": {
        "task": LAPSE_REVIEW_CLAIMS_TASK,
        "schedule": LAPSE_REVIEW_CLAIMS_SECONDS,
        "options": {"expires": LAPSE_REVIEW_CLAIMS_SECONDS},
    },
}
