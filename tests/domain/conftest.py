import shutil
from importlib.resources import as_file

import pytest

from pmcohort.domain.content import DATA


@pytest.fixture
def data_copy(tmp_path):
    """A writable copy of pmcohort/data, to break or extend without touching the real files."""
    with as_file(DATA) as source:
        shutil.copytree(source, tmp_path / "data")
    return tmp_path / "data"
