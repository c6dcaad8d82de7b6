from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from pmcohort.accounts.signed_in import unread_notifications
from pmcohort.cohorts import services as cohorts
from pmcohort.core.extensions import csrf, limiter
from pmcohort.core.forms import form_page, submit
from pmcohort.domain.statuses import MATCH_OPEN, Role
from pmcohort.main import services as dashboard_reads
from pmcohort.main.forms import preferences_form
from pmcohort.mentoring import debriefs
from pmcohort.mentoring import services as sessions
from pmcohort.mentorships import services as matching
from pmcohort.notifications import services as notices
from pmcohort.notifications.models import NOTIFICATION_CATEGORIES
from pmcohort.notifications.services import UnsubscribeOutcome as Outcome
from pmcohort.plans import services as plan_service

bp = Blueprint("main", __name__)

NEXT_SESSIONS = 3
NEXT_MILESTONES = 3


@bp.get("/")
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"), 303)
    return render_template("main/index.html")


@bp.get("/robots.txt")
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])
def robots():
    # Every page but the start page and the quick check is behind a sign-in; keep crawlers to those two.
    return (
        "User-agent: *\nAllow: /$\nAllow: /check$\nDisallow: /\n",
        200,
        {"Content-Type": "text/plain; charset=utf-8"},
    )


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; send them to the one icon there is.
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/dashboard")
@login_required
def dashboard():
    user_id = current_user.id
    is_engineer = current_user.has_role(Role.ENGINEER)
    setup, latest_attempt, snapshot = dashboard_reads.profiles_and_assessment(user_id, is_engineer)
    open_items = debriefs.open_action_items(user_id) if is_engineer else []
    return render_template(
        "main/dashboard.html",
        open_matches=[m for m in matching.matches_for(user_id) if m.status in MATCH_OPEN],
        next_sessions=sessions.next_sessions(user_id, limit=NEXT_SESSIONS),
        cohorts=cohorts.cohorts_led_by(user_id) if current_user.has_role(Role.LEAD) else [],
        latest_attempt=latest_attempt,
        largest_gap=snapshot.largest_gap if snapshot else None,
        engineer_profile=setup.engineer,
        mentor_profile=setup.mentor,
        window_count=setup.window_count,
        plan=plan_service.glance(user_id, NEXT_MILESTONES) if is_engineer else None,
        action_items=[item for item, _ in open_items],
        action_sources={item.id: mentoring_session for item, mentoring_session in open_items},
    )


@bp.get("/inbox")
@login_required
def inbox():
    page = notices.inbox_page(current_user.id, request.args.get("page", 1, type=int))
    return render_template("main/inbox.html", page=page, unread=unread_notifications())


@bp.post("/inbox/read")
@login_required
def mark_inbox_read():
    notices.mark_all_read(current_user.id)
    return redirect(url_for("main.inbox"), 303)


@bp.route("/settings/notifications", methods=["GET", "POST"])
@login_required
def preferences():
    current = notices.preferences_of(current_user.id)
    form = preferences_form(current)
    return submit(
        lambda: notices.set_preferences(current_user.id, form.choices()),
        "Notification settings saved.",
        url_for("main.preferences"),
        form=form,
    ) or form_page("main/preferences.html", form, categories=NOTIFICATION_CATEGORIES)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])  # public: no sign-in needed
@csrf.exempt  # the signed single-use token is the authority; RFC 8058 mail clients POST without a session
def unsubscribe(token: str):
    found = notices.read_unsubscribe_token(token)
    category_label = NOTIFICATION_CATEGORIES[found[1]] if found else None
    if found is None:
        outcome, status = Outcome.INVALID, 404
    elif request.method == "GET":
        outcome, status = (Outcome.USED if notices.token_used(token) else Outcome.CONFIRM), 200
    else:
        outcome = notices.unsubscribe(token)
        status = 200 if outcome == Outcome.DONE else 410
    return render_template(
        "main/unsubscribe.html", outcome=outcome, Outcome=Outcome, category_label=category_label, token=token
    ), status
