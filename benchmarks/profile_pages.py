"""CPU per request of the main pages, in process, against PostgreSQL with the demo data.

Wall time on a shared machine says more about the neighbours than about the app; the CPU time
this process spends per request (`time.process_time`) does not. For each page, signed in as
the person who sees it, it prints the app's CPU ms per request and the SQL statements it runs.
`--profile PATH` instead prints where the time goes for one page (pyinstrument if installed,
else cProfile).

Uses BENCH_DATABASE_URL (default `load_bench`, the load run's database), migrated and seeded
with `flask seed-demo` first. Run: `python -m benchmarks.profile_pages [--requests N] [--profile /sessions]`.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/load_bench")


def _app():
    env = {
        "DATABASE_URL": DATABASE_URL,
        "PMCOHORT_INSTANCE_PATH": tempfile.mkdtemp(prefix="pmcohort-profile-"),
        # As in the load run: the limiter stays on (its cost is part of a request), with limits no
        # loop of requests from one address reaches.
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "PUBLIC_PAGE_RATE_LIMIT": "10000000 per minute",
        "OUTBOX_PUBLISH_ON_COMMIT": "0",
        "SECRET_KEY": "profile-pages",
        "FLASK_APP": "pmcohort",
    }
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([sys.executable, "-m", "flask", *command], cwd=ROOT, check=True, capture_output=True)
    from pmcohort import create_app

    return create_app()


def _signed_in(app, email: str):
    from pmcohort.demo import DEMO_PASSWORD

    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/auth/login").text).group(1)
    answer = client.post("/auth/login", data={"email": email, "password": DEMO_PASSWORD, "csrf_token": token})
    if answer.status_code not in (302, 303):
        raise SystemExit(f"signing in {email} answered {answer.status_code}")
    return client


def pages(app) -> list[tuple[str, object, str]]:
    """(name, signed-in client, path) for every page of the load mix, plus the inbox."""
    from pmcohort.demo import DOMAIN

    engineer, lead, mentor = (_signed_in(app, f"{who}@{DOMAIN}") for who in ("engineer1", "lead", "mentor1"))
    board = re.search(r'href="(/cohorts/\d+)"', lead.get("/cohorts").text).group(1)
    result = re.search(r'href="(/assessment/results/\d+)"', engineer.get("/dashboard").text)
    listed = [
        ("trivial /robots.txt", engineer, "/robots.txt"),
        ("engineer /dashboard", engineer, "/dashboard"),
        ("engineer /sessions", engineer, "/sessions"),
        ("engineer /matches", engineer, "/matches"),
        ("engineer /assessment", engineer, "/assessment"),
        ("engineer /inbox", engineer, "/inbox"),
        ("mentor /sessions", mentor, "/sessions"),
        ("lead /dashboard", lead, "/dashboard"),
        ("lead /cohorts", lead, "/cohorts"),
        ("lead cohort board", lead, board),
    ]
    if result:
        listed.insert(5, ("engineer result", engineer, result.group(1)))
    return listed


def measure(app, client, path: str, requests: int) -> tuple[float, float, int]:
    """(CPU ms per request, wall ms per request, SQL statements per request)."""
    from pmcohort.core.extensions import db

    statements = 0

    def count(*_args):
        nonlocal statements
        statements += 1

    for _ in range(3):  # warm: templates compiled, connections open
        if client.get(path).status_code != 200:
            raise SystemExit(f"{path} answered {client.get(path).status_code}")
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(requests):
            client.get(path)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return cpu / requests * 1000, wall / requests * 1000, statements // requests


def profile(client, path: str, requests: int) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(lambda: [client.get(path) for _ in range(requests)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        return
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(requests):
        client.get(path)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--profile", metavar="PATH_OR_NAME", help="print where one page's time goes")
    args = parser.parse_args()
    app = _app()
    listed = pages(app)
    if args.profile:
        name, client, path = next(each for each in listed if args.profile in (each[0], each[2]))
        client.get(path)
        profile(client, path, args.requests)
        return 0
    print(f"in-process test client, PostgreSQL demo data, {args.requests} requests per page after 3 warm-ups")
    print(f"{'page':<24}{'CPU ms':>8}{'wall ms':>9}{'SQL':>5}")
    for name, client, path in listed:
        cpu_ms, wall_ms, statements = measure(app, client, path, args.requests)
        print(f"{name:<24}{cpu_ms:>8.2f}{wall_ms:>9.2f}{statements:>5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
