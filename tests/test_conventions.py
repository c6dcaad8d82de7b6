"""Rules of the codebase that a reader relies on, checked so they stay true."""

import re
from pathlib import Path

import pytest

from pmcohort.domain import statuses

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.*"))
STORED_VALUES = {
    str(member)
    for enum in (
        statuses.MatchStatus,
        statuses.RunStatus,
        statuses.SessionStatus,
        statuses.SessionKind,
        statuses.ParticipantRole,
        statuses.Attendance,
        statuses.PairRuleKind,
        statuses.Role,
    )
    for member in enum
}
# A status or kind compared, tested for membership or sent as a form value, written as a bare string.
BARE_STATUS = re.compile(
    r"""(?:==|!=|\bin\s*\(|has_role\(|value=)\s*['"]({})['"]""".format(
        "|".join(sorted(STORED_VALUES, key=len, reverse=True))
    )
)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_templates_name_statuses_and_kinds_by_their_enum(template):
    assert not BARE_STATUS.findall(template.read_text()), (
        "use the enum (MatchStatus.ACTIVE, Role.LEAD, ...), not its string"
    )


def test_the_check_catches_a_bare_status():
    assert BARE_STATUS.findall("{% if match.status == 'active' %}") == ["active"]
    assert BARE_STATUS.findall("{% if current_user.has_role('lead') %}") == ["lead"]
    assert not BARE_STATUS.findall("{% if match.status == MatchStatus.ACTIVE %}")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT / "templates")))
def test_only_the_form_macros_write_a_csrf_input(template):
    if template.name == "_forms.html":
        return
    assert "csrf_token" not in template.read_text(), "use form.hidden_tag() or the csrf_field() macro from _forms.html"
