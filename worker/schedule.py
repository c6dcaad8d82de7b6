from worker.tasks import HEARTBEAT_TASK, SWEEP_TASK

# The sweep catches outbox rows whose publish failed (broker down at commit time).
OUTBOX_SWEEP_SECONDS = 5.0
HEARTBEAT_SECONDS = 15.0

BEAT_SCHEDULE = {
    "outbox-sweep": {"task": SWEEP_TASK, "schedule": OUTBOX_SWEEP_SECONDS, "options": {"expires": OUTBOX_SWEEP_SECONDS}},
    "worker-heartbeat": {"task": HEARTBEAT_TASK, "schedule": HEARTBEAT_SECONDS, "options": {"expires": HEARTBEAT_SECONDS}},
}
