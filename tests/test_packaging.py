"""The installed package carries its starter content: what `pip install .` (the Docker image) copies is what loads."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_built_package_loads_its_data_files(tmp_path):
    # A clean copy: a stale pmcohort.egg-info in the worktree would list the data files whatever pyproject says.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source)
    for package in ("pmcohort", "worker"):
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    built = tmp_path / "built"
    subprocess.run(
        [sys.executable, "-c", "from setuptools import setup; setup()", "-q", "build_py", "-d", str(built)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=120,
    )

    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import pmcohort, pmcohort.domain.practice as p, pmcohort.domain.readiness as a;"
            "print(pmcohort.__file__, len(p.QUESTIONS), sorted(a.VERSIONS))",
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(built)},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert loaded.returncode == 0, loaded.stderr
    location, questions, versions = loaded.stdout.split(" ", 2)
    assert Path(location).is_relative_to(built)
    released = sorted(
        int(path.stem.removeprefix("v")) for path in (source / "pmcohort/data/assessment").glob("v*.toml")
    )
    assert int(questions) > 0 and versions.strip() == str(released)  # every scoring version ships
