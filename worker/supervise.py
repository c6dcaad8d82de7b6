"""Keep a process running: `python -m worker.supervise <command...>` restarts it whenever it exits.

`make run` starts web, worker and beat under honcho, which stops all three as soon as one exits.
The Celery worker can exit on its own when Redis goes away (kombu 5.7 raises an "Unrecoverable
error" while restoring unacknowledged messages), which would take the whole app down. Under this
supervisor it is started again, after a pause that doubles while it keeps failing fast (1 s up
to 30 s) and resets once it has run for a minute; its deliveries are safe to repeat (the outbox
leases its rows), so a restart loses nothing. SIGINT and SIGTERM are passed on to the process and
end the supervision, so Ctrl-C still stops everything. docker-compose does the same with
`restart: unless-stopped`.
"""

import signal
import subprocess
import sys
import time

FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0
HEALTHY_AFTER = 60.0  # a run this long was not a crash loop: the pause starts again from FIRST_PAUSE
STOP_TIMEOUT = 30.0


class _Supervision:
    child: subprocess.Popen | None = None
    stopping = False


def _pass_on(signum, _frame) -> None:
    _Supervision.stopping = True
    if _Supervision.child is not None and _Supervision.child.poll() is None:
        _Supervision.child.send_signal(signum)


def supervise(command: list[str]) -> int:
    """Run `command` until a signal asks to stop; returns its last exit code."""
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _pass_on)
    pause = FIRST_PAUSE
    while True:
        started = time.monotonic()
        _Supervision.child = subprocess.Popen(command)
        code = _wait(_Supervision.child)
        if _Supervision.stopping:
            return code
        ran = time.monotonic() - started
        if ran >= HEALTHY_AFTER:
            pause = FIRST_PAUSE
        print(
            f"supervise: {command[0]} exited with {code} after {ran:.0f} s; starting it again in {pause:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        deadline = time.monotonic() + pause
        while not _Supervision.stopping and time.monotonic() < deadline:
            time.sleep(0.1)
        if _Supervision.stopping:
            return code
        pause = min(pause * 2, LONGEST_PAUSE)


def _wait(child: subprocess.Popen) -> int:
    """The child's exit code; killed if it is still running STOP_TIMEOUT after we were asked to stop."""
    kill_at = None
    while True:
        try:
            return child.wait(timeout=0.2)
        except subprocess.TimeoutExpired:
            if _Supervision.stopping:
                kill_at = kill_at or time.monotonic() + STOP_TIMEOUT
                if time.monotonic() > kill_at:
                    child.kill()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit("usage: python -m worker.supervise <command> [arguments...]")
    sys.exit(supervise(sys.argv[1:]))
