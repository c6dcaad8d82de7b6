"""The duplicate window: how long after the SMTP server accepted a message its `sent` state
commits. A crash inside that window is the only way a recipient gets a message twice (and the
repeat carries the same Message-ID). Measured per message on real deliveries: PostgreSQL, a
loopback SMTP sink (aiosmtpd) in this process, the delivery code run as the worker runs it.

Needs PostgreSQL (DATABASE_URL); creates and drops its own database.
Run: `make bench` or `python -m benchmarks.bench_duplicate_window`.
"""

import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager

from benchmarks.throwaway import postgres_database, smtp_sink

SESSIONS = 250  # 500 emails


class Sink:
    def __init__(self):
        self.accepted: dict[str, float] = {}

    async def handle_DATA(self, _server, _session, envelope):
        message_id = next(
            line.split(":", 1)[1].strip()
            for line in envelope.content.decode().splitlines()
            if line.lower().startswith("message-id:")
        )
        self.accepted[message_id] = time.perf_counter()  # the 250 goes out right after this
        return "250 OK"


def main() -> int:
    database = os.environ.get("DATABASE_URL", "")
    if not database.startswith(("postgres://", "postgresql")):
        print("bench_duplicate_window needs PostgreSQL: set DATABASE_URL (skipped)")
        return 0
    sink = Sink()
    with postgres_database(database, "pmcohort_window") as url, smtp_sink(sink) as port:
        os.environ.update(
            DATABASE_URL=url,
            PMCOHORT_INSTANCE_PATH=tempfile.mkdtemp(prefix="pmcohort-bench-"),
            OUTBOX_PUBLISH_ON_COMMIT="0",
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(port),
            SECRET_KEY="bench",
        )
        from flask_migrate import upgrade

        import benchmarks.bench_reminders as reminders_bench
        from pmcohort import create_app
        from pmcohort.core.extensions import db
        from pmcohort.notifications import delivery, outbox, reminders
        from pmcohort.notifications.models import OutboxMessage

        reminders_bench.SESSIONS = SESSIONS
        app = create_app()
        committed: dict[str, float] = {}
        in_window: list[str] = []
        send = delivery.send_email

        def send_and_remember(email):
            result = send(email)
            in_window.append(email.message_id)
            return result

        marks = delivery.sent_marks

        @contextmanager
        def timed_marks():
            # The `sent` mark is committed when the function `sent_marks` gives returns.
            with marks() as mark_sent:

                def mark_and_remember(email_delivery):
                    mark_sent(email_delivery)
                    if in_window:
                        committed[in_window.pop()] = time.perf_counter()

                yield mark_and_remember

        delivery.send_email = send_and_remember
        delivery.sent_marks = timed_marks
        with app.app_context():
            upgrade()
            reminders_bench._seed_sessions(db)
            reminders.send_due()
            ids = db.session.scalars(db.select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
            for start in range(0, len(ids), outbox.DELIVERY_BATCH):  # in batches, as the worker takes them
                outbox.deliver_batch(ids[start : start + outbox.DELIVERY_BATCH])
            db.session.remove()
            db.engine.dispose()

    windows = sorted((committed[mid] - sink.accepted[mid]) * 1000 for mid in committed if mid in sink.accepted)
    print(
        f"duplicate window over {len(windows)} emails (SMTP 250 sent -> 'sent' committed), PostgreSQL, {os.cpu_count()} cores (shared: noisy)"
    )
    print(
        f"median {statistics.median(windows):.1f} ms, p95 {windows[int(len(windows) * 0.95)]:.1f} ms, max {windows[-1]:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
