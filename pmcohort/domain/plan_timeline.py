"""Where everything on a plan's timeline chart goes: pure layout maths, drawn by a template as SVG.

Time runs down the page, so the chart reads on a phone: month ticks on the left, the phases as a
coloured band beside the axis, each milestone a mark on the axis at its due week with its label to
the right. Labels never overlap: one that would sits lower, joined to its mark by a short line.
Units are the SVG's viewBox units; the chart is drawn about as wide as a phone's card, so 13-unit
text stays at least 12 px.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pmcohort.domain.plans import PHASES, PLAN_WEEKS, STATE_LABELS, MilestoneState, PhaseKey, phase_of_week, week_ends

WIDTH = 320
TOP = 10
WEEK_HEIGHT = 10.0  # 52 weeks: 520 units
YEAR_TWO_HEIGHT = 36  # year 2+ is open-ended: a short band after the plan's weeks
TICK_X = 52  # month labels end here ("Jan ’27" needs about 48 units)
BAND_X, BAND_WIDTH = 56, 8
AXIS_X = 72
LABEL_X = 86
LINE_HEIGHT = 17  # the least distance between two labels' baselines
CHAR_WIDTH = 7.6  # a wide estimate for 13-unit text, so a label never runs past the frame
BOTTOM_MARGIN = 10
TODAY_CLEARANCE = 14  # month labels this close to "Today" give way to it
MAX_LABEL_CHARS = int((WIDTH - LABEL_X - 4) / CHAR_WIDTH)


@dataclass(frozen=True)
class ChartMilestone:
    title: str
    due_week: int
    state: MilestoneState


@dataclass(frozen=True)
class Band:
    phase: PhaseKey
    y: float
    height: float


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Label:
    """A phase heading or a milestone's label; a milestone's also has its mark on the axis."""

    text: str
    y: float  # the text's baseline
    heading: bool
    mark_y: float | None = None
    state: MilestoneState | None = None

    @property
    def diamond(self) -> bool:
        """Overdue marks are diamonds, so the state does not rest on colour alone."""
        return self.state == MilestoneState.OVERDUE


@dataclass(frozen=True)
class Timeline:
    width: int
    height: float
    axis_top: float
    axis_end: float  # the end of the plan's 52 weeks; the axis continues dashed through year 2+
    axis_bottom: float
    bands: tuple[Band, ...]
    ticks: tuple[Tick, ...]
    labels: tuple[Label, ...]
    today_y: float | None
    # Where the columns are, for the template (class attributes, not fields).
    tick_x, band_x, band_width, axis_x, label_x = TICK_X, BAND_X, BAND_WIDTH, AXIS_X, LABEL_X

    @property
    def summary(self) -> str:
        states = [label.state for label in self.labels if not label.heading]
        return ", ".join(
            f"{states.count(state)} {STATE_LABELS[state].lower()}"
            for state in (MilestoneState.DONE, MilestoneState.OVERDUE, MilestoneState.UPCOMING)
        )


def y_of_day(days: float) -> float:
    return TOP + days / 7 * WEEK_HEIGHT


def shorten(text: str, limit: int = MAX_LABEL_CHARS) -> str:
    """`text` cut at a word to fit `limit` characters, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,:;–-") + "…"


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, 1)


def _month_ticks(start: date) -> list[Tick]:
    """The first of each month inside the plan, with the year on the first tick and on each January."""
    ticks = []
    day = start if start.day == 1 else _add_months(start, 1)
    while day <= week_ends(start, PLAN_WEEKS):
        with_year = not ticks or day.month == 1
        ticks.append(Tick(y_of_day((day - start).days), day.strftime("%b ’%y" if with_year else "%b")))
        day = _add_months(day, 1)
    return ticks


def _place(wanted: list[tuple[int, float, Label]]) -> list[Label]:
    """Labels at their wanted baselines, each at least LINE_HEIGHT below the one before: phase by phase,
    the phase's heading first, then its milestones from the earliest due."""
    placed: list[Label] = []
    floor = TOP + 4
    for _, wanted_y, label in sorted(wanted, key=lambda item: (item[0], not item[2].heading, item[1])):
        y = max(wanted_y, floor)
        placed.append(Label(label.text, y, label.heading, label.mark_y, label.state))
        floor = y + LINE_HEIGHT
    return placed


def layout(start: date, today: date, milestones: Sequence[ChartMilestone], phase_labels: dict[str, str]) -> Timeline:
    """The whole chart for a plan starting on `start`, seen on `today`."""
    axis_end = y_of_day(PLAN_WEEKS * 7)
    bands = []
    wanted: list[tuple[int, float, Label]] = []
    for number, phase in enumerate(PHASES):
        y = y_of_day((phase.first_week - 1) * 7)
        bottom = y_of_day(phase.last_week * 7) if phase.last_week else axis_end + YEAR_TWO_HEIGHT
        bands.append(Band(phase.key, y, bottom - y))
        wanted.append((number, y + 13, Label(shorten(phase_labels[phase.key]), 0, heading=True)))
    for milestone in milestones:
        mark_y = y_of_day(milestone.due_week * 7 - 3.5)  # the middle of its due week
        wanted.append(
            (
                PHASES.index(phase_of_week(milestone.due_week)),
                mark_y + 4,
                Label(shorten(milestone.title), 0, False, mark_y=mark_y, state=milestone.state),
            )
        )
    labels = _place(wanted)
    axis_bottom = axis_end + YEAR_TWO_HEIGHT
    days_in = (today - start).days
    today_y = y_of_day(days_in) if 0 <= days_in <= PLAN_WEEKS * 7 else None
    ticks = [tick for tick in _month_ticks(start) if today_y is None or abs(tick.y - today_y) >= TODAY_CLEARANCE]
    height = max(axis_bottom, labels[-1].y if labels else 0) + BOTTOM_MARGIN
    return Timeline(WIDTH, height, TOP, axis_end, axis_bottom, tuple(bands), tuple(ticks), tuple(labels), today_y)
