"""Which real services this test run has, and how a test that needs a missing one behaves.

With PMCOHORT_REQUIRE_SERVICES=1 (CI) a missing service fails the test instead of skipping it.
"""

import os
import shutil

import pytest

REQUIRE_SERVICES = os.environ.get("PMCOHORT_REQUIRE_SERVICES") == "1"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

ON_POSTGRES = DATABASE_URL.startswith(("postgres://", "postgresql"))


def missing(what: str) -> None:
    message = f"needs {what}"
    if REQUIRE_SERVICES:
        pytest.fail(f"{message}, and PMCOHORT_REQUIRE_SERVICES=1 forbids skipping")
    pytest.skip(message)


def require_postgres() -> None:
    if not ON_POSTGRES:
        missing("PostgreSQL (set DATABASE_URL)")


def require_redis() -> None:
    if not REDIS_URL:
        missing("Redis (set REDIS_URL)")


def require_chromium() -> None:
    if not shutil.which(CHROMIUM):
        missing(f"Chromium at {CHROMIUM} (apt-get install chromium)")
