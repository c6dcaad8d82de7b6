"""The CSV roster rules: every problem with its row number, the encodings and dialects people send."""

import pytest

from pmcohort.domain.limits import UPLOAD_MAX_BYTES
from pmcohort.domain.roster import RosterFileError, read_roster

HEADER = "email,name,role,time zone,path,domain\n"


def check(text: str, enrolled=None, encoding="utf-8"):
    return read_roster(text.encode(encoding), enrolled=enrolled or {})


def test_a_clean_file_gives_every_row_normalised():
    result = check(
        HEADER
        + "Sam@Example.com,Sam Rivera,Engineer,Europe/Berlin,Internal transfer,developer_tools\n"
        + "ana@example.com,Ana Costa,mentor,America/New_York,,\n"
    )
    assert result.ok and result.separator == ","
    sam, ana = result.rows
    assert (sam.row, sam.email, sam.role, sam.path, sam.domain) == (
        2,
        "sam@example.com",
        "engineer",
        "internal_transfer",
        "developer_tools",
    )
    assert (ana.row, ana.role, ana.path, ana.domain) == (3, "mentor", None, None)
    assert result.counts() == {"engineer": 1, "mentor": 1}


@pytest.mark.parametrize(
    ("line", "column", "words"),
    [
        ("not-an-email,Sam,engineer,UTC", "email", "is not an email address"),
        (",Sam,engineer,UTC", "email", "missing"),
        ("sam@example.com,,engineer,UTC", "name", "missing"),
        ("sam@example.com,Sam,manager,UTC", "role", "is not a role here"),
        ("sam@example.com,Sam,engineer,Mars/Olympus", "time_zone", "is not a time zone"),
        ("sam@example.com,Sam,engineer,europe/berlin", "time_zone", "is not a time zone"),
        ("sam@example.com,Sam,engineer,UTC,sideways,", "path", "is not a path"),
        ("sam@example.com,Sam,engineer,UTC,,space", "domain", "is not a domain"),
        ("sam@example.com,Sam\x07,engineer,UTC", "name", "control character"),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_and_column(line, column, words):
    result = check(HEADER + "ok@example.com,Ok,engineer,UTC\n" + line + "\n")
    assert not result.ok
    [problem] = result.problems
    assert (problem.row, problem.column) == (3, column) and words in problem.message
    assert str(problem).startswith(f"Row 3, {column.replace('_', ' ')}:")
    assert [row.email for row in result.rows] == ["ok@example.com"]


def test_duplicates_and_already_enrolled_are_named_and_every_problem_is_listed():
    result = check(
        HEADER
        + "a@example.com,A,engineer,UTC\n"
        + "b@example.com,B,mentor,UTC\n"
        + "A@example.com,A again,engineer,UTC\n"
        + "bad,C,boss,Nowhere\n",
        enrolled={"b@example.com": "mentor"},
    )
    messages = [str(problem) for problem in result.problems]
    assert messages[0] == "Row 3, email: b@example.com is already enrolled in this cohort as mentor"
    assert messages[1] == "Row 4, email: a@example.com is a duplicate of row 2"
    assert [problem.row for problem in result.problems[2:]] == [5, 5, 5], "three problems on one row, all listed"


@pytest.mark.parametrize(
    "data",
    [
        ("\ufeff" + HEADER + "a@example.com,Zoë Ångström,engineer,UTC\n").encode("utf-8"),
        ("email;name;role;time zone\r\na@example.com;Zoë Ångström;engineer;UTC\r\n").encode(),
        ('\ufeffEmail;Name;Role;Timezone\r\na@example.com;"Ångström; Zoë";engineer;UTC\r\n').encode("utf-8"),
    ],
    ids=["utf-8 with a BOM", "excel semicolons", "excel semicolons, BOM, quoted separator"],
)
def test_bom_and_excel_dialects_read_the_same(data):
    result = read_roster(data)
    assert result.ok, result.problems
    [row] = result.rows
    assert row.email == "a@example.com" and "Ångström" in row.name


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("email,name,role,time zone\na@example.com,Zoë,engineer,UTC\n".encode("latin-1"), "not UTF-8"),
        (HEADER.encode("utf-16"), "UTF-16"),
        (b"mail,full name,kind\nx,y,z\n", "missing name, role, time zone"),
        (b"email,name,role,time zone,salary\n", "unexpected"),
        (b"", "empty"),
        (HEADER.encode(), "no people"),
        (b"x" * (UPLOAD_MAX_BYTES + 1), "the limit is 5 MB"),
    ],
    ids=["latin-1", "utf-16", "wrong columns", "extra column", "empty", "header only", "too big"],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(data, words):
    with pytest.raises(RosterFileError, match=words):
        read_roster(data)
