"""Requests per second for the login page under gunicorn, next to a trivial route.

Starts gunicorn on loopback with a throwaway SQLite database, drives both routes
from the same client processes in the same run, and prints a table. Bounded: a
fixed number of seconds per route. Run: `make bench` or `python -m benchmarks.bench_http`.
"""

import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DURATION_SECONDS = 8.0
CLIENT_PROCESSES = 4
WORKERS = 2
ROUTES = {"trivial (/robots.txt)": "/robots.txt", "login page (/auth/login)": "/auth/login"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _client(port: int, path: str, deadline: float, results, headers: dict[str, str]) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    latencies = []
    errors = 0
    while time.perf_counter() < deadline:
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
        except OSError:  # reset or timed out: an error, then a fresh connection
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            ok = False
        errors += not ok
        latencies.append(time.perf_counter() - started)
    connection.close()
    results.put((latencies, errors))


def measure(port: int, path: str, headers: dict[str, str] | None = None, seconds: float = DURATION_SECONDS) -> dict:
    """Requests per second and latency of one route, from CLIENT_PROCESSES clients sending back to back."""
    results = multiprocessing.Queue()
    deadline = time.perf_counter() + seconds
    clients = [
        multiprocessing.Process(target=_client, args=(port, path, deadline, results, headers or {}))
        for _ in range(CLIENT_PROCESSES)
    ]
    for client in clients:
        client.start()
    collected = [results.get(timeout=seconds + 30) for _ in clients]
    for client in clients:
        client.join()
    latencies = sorted(latency for batch, _ in collected for latency in batch)
    return {
        "requests": len(latencies),
        "errors": sum(errors for _, errors in collected),
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
    }


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pmcohort-bench-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite'}",
        "PMCOHORT_INSTANCE_PATH": str(workdir),
        "CELERY_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.sqlite'}",
        "FLASK_APP": "pmcohort",
        # Every request comes from 127.0.0.1: the public-page limit would refuse what is being measured.
        "PUBLIC_PAGE_RATE_LIMIT": "10000000 per minute",
    }
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WORKERS),
            "pmcohort:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        for path in ROUTES.values():  # warm up both routes
            _measure_once(port, path)
        figures = {name: measure(port, path) for name, path in ROUTES.items()}
    finally:
        server.terminate()
        server.wait(10)

    print(
        f"gunicorn, {WORKERS} sync workers, {CLIENT_PROCESSES} client processes, {DURATION_SECONDS:.0f} s per route, {os.cpu_count()} cores"
    )
    print(f"{'route':<28}{'req/s':>10}{'p50 ms':>10}{'p95 ms':>10}{'errors':>8}")
    for name, result in figures.items():
        print(
            f"{name:<28}{result['rps']:>10.0f}{result['p50_ms']:>10.2f}{result['p95_ms']:>10.2f}{result['errors']:>8}"
        )
    trivial, login = figures.values()
    print(f"login page runs at {login['rps'] / trivial['rps']:.0%} of the trivial route's rate")
    return 1 if any(result["errors"] for result in figures.values()) else 0


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {seconds:.0f} s")


def _measure_once(port: int, path: str) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    connection.getresponse().read()
    connection.close()


if __name__ == "__main__":
    sys.exit(main())
