"""The cohort console at scale: the dashboard of a 2,000-engineer, 400-mentor cohort under gunicorn
on PostgreSQL, as a ratio to a trivial route in the same run, and a 5,000-row CSV import.

1. Makes sure the bench database exists (BENCH_CONSOLE_DATABASE_URL, default `console_bench` on
   the local PostgreSQL), migrates it and loads `flask seed-demo --large` (idempotent; the first
   run takes a few minutes).
2. Starts gunicorn with `gunicorn.conf.py` on a free loopback port (with REDIS_URL when set, so
   its workers share the console's kept figures), signs the lead in, and drives /robots.txt, the
   console as leads see it (figures kept up to a minute) and the console computed on every
   request (`?fresh=1`), back to back from the same clients, a few seconds each.
3. In this process: a 5,000-row CSV (1,000 people with accounts, 4,000 without) checked by the
   dry run, then imported by the worker's own function into a throwaway cohort, which is
   deleted afterwards with everything the import wrote.

Bounded: about 30 s of requests plus the import; everything it starts is stopped. Traffic goes
to 127.0.0.1 only. Run: `make bench` or `python -m benchmarks.bench_console`.
Target: the console at >= 20% of the trivial route's requests per second. Exits 1 on a failed
request.
"""

import http.client
import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.bench_http import CLIENT_PROCESSES, measure
from benchmarks.bench_load import _ensure_database, _sign_in, flask_command, start_gunicorn, upgraded_environment
from pmcohort.demo import DEMO_PASSWORD, DOMAIN

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_CONSOLE_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/console_bench")
SECONDS_PER_ROUTE = 6.0
IMPORT_ROWS = 5000
WITH_ACCOUNTS = 1000
TARGET = 0.20


def _console_path(port: int, lead: dict[str, str]) -> str:
    from pmcohort.demo_large import LARGE_COHORT

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", "/cohorts", headers=lead)
    page = connection.getresponse().read().decode()
    connection.close()
    found = re.search(
        r'href="(/cohorts/\d+/console)">Console<span class="visually-hidden"> of ' + re.escape(LARGE_COHORT), page
    )
    if not found:
        raise RuntimeError("the large cohort is not on the lead's list")
    return found.group(1)


def _http(env: dict) -> tuple[dict, str]:
    server, port = start_gunicorn(env, Path(env["PMCOHORT_INSTANCE_PATH"]))
    try:
        lead = _sign_in(port, f"lead@{DOMAIN}", DEMO_PASSWORD)
        console = _console_path(port, lead)
        started = time.perf_counter()
        measure(port, f"{console}?fresh=1", lead, 1.0)  # warm up, and keep the figures
        warm_seconds = time.perf_counter() - started
        routes = [
            ("trivial (/robots.txt)", "/robots.txt", {}),
            ("console (figures kept)", console, lead),
            ("console (computed)", f"{console}?fresh=1", lead),
            # For scale: the lead's plain dashboard, a signed-in page with little on it.
            ("lead /dashboard", "/dashboard", lead),
        ]
        figures = {name: measure(port, path, headers, SECONDS_PER_ROUTE) for name, path, headers in routes}
    finally:
        server.terminate()
        server.wait(30)
    return figures, f"{warm_seconds:.1f}"


def _import(env: dict) -> dict[str, float]:
    os.environ.update({key: env[key] for key in ("DATABASE_URL", "PMCOHORT_INSTANCE_PATH", "SECRET_KEY")})
    os.environ["OUTBOX_PUBLISH_ON_COMMIT"] = "0"
    from sqlalchemy import delete, select

    from pmcohort import create_app
    from pmcohort.accounts.models import User
    from pmcohort.cohorts import roster
    from pmcohort.cohorts import services as cohorts
    from pmcohort.cohorts.models import Cohort
    from pmcohort.core.extensions import db
    from pmcohort.core.types import utcnow
    from pmcohort.notifications.models import OutboxMessage

    app = create_app()
    with app.app_context():
        lead = db.session.scalar(select(User).where(User.email == f"lead@{DOMAIN}"))
        known = db.session.scalars(
            select(User.email).where(User.email.like("large-engineer%")).order_by(User.id).limit(WITH_ACCOUNTS)
        ).all()
        lines = ["email;name;role;time zone;path;domain"]
        lines += [f"{email};Known Person;engineer;Europe/Berlin;internal_transfer;fintech" for email in known]
        lines += [
            f"bench-{number}@import.example.com;Newcomer {number};{'mentor' if number % 5 == 0 else 'engineer'};"
            f"America/New_York;;"
            for number in range(IMPORT_ROWS - len(known))
        ]
        data = ("\ufeff" + "\r\n".join(lines) + "\r\n").encode()
        began = utcnow()
        cohort = cohorts.create_cohort(lead.id, f"Import bench {secrets.token_hex(3)}", began.date())
        try:
            started = time.perf_counter()
            check = roster.dry_run(cohort.id, data)
            dry_run = time.perf_counter() - started
            assert check.ok and len(check.rows) == IMPORT_ROWS, check.problems[:3]
            started = time.perf_counter()
            _, staged = roster.stage_import(cohort.id, data, "bench.csv", actor_id=lead.id)
            roster.start_import(cohort.id, staged.id, actor_id=lead.id)
            roster.execute_import(staged.id)
            imported = time.perf_counter() - started
            staged = roster.roster_import(cohort.id, staged.id)
            assert staged.status == "done", staged.error
            return {
                "bytes": len(data),
                "dry_run": dry_run,
                "import": imported,
                "enrolled": staged.enrolled,
                "invited": staged.invited,
            }
        finally:
            db.session.rollback()
            db.session.execute(delete(OutboxMessage).where(OutboxMessage.created_at >= began))
            db.session.execute(delete(Cohort).where(Cohort.id == cohort.id))
            db.session.commit()


def main() -> int:
    if not _ensure_database(DATABASE_URL):
        return 0
    env, _ = upgraded_environment(DATABASE_URL, "pmcohort-console-")
    started = time.perf_counter()
    flask_command(env, "seed-demo", "--large")
    seeded = time.perf_counter() - started
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import psycopg,sys; psycopg.connect(sys.argv[1], autocommit=True).execute('ANALYZE')",
            DATABASE_URL,
        ],
        check=True,
    )
    figures, first_view = _http(env)
    trivial = figures["trivial (/robots.txt)"]["rps"]
    print(
        f"Cohort console, 2,000 engineers + 400 mentors, gunicorn.conf.py on PostgreSQL, {CLIENT_PROCESSES} clients "
        f"back to back, {SECONDS_PER_ROUTE:.0f} s per route, {os.cpu_count()} cores; Redis cache: "
        f"{'yes' if env.get('REDIS_URL') else 'no (each worker keeps its own)'}"
    )
    print(f"seed-demo --large: {seeded:.0f} s (a second run finds it there); first console view {first_view} s")
    print(f"{'route':<26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}{'vs trivial':>12}")
    for name, result in figures.items():
        print(
            f"{name:<26}{result['rps']:>8.1f}{result['p50_ms']:>9.1f}{result['p95_ms']:>9.1f}{result['errors']:>8}"
            f"{result['rps'] / trivial:>12.0%}"
        )
    ratio = figures["console (figures kept)"]["rps"] / trivial
    print(
        f"console at {ratio:.0%} of the trivial route (target >= {TARGET:.0%}): {'met' if ratio >= TARGET else 'NOT met'}"
    )
    result = _import(env)
    print(
        f"CSV import of {IMPORT_ROWS:,} rows ({result['bytes'] / 1024:.0f} KB, Excel ';' dialect with a BOM): "
        f"dry run {result['dry_run']:.2f} s; import {result['import']:.2f} s "
        f"({result['enrolled']:,} enrolled, {result['invited']:,} invited through the outbox)"
    )
    return 1 if any(figure["errors"] for figure in figures.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
