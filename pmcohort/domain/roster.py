"""A cohort roster as a CSV file: read it, check every row, and say what is wrong with each.

Columns: email, name, role, time zone, and optionally path and domain. The file may be UTF-8 with
or without a byte-order mark, comma-separated or in Excel's `;` dialect (the separator is sniffed).
Row numbers count the header as row 1, as a spreadsheet shows them, so a lead finds the row.
"""

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass

from pmcohort.domain import vocabulary
from pmcohort.domain.limits import ROSTER_MAX_ROWS, UPLOAD_LIMIT_IN_WORDS, UPLOAD_MAX_BYTES
from pmcohort.domain.statuses import MemberRole
from pmcohort.domain.timezones import is_valid_time_zone

REQUIRED_COLUMNS = ("email", "name", "role", "time_zone")
OPTIONAL_COLUMNS = ("path", "domain")
# Headers as people write them: "Time zone", "timezone", "E-mail".
_HEADER_ALIASES = {"timezone": "time_zone", "tz": "time_zone", "e-mail": "email", "mail": "email"}
_EMAIL = re.compile(r"^[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[^@\s,;<>()\[\]\"]+$")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ROLE_WORDS = {"engineer": MemberRole.ENGINEER, "mentee": MemberRole.ENGINEER, "mentor": MemberRole.MENTOR}
MAX_NAME = 120
MAX_EMAIL = 254


class RosterFileError(ValueError):
    """The file as a whole cannot be read (size, encoding, columns): no row is looked at."""


@dataclass(frozen=True)
class RosterRow:
    row: int
    email: str
    name: str
    role: str
    time_zone: str
    path: str | None = None
    domain: str | None = None

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "email": self.email,
            "name": self.name,
            "role": self.role,
            "time_zone": self.time_zone,
            "path": self.path,
            "domain": self.domain,
        }


@dataclass(frozen=True)
class RosterProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column.replace('_', ' ')}: {self.message}"


@dataclass(frozen=True)
class RosterCheck:
    rows: list[RosterRow]  # the rows that passed every check
    problems: list[RosterProblem]
    separator: str

    @property
    def ok(self) -> bool:
        return not self.problems

    def counts(self) -> dict[str, int]:
        return {role: sum(1 for row in self.rows if row.role == role) for role in MemberRole}


def decode(data: bytes) -> str:
    if len(data) > UPLOAD_MAX_BYTES:
        raise RosterFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is {UPLOAD_LIMIT_IN_WORDS}. Split it into smaller files."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError(
            "The file is UTF-16 (Excel's “Unicode text”). Save it as “CSV UTF-8 (comma delimited)” and upload that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RosterFileError(
            f"The file is not UTF-8 (an unreadable byte at position {error.start}). "
            "In Excel choose “CSV UTF-8”; in Google Sheets, File → Download → CSV."
        ) from None


def _dialect(text: str) -> csv.Dialect | type[csv.Dialect]:
    first_lines = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(first_lines, delimiters=",;\t")
    except csv.Error:
        return csv.excel  # one column, or nothing to go on: the header check says what is wrong


def _column(header: str) -> str:
    name = header.strip().lower().replace(" ", "_")
    return _HEADER_ALIASES.get(name, _HEADER_ALIASES.get(name.replace("_", ""), name))


def _choice(value: str, labels: Mapping[str, str]) -> str | None:
    """A vocabulary key from its key or its label, in any case; None if it is neither."""
    wanted = value.strip().lower()
    for key, label in labels.items():
        if wanted in (key, label.lower(), key.replace("_", " ")):
            return key
    return None


def read_roster(data: bytes, *, enrolled: Mapping[str, str] | None = None) -> RosterCheck:
    """Every row checked; `enrolled` maps the emails already in the cohort to their role there.

    Raises RosterFileError when the file cannot be read at all."""
    text = decode(data)
    if not text.strip():
        raise RosterFileError("The file is empty. The first row names the columns: email, name, role, time zone.")
    dialect = _dialect(text)
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = [_column(cell) for cell in next(reader)]
    except csv.Error as error:
        raise RosterFileError(f"The file cannot be read as CSV: {error}.") from None
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    unknown = [column for column in header if column and column not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        parts = []
        if missing:
            parts.append("missing " + ", ".join(column.replace("_", " ") for column in missing))
        if unknown:
            parts.append("unexpected " + ", ".join(f"“{column}”" for column in unknown))
        raise RosterFileError(
            "The first row must name the columns email, name, role, time zone (and optionally path, domain): "
            + "; ".join(parts)
            + "."
        )
    where = {column: header.index(column) for column in header if column}
    enrolled = enrolled or {}
    rows: list[RosterRow] = []
    problems: list[RosterProblem] = []
    first_seen: dict[str, int] = {}
    try:
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, as spreadsheets leave at the end
            if number - 1 > ROSTER_MAX_ROWS:
                raise RosterFileError(f"The file has more than {ROSTER_MAX_ROWS:,} rows. Split it into smaller files.")
            row, row_problems = _check_row(number, cells, where, first_seen, enrolled)
            problems.extend(row_problems)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        raise RosterFileError(f"The file cannot be read as CSV near row {reader.line_num}: {error}.") from None
    if not rows and not problems:
        raise RosterFileError("The file has a header row but no people in it.")
    return RosterCheck(rows, problems, dialect.delimiter)


def _check_row(
    number: int,
    cells: list[str],
    where: Mapping[str, int],
    first_seen: dict[str, int],
    enrolled: Mapping[str, str],
) -> tuple[RosterRow | None, list[RosterProblem]]:
    def cell(column: str) -> str:
        index = where.get(column)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problems: list[RosterProblem] = []

    def problem(column: str, message: str) -> None:
        problems.append(RosterProblem(number, column, message))

    for column in where:
        if _CONTROL.search(cell(column)):
            problem(column, "contains a control character; retype it")
    email = cell("email").lower()
    if not email:
        problem("email", "missing")
    elif len(email) > MAX_EMAIL or not _EMAIL.match(email):
        problem("email", f"“{cell('email')}” is not an email address")
    elif email in first_seen:
        problem("email", f"{email} is a duplicate of row {first_seen[email]}")
    elif email in enrolled:
        problem("email", f"{email} is already enrolled in this cohort as {enrolled[email]}")
    if email and email not in first_seen:
        first_seen[email] = number
    name = cell("name")
    if not name:
        problem("name", "missing")
    elif len(name) > MAX_NAME:
        problem("name", f"longer than {MAX_NAME} characters")
    role = _ROLE_WORDS.get(cell("role").lower())
    if role is None:
        problem("role", f"“{cell('role')}” is not a role here; use engineer or mentor")
    time_zone = cell("time_zone")
    if not is_valid_time_zone(time_zone):
        problem(
            "time_zone",
            f"“{time_zone}” is not a time zone; use a name like Europe/Berlin" if time_zone else "missing",
        )
    path = _choice(cell("path"), vocabulary.PATHS) if cell("path") else None
    if cell("path") and path is None:
        problem("path", f"“{cell('path')}” is not a path; use one of {', '.join(vocabulary.PATHS)}")
    domain = _choice(cell("domain"), vocabulary.DOMAINS) if cell("domain") else None
    if cell("domain") and domain is None:
        problem("domain", f"“{cell('domain')}” is not a domain; use one of {', '.join(vocabulary.DOMAINS)}")
    if problems:
        return None, problems
    return RosterRow(number, email, name, role, time_zone, path, domain), []
