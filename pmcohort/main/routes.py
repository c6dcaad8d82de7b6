from flask import current_app, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from pmcohort.domain.statuses import MATCH_OPEN, Role
from pmcohort.extensions import db, limiter
from pmcohort.main import bp
from pmcohort.models import Notification
from pmcohort.models.types import utcnow
from pmcohort.services import assessments, cohorts, matching, profiles, sessions

INBOX_SIZE = 50
NEXT_SESSIONS = 3


@bp.get("/")
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])
def index():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"), 303)
    return render_template("main/index.html")


@bp.get("/robots.txt")
@limiter.limit(lambda: current_app.config["PUBLIC_PAGE_RATE_LIMIT"])
def robots():
    # Every page is behind a sign-in; keep crawlers to the start page.
    return "User-agent: *\nAllow: /$\nDisallow: /\n", 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.get("/favicon.ico")
def favicon():
    # Browsers ask for /favicon.ico whatever the page links; send them to the one icon there is.
    return redirect(url_for("static", filename="favicon.svg"), 301)


@bp.get("/dashboard")
@login_required
def dashboard():
    user_id = current_user.id
    setup = profiles.setup_of(user_id)
    return render_template(
        "main/dashboard.html",
        open_matches=[m for m in matching.matches_for(user_id) if m.status in MATCH_OPEN],
        next_sessions=sessions.next_sessions(user_id, limit=NEXT_SESSIONS),
        cohorts=cohorts.cohorts_led_by(user_id) if current_user.has_role(Role.LEAD) else [],
        latest_attempt=assessments.latest_attempt(user_id) if current_user.has_role(Role.ENGINEER) else None,
        engineer_profile=setup.engineer,
        mentor_profile=setup.mentor,
        window_count=setup.window_count,
    )


@bp.get("/inbox")
@login_required
def inbox():
    notifications = db.session.scalars(
        select(Notification)
        .where(Notification.user_id == current_user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(INBOX_SIZE)
    ).all()
    return render_template("main/inbox.html", notifications=notifications)


@bp.post("/inbox/read")
@login_required
def mark_inbox_read():
    db.session.execute(
        db.update(Notification)
        .where(Notification.user_id == current_user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return redirect(url_for("main.inbox"), 303)
