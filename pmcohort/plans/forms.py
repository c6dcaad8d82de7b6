from wtforms import BooleanField, DateField, RadioField, StringField, TextAreaField, URLField

from pmcohort.core.forms import BaseForm, choices_from
from pmcohort.domain.vocabulary import PATHS

_trimmed = lambda value: value.strip() if isinstance(value, str) else value  # noqa: E731


class DayField(DateField):
    """A date typed as YYYY-MM-DD (the browser's date picker sends that), with a message that says so."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a date like 2027-03-01.") from None


class PlanForm(BaseForm):
    # The service checks the choice, so an unknown path gets its message at the field, not WTForms' generic one.
    path = RadioField("Your path into product management", choices=choices_from(PATHS), validate_choice=False)
    start_date = DayField(
        "Start date", description="Week 1 starts on this day. Up to a year ahead, or up to 12 months back."
    )
    replace = BooleanField("Replace my current plan (its ticks and notes go with it)")


class MilestoneForm(BaseForm):
    title = StringField("Milestone", filters=[_trimmed])
    done_when = TextAreaField("What counts as done", filters=[_trimmed], render_kw={"rows": 2})
    due = DayField("Due by", description="A day inside the plan's 12 months.")
    note = TextAreaField("Why you are adding it", filters=[_trimmed], render_kw={"rows": 2})


class MoveForm(BaseForm):
    due = DayField("New due date")
    note = TextAreaField("Why it moves", filters=[_trimmed], render_kw={"rows": 2})


class TickForm(BaseForm):
    note = TextAreaField("What you did", filters=[_trimmed], render_kw={"rows": 2})
    link = URLField(
        "Link to the work", filters=[_trimmed], description="For a document: the approved version, or where it is."
    )


class SeasonForm(BaseForm):
    program = StringField("Program and year", filters=[_trimmed], description="For example: Google APM 2027.")
    opens_on = DayField("Applications open")
    closes_on = DayField("Applications close")
    link = URLField("Program page", filters=[_trimmed])
