"""Reminder delivery rate: 20,000 due reminders claimed and emailed by one worker, next to the
rate of bare no-op Celery tasks on the same worker in the same run (the ceiling).

10,000 scheduled 1:1 sessions (BENCH_SESSIONS), each with a 1 h reminder due now: one due row and one outbox row
per session, one email per participant, so 20,000 reminder emails. One `celery worker` with 2
prefork processes; a local SMTP sink (aiosmtpd) counts messages and connections. Needs
PostgreSQL and Redis (DATABASE_URL, REDIS_URL): it creates and drops its own database.
Run: `make bench` or `python -m benchmarks.bench_reminders`. Bounded: every wait has a timeout.
"""

import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import redis
from sqlalchemy import insert

from benchmarks.throwaway import CELERY_WORKER, postgres_database, smtp_sink

ROOT = Path(__file__).resolve().parent.parent
# BENCH_SESSIONS scales the run down on a busy machine; the figure of record uses the default.
SESSIONS = int(os.environ.get("BENCH_SESSIONS", "10000"))
NOOP_TASKS = 2 * SESSIONS
PROCESSES = 2
TIMEOUT_SECONDS = 3600


class Sink:
    """Counts what it receives; each EHLO is one SMTP connection."""

    def __init__(self):
        self.messages = 0
        self.connections = 0

    async def handle_EHLO(self, _server, session, _envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, _server, _session, _envelope):
        self.messages += 1
        return "250 OK"


def _wait(condition, what: str) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > TIMEOUT_SECONDS:
            raise SystemExit(f"timed out waiting for {what}")
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> int:
    database, broker = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database.startswith(("postgres://", "postgresql")) or not broker:
        print("bench_reminders needs PostgreSQL and Redis: set DATABASE_URL and REDIS_URL (skipped)")
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="pmcohort-bench-"))
    sink = Sink()
    with postgres_database(database, "pmcohort_bench") as bench_url, smtp_sink(sink) as smtp_port:
        env = {
            **os.environ,
            "DATABASE_URL": bench_url,
            "PMCOHORT_INSTANCE_PATH": str(workdir),
            "CELERY_BROKER_URL": broker,
            "BENCH_COUNTER_URL": broker,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(smtp_port),
            "OUTBOX_PUBLISH_ON_COMMIT": "1",
            "FLASK_APP": "pmcohort",
            "SECRET_KEY": "bench",
        }
        os.environ.update(env)
        subprocess.run(
            [sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
        )
        from pmcohort import create_app
        from pmcohort.core.extensions import db
        from pmcohort.notifications import reminders

        app = create_app()
        with app.app_context():
            seeded = _seed_sessions(db)
            app.extensions["celery"].control.purge()
        worker = subprocess.Popen(
            [
                *CELERY_WORKER,
                "-I",
                "benchmarks.noop_task",
                f"--concurrency={PROCESSES}",
                "--loglevel=WARNING",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(workdir / "worker.log", "wb"),  # noqa: SIM115 - open as long as the worker runs
        )
        try:
            counter = redis.Redis.from_url(broker)
            run = uuid.uuid4().hex[:8]
            with app.app_context():
                celery_app = app.extensions["celery"]
                celery_app.send_task("bench.noop", args=["warm-up"])
                _wait(lambda: counter.get("bench-noop:warm-up") is not None, "the worker to start")

                started = time.perf_counter()
                with celery_app.producer_or_acquire() as producer:
                    for _ in range(NOOP_TASKS):
                        celery_app.send_task("bench.noop", args=[run], producer=producer)
                _wait(lambda: int(counter.get(f"bench-noop:{run}") or 0) >= NOOP_TASKS, "the no-op tasks")
                noop_seconds = time.perf_counter() - started

                connections_before = sink.connections
                started = time.perf_counter()
                claimed = reminders.send_due()  # claims the due rows in batches; each commit publishes its deliveries
                _wait(lambda: sink.messages >= 2 * seeded, "the reminder emails")
                reminder_seconds = time.perf_counter() - started
                db.session.remove()
                db.engine.dispose()
            counter.delete(f"bench-noop:{run}", "bench-noop:warm-up")
        finally:
            worker.terminate()
            worker.wait(30)

    noop_rate, email_rate = NOOP_TASKS / noop_seconds, sink.messages / reminder_seconds
    print(
        f"one worker, {PROCESSES} prefork processes, PostgreSQL + Redis, local SMTP sink, {os.cpu_count()} cores (shared: figures are noisy)"
    )
    print(f"{'what':<44}{'count':>8}{'seconds':>10}{'per s':>10}")
    print(f"{'bare no-op Celery tasks (the ceiling)':<44}{NOOP_TASKS:>8}{noop_seconds:>10.1f}{noop_rate:>10.0f}")
    print(
        f"{'reminder emails (' + str(claimed) + ' due rows, 2 people each)':<44}{sink.messages:>8}{reminder_seconds:>10.1f}{email_rate:>10.0f}"
    )
    print(f"ratio reminder emails / no-op tasks: {email_rate / noop_rate:.2f} (target >= 0.5)")
    print(f"SMTP connections opened for {sink.messages} emails: {sink.connections - connections_before}")
    return 0


def _seed_sessions(db) -> int:
    """SESSIONS scheduled sessions starting in 30 min, two people each, their 1 h reminder due now."""
    from pmcohort.accounts.models import User
    from pmcohort.core.types import utcnow
    from pmcohort.mentoring.models import MentoringSession, SessionParticipant
    from pmcohort.notifications.models import DueReminder

    now = utcnow()
    start, end = now + timedelta(minutes=30), now + timedelta(minutes=90)
    user_ids = (
        db.session.execute(
            insert(User).returning(User.id),
            [
                {"email": f"person{n}@bench.example", "name": f"Person {n}", "password_hash": "x", "time_zone": "UTC"}
                for n in range(2 * SESSIONS)
            ],
        )
        .scalars()
        .all()
    )
    session_ids = (
        db.session.execute(
            insert(MentoringSession).returning(MentoringSession.id),
            [
                {
                    "kind": "one_on_one",
                    "status": "scheduled",
                    "title": f"1:1 number {n}",
                    "host_id": user_ids[2 * n],
                    "start_at": start,
                    "end_at": end,
                    "time_zone": "UTC",
                }
                for n in range(SESSIONS)
            ],
        )
        .scalars()
        .all()
    )
    db.session.execute(
        insert(SessionParticipant),
        [
            {
                "session_id": session_id,
                "user_id": user_ids[2 * n + offset],
                "role": role,
                "start_at": start,
                "end_at": end,
                "accepted_at": now,
            }
            for n, session_id in enumerate(session_ids)
            for offset, role in ((0, "host"), (1, "participant"))
        ],
    )
    db.session.execute(
        insert(DueReminder),
        [
            {
                "key": f"session:{session_id}:v0:1h",
                "topic": "session.reminder",
                "payload": {"session_id": session_id, "kind": "1h"},
                "subject_type": "session",
                "subject_id": session_id,
                "due_at": now,
            }
            for session_id in session_ids
        ],
    )
    db.session.commit()
    return len(session_ids)


if __name__ == "__main__":
    sys.exit(main())
