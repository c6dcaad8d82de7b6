from worker.tasks import EXPIRE_PROPOSALS_TASK, SESSION_REMINDERS_TASK, SWEEP_TASK

# The sweep catches outbox rows whose publish failed (broker down at commit time).
OUTBOX_SWEEP_SECONDS = 5.0
SESSION_REMINDERS_SECONDS = 60.0  # reminders 24 h and 1 h ahead: a minute late at most
EXPIRE_PROPOSALS_SECONDS = 15 * 60.0  # proposals expire after 7 days; a quarter-hour's delay is fine

BEAT_SCHEDULE = {
    "outbox-sweep": {"task": SWEEP_TASK, "schedule": OUTBOX_SWEEP_SECONDS, "options": {"expires": OUTBOX_SWEEP_SECONDS}},
    "expire-match-proposals": {
        "task": EXPIRE_PROPOSALS_TASK, "schedule": EXPIRE_PROPOSALS_SECONDS, "options": {"expires": EXPIRE_PROPOSALS_SECONDS}
    },
    "session-reminders": {
        "task": SESSION_REMINDERS_TASK, "schedule": SESSION_REMINDERS_SECONDS, "options": {"expires": SESSION_REMINDERS_SECONDS}
    },
}
