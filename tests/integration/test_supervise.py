"""`make run` keeps the worker and beat up: the supervisor restarts a process that exits, and a
signal stops both the supervisor and its process."""

import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _wait_for(condition, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _start(tmp_path: Path, child_code: str) -> subprocess.Popen:
    with (tmp_path / "supervise.log").open("wb") as log:  # the child keeps its own copy of the handle
        return subprocess.Popen(
            [sys.executable, "-m", "worker.supervise", sys.executable, "-c", child_code], cwd=ROOT, stderr=log
        )


def test_a_process_that_dies_is_started_again(tmp_path):
    starts, log = tmp_path / "starts", tmp_path / "supervise.log"
    # Dies at once, like a worker whose broker vanished; each start leaves a line.
    supervisor = _start(tmp_path, f"open({str(starts)!r}, 'a').write('started\\n'); raise SystemExit(1)")
    try:
        assert _wait_for(lambda: starts.exists() and starts.read_text().count("started") >= 2), "not restarted"
        # Signal during the pause after the second exit, not while a third start is under way (which the
        # signal would end with its own code), so the last exit code is the process's own.
        assert _wait_for(lambda: log.read_text().count("starting it again in 2 s") == 1), "no second pause"
    finally:
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(10) == 1, "the last exit code of the process"
    assert "starting it again in 1 s" in log.read_text()


def test_a_signal_stops_the_process_and_the_supervision(tmp_path):
    pid_file = tmp_path / "pid"
    supervisor = _start(
        tmp_path, f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(60)"
    )
    assert _wait_for(lambda: pid_file.exists() and pid_file.read_text())
    child = int(pid_file.read_text())
    supervisor.send_signal(signal.SIGINT)  # Ctrl-C under honcho

    assert supervisor.wait(10) != 0  # the process ended by the signal, not restarted
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text().lower()


def test_make_run_supervises_the_worker_and_beat_and_the_worker_reconnects_for_as_long_as_it_takes(tmp_path):
    from pmcohort.core.config import Config

    processes = dict(line.split(": ", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert processes["worker"].startswith("python -m worker.supervise celery")
    assert processes["beat"].startswith("python -m worker.supervise celery")
    assert Config(str(tmp_path)).CELERY["broker_connection_max_retries"] is None
