"""Written work: the kinds of PM document, their rubrics, and the rules reviews follow.

The starter kinds live in `pmcohort/data/writing/kinds.toml` and are checked as they load. A
rubric has the shape of the practice rubrics (`pmcohort.domain.practice`): dimensions with a key,
a label and the SKILLS key a score is evidence of. Unlike those, a document rubric describes every
level of RUBRIC_LEVEL, not only the ends, because a mentor scoring a written page should be able to
tell a 2 from a 3 without guessing.

Also here, on plain data: which status may follow which, what makes a submission unacceptable,
the word-level diff between two versions, score changes between rounds, and the agreement
figures of blind second reviews (exact, within one level, quadratic-weighted kappa).
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from importlib.resources.abc import Traversable

from pmcohort.domain.content import DATA, Entry, read_toml, unique
from pmcohort.domain.limits import DOCUMENT_MAX_CHARS, RUBRIC_LEVEL, WRITING_RUBRIC_DIMENSIONS
from pmcohort.domain.practice import LEVEL_FIELDS, DescribedLevels
from pmcohort.domain.statuses import DocumentStatus
from pmcohort.domain.vocabulary import SKILLS

KEY_MAX_LENGTH = {"kind": 32, "dimension": 32}


@dataclass(frozen=True)
class WritingDimension(DescribedLevels):
    key: str
    label: str
    skill: str  # the SKILLS key a score on this dimension is evidence of
    what_1_looks_like: str
    what_2_looks_like: str
    what_3_looks_like: str
    what_4_looks_like: str


@dataclass(frozen=True)
class WritingRubric:
    title: str
    dimensions: tuple[WritingDimension, ...]

    @property
    def dimension_keys(self) -> tuple[str, ...]:
        return tuple(d.key for d in self.dimensions)

    def dimension(self, key: str) -> WritingDimension | None:
        return next((d for d in self.dimensions if d.key == key), None)


@dataclass(frozen=True)
class DocumentKind:
    key: str
    title: str
    prompt: str  # what a good one does, shown beside the editor
    skeleton: str  # Markdown a new document starts from
    rubric: WritingRubric


# --- loading the starter set


def load_document_kinds(data: Traversable = DATA) -> tuple[DocumentKind, ...]:
    """The starter kinds from `data`/writing/kinds.toml; a ContentError names the file and entry of any mistake."""
    file = read_toml(data, "writing/kinds.toml")
    library = {key: _dimension(entry, key) for key, entry in file.keyed("dimension", "dimension").items()}
    entries = file.tables("kind", "kind")
    kinds = tuple(_kind(entry, library) for entry in entries)
    unique(zip(entries, (kind.key for kind in kinds), strict=True), "kind key")
    file.done()
    return kinds


def _dimension(entry: Entry, key: str) -> WritingDimension:
    entry.check_key(key, "dimension key", KEY_MAX_LENGTH["dimension"])
    return entry.done(
        WritingDimension(
            key=key,
            label=entry.text("label"),
            skill=entry.one_of("skill", SKILLS, "skill"),
            **entry.text_fields(*LEVEL_FIELDS),
        )
    )


def _kind(entry: Entry, library: Mapping[str, WritingDimension]) -> DocumentKind:
    key = entry.key(max_length=KEY_MAX_LENGTH["kind"])
    title = entry.text("title")
    dimension_keys = entry.texts(
        "dimensions", at_least=WRITING_RUBRIC_DIMENSIONS.low, at_most=WRITING_RUBRIC_DIMENSIONS.high
    )
    for dimension_key in dimension_keys:
        if dimension_key not in library:
            raise entry.error(f"unknown dimension {dimension_key!r}; define it as [dimension.{dimension_key}]")
    if len(set(dimension_keys)) != len(dimension_keys):
        raise entry.error("a dimension is listed twice")
    rubric = WritingRubric(title, tuple(library[k] for k in dimension_keys))
    return entry.done(DocumentKind(key, title, entry.text("prompt"), entry.text("skeleton") + "\n", rubric))


DOCUMENT_KINDS: tuple[DocumentKind, ...] = load_document_kinds()


# --- statuses

TRANSITIONS: dict[DocumentStatus, frozenset[DocumentStatus]] = {
    DocumentStatus.DRAFT: frozenset({DocumentStatus.SUBMITTED, DocumentStatus.WITHDRAWN}),
    DocumentStatus.SUBMITTED: frozenset({DocumentStatus.IN_REVIEW, DocumentStatus.WITHDRAWN}),
    # Back to SUBMITTED when a shared-queue claim lapses without a decision.
    DocumentStatus.IN_REVIEW: frozenset(
        {
            DocumentStatus.CHANGES_REQUESTED,
            DocumentStatus.APPROVED,
            DocumentStatus.SUBMITTED,
            DocumentStatus.WITHDRAWN,
        }
    ),
    DocumentStatus.CHANGES_REQUESTED: frozenset({DocumentStatus.SUBMITTED, DocumentStatus.WITHDRAWN}),
    DocumentStatus.APPROVED: frozenset(),
    DocumentStatus.WITHDRAWN: frozenset(),
}


def can_move(current: str, to: str) -> bool:
    return DocumentStatus(to) in TRANSITIONS[DocumentStatus(current)]


# --- what a submission must be


def text_problem(text: str) -> str | None:
    """Why `text` cannot be a document (empty, too long), or None."""
    if not text.strip():
        return "Write the document first: it is empty."
    if len(text) > DOCUMENT_MAX_CHARS:
        return f"Keep it under {DOCUMENT_MAX_CHARS:,} characters; this has {len(text):,}. Cut, or split it into two documents."
    return None


def submission_problem(text: str, last_version: str | None) -> str | None:
    """Why `text` cannot be submitted as a new version, or None. A resubmission must change something."""
    problem = text_problem(text)
    if problem:
        return problem
    if last_version is not None and _normalized(text) == _normalized(last_version):
        return "This is the same as the version you last submitted. Make the changes the review asked for first."
    return None


def _normalized(text: str) -> str:
    # Trailing spaces and line-ending style are not a change a reader could see.
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


# --- the diff between two versions

# A word with the spaces after it, or the spaces a text starts with: whitespace alone would be the most
# repeated token by far, and makes the matcher slow and its matches meaningless.
_TOKEN = re.compile(r"\s+|\S+\s*")
WORD_DIFF_MAX_TOKENS = 1000


@dataclass(frozen=True)
class DiffPart:
    op: str  # "same", "added" or "removed"
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The changes from `old` to `new` word by word, whitespace kept.

    Reads as the new text with removed words struck through and added ones marked. Lines are matched
    first and words only inside the lines that changed, so a long document with a few edits is quick
    (and a passage too long to match word by word shows as replaced whole: see `_word_changes`).
    A changed passage shows as the old words removed, then the new ones added; a lone word the two
    happen to share inside a changed passage is folded into it, so a rewritten sentence reads as one
    change rather than a word-by-word patchwork. Line breaks are never folded.
    """
    hunks: list[list[str]] = []  # ["same", text] or ["change", removed, added]
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    lines = difflib.SequenceMatcher(a=old_lines, b=new_lines)
    for tag, a1, a2, b1, b2 in lines.get_opcodes():
        if tag == "equal":
            _add(hunks, "same", "".join(old_lines[a1:a2]), "")
        else:
            _word_changes(hunks, _TOKEN.findall("".join(old_lines[a1:a2])), _TOKEN.findall("".join(new_lines[b1:b2])))
    parts = []
    for hunk in hunks:
        if hunk[0] == "same":
            parts.append(DiffPart("same", hunk[1]))
            continue
        parts += [DiffPart(op, text) for op, text in (("removed", hunk[1]), ("added", hunk[2])) if text]
    return parts


def _word_changes(hunks: list[list[str]], old_tokens: list[str], new_tokens: list[str]) -> None:
    """Words are matched without their spaces; a matched word whose spaces changed shows only that change.

    The words both sides start and end with are matched first, in one pass; what is left between them is
    matched word by word only up to WORD_DIFF_MAX_TOKENS a side (matching is worse than quadratic in the
    length of repetitive text), and beyond that shown as one replaced passage.
    """
    old_keys, new_keys = [t.rstrip() for t in old_tokens], [t.rstrip() for t in new_tokens]
    start = 0
    while start < min(len(old_keys), len(new_keys)) and old_keys[start] == new_keys[start]:
        start += 1
    end = 0
    while end < min(len(old_keys), len(new_keys)) - start and old_keys[-1 - end] == new_keys[-1 - end]:
        end += 1
    _same_words(hunks, old_tokens[:start], new_tokens[:start])
    old_middle, new_middle = old_tokens[start : len(old_tokens) - end], new_tokens[start : len(new_tokens) - end]
    if max(len(old_middle), len(new_middle)) > WORD_DIFF_MAX_TOKENS:
        _add(hunks, "change", "".join(old_middle), "".join(new_middle))
    else:
        words = difflib.SequenceMatcher(
            a=old_keys[start : len(old_keys) - end], b=new_keys[start : len(new_keys) - end], autojunk=False
        )
        for tag, c1, c2, d1, d2 in words.get_opcodes():
            if tag == "equal":
                _same_words(hunks, old_middle[c1:c2], new_middle[d1:d2])
            else:
                _add(hunks, "change", "".join(old_middle[c1:c2]), "".join(new_middle[d1:d2]))
    _same_words(hunks, old_tokens[len(old_tokens) - end :], new_tokens[len(new_tokens) - end :])


def _same_words(hunks: list[list[str]], old_tokens: list[str], new_tokens: list[str]) -> None:
    for before, after in zip(old_tokens, new_tokens, strict=True):
        word = before.rstrip()
        _add(hunks, "same", word, "")
        if before == after:
            _add(hunks, "same", before[len(word) :], "")
        else:
            _add(hunks, "change", before[len(word) :], after[len(word) :])


def _add(hunks: list[list[str]], kind: str, removed: str, added: str) -> None:
    if kind == "same":
        if hunks and hunks[-1][0] == "same":
            hunks[-1][1] += removed
        elif removed:
            hunks.append(["same", removed])
        return
    if len(hunks) >= 2 and hunks[-1][0] == "same" and _foldable(hunks[-1][1]) and hunks[-2][0] == "change":
        shared = hunks.pop()[1]
        hunks[-1][1] += shared + removed
        hunks[-1][2] += shared + added
    elif hunks and hunks[-1][0] == "change":
        hunks[-1][1] += removed
        hunks[-1][2] += added
    else:
        hunks.append(["change", removed, added])


def _foldable(shared: str) -> bool:
    return len(shared.split()) <= 1 and "\n" not in shared


def words_changed(parts: Iterable[DiffPart]) -> tuple[int, int]:
    """(words added, words removed)."""
    counts = {"added": 0, "removed": 0}
    for part in parts:
        if part.op in counts:
            counts[part.op] += len(part.text.split())
    return counts["added"], counts["removed"]


# --- score changes between rounds


@dataclass(frozen=True)
class ScoreChange:
    dimension: WritingDimension
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


def score_changes(
    rubric: WritingRubric, before: Mapping[str, int] | None, after: Mapping[str, int] | None
) -> list[ScoreChange]:
    """Per dimension of `rubric`: the earlier round's score, the later one's, and the change."""
    before, after = before or {}, after or {}
    return [ScoreChange(d, before.get(d.key), after.get(d.key)) for d in rubric.dimensions]


# --- agreement between a review and its blind second review


@dataclass(frozen=True)
class ScorePair:
    """Two reviewers' scores on one dimension of one document version."""

    dimension: str
    first_reviewer: int
    second_reviewer: int
    first: int
    second: int


@dataclass(frozen=True)
class DimensionAgreement:
    pairs: int
    exact: float  # share of pairs with the same level
    within_one: float  # share at most one level apart
    kappa: float | None  # quadratic-weighted Cohen's kappa; None when the scores never varied


@dataclass(frozen=True)
class ReviewerAgreement:
    pairs: int
    exact: float
    within_one: float


@dataclass(frozen=True)
class Agreement:
    per_dimension: dict[str, DimensionAgreement]
    overall: DimensionAgreement | None
    per_reviewer: dict[int, ReviewerAgreement]


def weighted_kappa(pairs: Iterable[tuple[int, int]], levels: range = RUBRIC_LEVEL.values) -> float | None:
    """Cohen's kappa with quadratic weights over `levels`: 1 is perfect agreement, 0 what chance gives.

    None when it is undefined: no pairs, or both reviewers always gave one and the same level (the
    expected disagreement is zero).
    """
    pairs = list(pairs)
    if not pairs:
        return None
    index = {level: i for i, level in enumerate(levels)}
    size = len(index)
    observed = [[0.0] * size for _ in range(size)]
    for first, second in pairs:
        observed[index[first]][index[second]] += 1
    count = len(pairs)
    rows = [sum(row) for row in observed]
    columns = [sum(observed[i][j] for i in range(size)) for j in range(size)]

    def weight(i: int, j: int) -> float:
        return (i - j) ** 2 / (size - 1) ** 2

    disagreement = sum(weight(i, j) * observed[i][j] for i in range(size) for j in range(size))
    expected = sum(weight(i, j) * rows[i] * columns[j] / count for i in range(size) for j in range(size))
    if expected == 0:
        return None
    return 1 - disagreement / expected


def _shares(pairs: list[ScorePair]) -> tuple[float, float]:
    exact = sum(p.first == p.second for p in pairs) / len(pairs)
    within = sum(abs(p.first - p.second) <= 1 for p in pairs) / len(pairs)
    return exact, within


def _dimension_agreement(pairs: list[ScorePair]) -> DimensionAgreement:
    exact, within = _shares(pairs)
    return DimensionAgreement(len(pairs), exact, within, weighted_kappa((p.first, p.second) for p in pairs))


def agreement(pairs: Iterable[ScorePair]) -> Agreement:
    """Per dimension, over everything, and per reviewer (each pair counts for both of its reviewers)."""
    pairs = list(pairs)
    by_dimension: dict[str, list[ScorePair]] = defaultdict(list)
    by_reviewer: dict[int, list[ScorePair]] = defaultdict(list)
    for pair in pairs:
        by_dimension[pair.dimension].append(pair)
        by_reviewer[pair.first_reviewer].append(pair)
        by_reviewer[pair.second_reviewer].append(pair)
    per_reviewer = {}
    for reviewer, theirs in by_reviewer.items():
        exact, within = _shares(theirs)
        per_reviewer[reviewer] = ReviewerAgreement(len(theirs), exact, within)
    return Agreement(
        per_dimension={key: _dimension_agreement(found) for key, found in sorted(by_dimension.items())},
        overall=_dimension_agreement(pairs) if pairs else None,
        per_reviewer=per_reviewer,
    )


def pairs_of(
    first_reviewer: int, first: Mapping[str, int], second_reviewer: int, second: Mapping[str, int]
) -> list[ScorePair]:
    """The score pairs of one double-reviewed version: every dimension both reviewers scored."""
    return [ScorePair(key, first_reviewer, second_reviewer, first[key], second[key]) for key in first if key in second]


def age_label(age: timedelta) -> str:
    """How long something has waited, in the largest whole unit: "3 days", "5 h", "12 min"."""
    minutes = max(0, int(age.total_seconds()) // 60)
    if minutes >= 48 * 60:
        return f"{minutes // (24 * 60)} days"
    if minutes >= 60:
        return f"{minutes // 60} h"
    return f"{minutes} min"
