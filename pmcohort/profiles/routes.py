from flask import render_template, url_for
from flask_login import current_user

from pmcohort.core.extensions import db
from pmcohort.core.forms import choices_from, form_page, press, submit
from pmcohort.domain import vocabulary
from pmcohort.domain.statuses import Role
from pmcohort.mentoring import practice_bank
from pmcohort.policy import can_view_reliability, public_mentor_profile_or_404, roles_required, signed_in_blueprint
from pmcohort.profiles import services as profiles
from pmcohort.profiles.forms import AwayForm, EngineerProfileForm, MentorProfileForm, WindowForm
from pmcohort.profiles.models import EngineerProfile, MentorProfile

bp = signed_in_blueprint("profiles", __name__)


@bp.route("/profile/engineer", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def engineer_profile():
    profile = db.session.get(EngineerProfile, current_user.id)
    form = EngineerProfileForm(obj=profile)
    return submit(
        lambda: profiles.save_engineer_profile(
            current_user.id, form.years_experience.data, form.path.data, form.target_domain.data
        ),
        "Profile saved.",
        url_for("main.dashboard"),
        form=form,
    ) or form_page("profiles/engineer.html", form)


@bp.route("/profile/mentor", methods=["GET", "POST"])
@roles_required(Role.MENTOR)
def mentor_profile():
    profile = db.session.get(MentorProfile, current_user.id)
    form = MentorProfileForm(obj=profile)
    form.interview_kinds.choices = choices_from(practice_bank.interview_kinds())
    if profile is not None and not form.is_submitted():
        for strength in profile.strengths:
            getattr(form, f"strength_{strength.skill}").data = str(strength.level)
            getattr(form, f"evidence_{strength.skill}").data = strength.evidence

    def details() -> profiles.MentorDetails:
        return profiles.MentorDetails(
            headline=form.headline.data or "",
            former_engineer=form.former_engineer.data,
            paths=tuple(form.paths.data),
            domains=tuple(form.domains.data),
            interview_kinds=tuple(form.interview_kinds.data),
            capacity=form.capacity.data,
            strengths=tuple(
                profiles.Strength(
                    skill, int(getattr(form, f"strength_{skill}").data), getattr(form, f"evidence_{skill}").data or ""
                )
                for skill in vocabulary.SKILLS
            ),
        )

    return submit(
        lambda: profiles.save_mentor_profile(current_user.id, details()),
        "Mentor profile saved.",
        url_for("profiles.mentor_public", user_id=current_user.id),
        form=form,
    ) or form_page("profiles/mentor_edit.html", form)


@bp.get("/mentors/<int:user_id>")
def mentor_public(user_id: int):
    profile = public_mentor_profile_or_404(user_id)
    return render_template(
        "profiles/mentor_public.html",
        profile=profile,
        mentor=profile.user,
        windows=profiles.windows_of(user_id),
        interview_kinds=practice_bank.interview_kinds(),
        may_view_reliability=can_view_reliability(current_user, user_id),
    )


def _availability_page(window_form=None, away_form=None, status: int = 200):
    return render_template(
        "profiles/availability.html",
        windows=profiles.windows_of(current_user.id),
        away=profiles.away_of(current_user.id),
        window_form=window_form or WindowForm(),
        away_form=away_form or AwayForm(),
    ), status


@bp.get("/availability")
@roles_required(Role.ENGINEER, Role.MENTOR)
def availability():
    return _availability_page()


def _availability_change(form, form_name: str, save, done: str):
    """Validate `form`, run `save()`; on success back to the page, else the page with errors at the fields."""
    return submit(save, done, url_for("profiles.availability"), form=form) or _availability_page(
        **{form_name: form}, status=400
    )


@bp.post("/availability/windows")
@roles_required(Role.ENGINEER, Role.MENTOR)
def add_window():
    form = WindowForm()
    return _availability_change(
        form, "window_form", lambda: profiles.add_window(current_user.id, *form.minutes()), "Window added."
    )


@bp.post("/availability/windows/<int:window_id>/delete")
@roles_required(Role.ENGINEER, Role.MENTOR)
def remove_window(window_id: int):
    return press(
        lambda: profiles.remove_window(current_user.id, window_id), "Window removed.", url_for("profiles.availability")
    )


@bp.post("/availability/away")
@roles_required(Role.ENGINEER, Role.MENTOR)
def add_away():
    form = AwayForm()
    return _availability_change(
        form,
        "away_form",
        lambda: profiles.add_away(current_user.id, form.first_day.data, form.last_day.data),
        "Time away added.",
    )


@bp.post("/availability/away/<int:away_id>/delete")
@roles_required(Role.ENGINEER, Role.MENTOR)
def remove_away(away_id: int):
    return press(
        lambda: profiles.remove_away(current_user.id, away_id), "Time away removed.", url_for("profiles.availability")
    )
