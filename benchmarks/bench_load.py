"""A launch-day load run: 200 people signing in and browsing, against gunicorn on PostgreSQL.

1. Makes sure the bench database exists (BENCH_DATABASE_URL, default `load_bench` on the local
   PostgreSQL), migrates it and loads `flask seed-demo` (idempotent).
2. Starts gunicorn with `gunicorn.conf.py` on a free loopback port.
3. Runs locust headless (benchmarks/locustfile.py) for 90 s: 199 engineers and the cohort lead,
   1–3 s between clicks, signing in and browsing the dashboard, sessions, matches, the
   assessment and the cohort board. Prints req/s, p50/p95/p99 and errors per page.
4. Then, in the same run, how many requests per second each page sustains from back-to-back
   clients, as a ratio to a trivial route's (/robots.txt).

Bounded: 90 s of load plus 5 s per route; everything it starts is stopped at the end. Traffic
goes to 127.0.0.1 only. Run: `make bench` or `python -m benchmarks.bench_load`.
Exits 1 when a request failed.

To compare with another version of the app under the same conditions, set BENCH_APP_DIR to a
copy of it (e.g. `git archive <commit> | tar -x -C /tmp/before`): its `pmcohort` is served, with
this checkout's gunicorn.conf.py, the same database and the same load.
"""

import csv
import http.client
import os
import re
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

import psutil
import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from benchmarks.bench_http import CLIENT_PROCESSES, free_port, measure, wait_for_port
from pmcohort.demo import DEMO_PASSWORD, DOMAIN

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/load_bench")
APP_DIR = Path(os.environ.get("BENCH_APP_DIR") or ROOT)
USERS = 200
SPAWN_RATE = 20  # users started per second: everyone is in within 10 s
RUN_TIME = os.environ.get("BENCH_LOAD_RUN_TIME", "90s")  # the figure of record uses 90 s; shorter for a quick A/B
CAPACITY_SECONDS = 5.0
TRIVIAL = "/robots.txt"
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _ensure_database(url: str) -> bool:
    """Create the bench database if it is missing; False when PostgreSQL cannot be reached."""
    target = make_url(url)
    try:
        with psycopg.connect(
            target.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False),
            autocommit=True,
            connect_timeout=5,
        ) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)).fetchone():
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target.database)))
    except psycopg.OperationalError as error:
        print(f"load run skipped: PostgreSQL not reachable at {target.render_as_string(hide_password=True)} ({error})")
        return False
    return True


def bench_environment(database_url: str, workdir: Path) -> dict[str, str]:
    """The app's settings for a benchmark server: its own database, instance folder and secret."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "PMCOHORT_INSTANCE_PATH": str(workdir),
        "FLASK_APP": "pmcohort",
        # Every simulated person comes from 127.0.0.1: the per-address sign-in limit would refuse most of them.
        "LOGIN_RATE_LIMIT": "100000 per minute",
        # Nor may the limit on public pages refuse the trivial route the pages are compared with.
        "PUBLIC_PAGE_RATE_LIMIT": "10000000 per minute",
        "OUTBOX_PUBLISH_ON_COMMIT": "0",
        "GUNICORN_ACCESS_LOG": "",
    }


def flask_command(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", *args], cwd=APP_DIR, env=env, check=True, capture_output=True)


def upgraded_environment(database_url: str, prefix: str) -> tuple[dict[str, str], Path]:
    """A fresh work folder and the benchmark server's settings for it, the database's schema brought up to date."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    env = bench_environment(database_url, workdir)
    flask_command(env, "db", "upgrade")
    return env, workdir


def start_gunicorn(env: dict, workdir: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn with the app's own gunicorn.conf.py on a free port, ready to answer; its log in `workdir`."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}"],
        cwd=APP_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "gunicorn.log").open("wb"),
    )
    try:
        wait_for_port(port)
    except BaseException:
        server.terminate()
        raise
    return server, port


def _sign_in(port: int, email: str, password: str) -> dict[str, str]:
    """The Cookie header of a signed-in session, through the real sign-in form."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/auth/login")
    page = connection.getresponse()
    cookie = page.getheader("Set-Cookie", "").split(";")[0]
    token = _CSRF.search(page.read().decode()).group(1)
    connection.request(
        "POST",
        "/auth/login",
        body=urlencode({"email": email, "password": password, "csrf_token": token}),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    answer = connection.getresponse()
    answer.read()
    connection.close()
    if answer.status not in (302, 303):
        raise RuntimeError(f"signing in {email} answered {answer.status}")
    return {"Cookie": answer.getheader("Set-Cookie").split(";")[0]}


def _cpu_seconds(server_pid: int) -> tuple[float, float]:
    """CPU time used so far by gunicorn (master and workers) and by PostgreSQL's backends for the bench database.

    CPU per request does not depend on how busy the other users of the machine keep it, unlike latency.
    """

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    server = psutil.Process(server_pid)
    web = used(server) + sum(used(child) for child in server.children(recursive=True))
    with psycopg.connect(
        make_url(DATABASE_URL).set(drivername="postgresql").render_as_string(hide_password=False)
    ) as connection:
        backends = [
            pid
            for (pid,) in connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
    return web, sum(used(psutil.Process(pid)) for pid in backends if psutil.pid_exists(pid))


def _read_stats(path: Path) -> list[dict]:
    with path.open() as stats:
        return list(csv.DictReader(stats))


def _print_load(rows: list[dict]) -> int:
    print(
        f"\nLoad: {USERS} users ({USERS - 1} engineers, 1 lead), 1–3 s think time, {RUN_TIME}, spawn {SPAWN_RATE}/s, "
        f"{os.cpu_count()} cores shared with the load client"
    )
    print(f"{'page':<28}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}")
    for row in rows:
        print(
            f"{row['Name']:<28}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}{row['50%']:>8}{row['95%']:>8}"
            f"{row['99%']:>8}{row['Failure Count']:>8}"
        )
    return sum(int(row["Failure Count"]) for row in rows if row["Name"] == "Aggregated")


def _capacity(port: int, engineer: dict[str, str], lead: dict[str, str], board: str) -> None:
    routes = [
        ("trivial (/robots.txt)", TRIVIAL, {}),
        ("engineer /dashboard", "/dashboard", engineer),
        ("engineer /sessions", "/sessions", engineer),
        ("engineer /matches", "/matches", engineer),
        ("engineer /assessment", "/assessment", engineer),
        ("lead /dashboard", "/dashboard", lead),
        ("lead cohort board", board, lead),
    ]
    figures = {name: measure(port, path, headers, CAPACITY_SECONDS) for name, path, headers in routes}
    trivial = figures[routes[0][0]]["rps"]
    print(f"\nThroughput, same server: {CLIENT_PROCESSES} clients back to back, {CAPACITY_SECONDS:.0f} s per route")
    print(f"{'route':<28}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}{'vs trivial':>12}")
    for name, result in figures.items():
        print(
            f"{name:<28}{result['rps']:>8.0f}{result['p50_ms']:>8.1f}{result['p95_ms']:>8.1f}{result['errors']:>8}"
            f"{result['rps'] / trivial:>12.0%}"
        )


def main() -> int:
    if not _ensure_database(DATABASE_URL):
        return 0
    env, workdir = upgraded_environment(DATABASE_URL, "pmcohort-load-")
    flask_command(env, "seed-demo")
    server, port = start_gunicorn(env, workdir)
    try:
        web_before, database_before = _cpu_seconds(server.pid)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "locust",
                "-f",
                str(ROOT / "benchmarks" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{port}",
                "--users",
                str(USERS),
                "--spawn-rate",
                str(SPAWN_RATE),
                "--run-time",
                RUN_TIME,
                "--stop-timeout",
                "5",
                "--csv",
                str(workdir / "load"),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            check=False,
            timeout=300,
            stdout=subprocess.DEVNULL,
            stderr=(workdir / "locust.log").open("wb"),
        )
        web_after, database_after = _cpu_seconds(server.pid)
        rows = _read_stats(workdir / "load_stats.csv")
        errors = _print_load(rows)
        requests = sum(int(row["Request Count"]) for row in rows if row["Name"] == "Aggregated")
        print(
            f"CPU per request: gunicorn {(web_after - web_before) / requests * 1000:.1f} ms, "
            f"PostgreSQL {(database_after - database_before) / requests * 1000:.1f} ms "
            f"(backends still connected at the end; sign-ins included)"
        )
        engineer = _sign_in(port, f"engineer1@{DOMAIN}", DEMO_PASSWORD)
        lead = _sign_in(port, f"lead@{DOMAIN}", DEMO_PASSWORD)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/cohorts", headers=lead)
        board = re.search(r'href="(/cohorts/\d+)"', connection.getresponse().read().decode()).group(1)
        connection.close()
        _capacity(port, engineer, lead, board)
    finally:
        server.terminate()
        server.wait(30)
    print(f"\napp served from {APP_DIR}; logs: {workdir}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
