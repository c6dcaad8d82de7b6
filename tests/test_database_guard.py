"""The suite wipes only databases made for tests: pointed at development data, it refuses."""

from pathlib import Path

import pytest
from sqlalchemy import make_url

from tests.database import is_test_database


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", True),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test_sessions", True),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/pmcohort", False),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/pmcohort_test", False),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/testing", False),
        ("postgresql+psycopg://postgres@127.0.0.1:5432", False),
    ],
)
def test_only_postgresql_databases_named_for_tests_are_wiped(url, expected, tmp_path):
    assert is_test_database(make_url(url), tmp_path) is expected


def test_only_sqlite_files_inside_the_run_directory_are_wiped(tmp_path):
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    assert is_test_database(make_url(f"sqlite:///{run_dir / 'test.sqlite'}"), run_dir)
    assert not is_test_database(make_url(f"sqlite:///{tmp_path / 'instance' / 'pmcohort.sqlite'}"), run_dir)
    assert not is_test_database(make_url(f"sqlite:///{run_dir}/../pmcohort.sqlite"), run_dir)
    assert not is_test_database(make_url("sqlite://"), Path(run_dir))
