from datetime import timedelta

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from pmcohort.core.errors import ServiceError
from pmcohort.core.extensions import db
from pmcohort.core.forms import editor_page, form_page, press, service_errors, submit
from pmcohort.core.templating import local_time
from pmcohort.core.types import utcnow
from pmcohort.domain import writing
from pmcohort.domain.statuses import DOCUMENT_EDITABLE, DocumentStatus, ReviewRole, Role
from pmcohort.policy import (
    can_read_document,
    cohort_for_lead_or_404,
    document_for_author_or_404,
    document_for_reader_or_404,
    document_to_claim_or_404,
    roles_required,
    signed_in_blueprint,
    visible_cohorts,
)
from pmcohort.writing import portfolios, reading, reviewers, services
from pmcohort.writing.forms import (
    CommentForm,
    DraftForm,
    KindForm,
    NewDocumentForm,
    PortfolioForm,
    ReplyForm,
    ResolveForm,
    SecondReviewForm,
    SharedQueueForm,
    review_form,
)
from pmcohort.writing.models import Document, WritingKind
from pmcohort.writing.rendering import blocks, render

# A shared portfolio's secret link is the authority: whoever holds it reads the page.
bp = signed_in_blueprint("writing", __name__, url_prefix="/writing", public=("shared_portfolio",))

# Rules about the whole rubric belong above its rows, not at one of them.
WHOLE_RUBRIC = ("dimensions",)


@bp.get("")
def index():
    is_engineer = current_user.has_role(Role.ENGINEER)
    return render_template(
        "writing/index.html",
        documents=reading.my_documents(current_user.id) if is_engineer else [],
        queue=reading.queue_for(current_user.id) if current_user.has_role(Role.MENTOR) else [],
        cohorts=visible_cohorts(current_user) if current_user.has_role(Role.LEAD, Role.ADMIN) else [],
        kind_titles=services.kind_titles(),
        now=utcnow(),
        age_label=writing.age_label,
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def new():
    kinds = services.kinds()
    form = NewDocumentForm(kind=request.args.get("kind")).offer(kinds)
    return submit(
        lambda: services.create_document(current_user.id, kind_key=form.kind.data, title=form.title.data),
        "Draft started from the kind's skeleton. It is saved as you write.",
        lambda document: url_for("writing.edit", document_id=document.id),
        form=form,
    ) or form_page("writing/new.html", form, kinds=kinds)


# --- writing


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
def edit(document_id: int):
    document = document_for_author_or_404(document_id)
    if document.status not in DOCUMENT_EDITABLE:
        flash(f"This document is {document.status_label.lower()}: it can no longer be edited.", "info")
        return redirect(url_for("writing.document", document_id=document.id), 303)
    form = DraftForm(data={"title": document.title, "body": document.body}) if request.method == "GET" else DraftForm()
    preview = None
    if form.validate_on_submit():
        action = form.action.data or "save"
        with service_errors(form):
            if action == "submit":
                services.submit(document.id, current_user.id, title=form.title.data, body=form.body.data or "")
                flash("Submitted. Your reviewer is told; you will hear when the review is done.", "success")
                return redirect(url_for("writing.document", document_id=document.id), 303)
            services.save_draft(document.id, current_user.id, title=form.title.data, body=form.body.data or "")
            if action == "save":
                flash("Draft saved.", "success")
                return redirect(url_for("writing.edit", document_id=document.id), 303)
            preview = render(form.body.data or "")
    kind = services.find_kind(document.kind_key)
    return form_page(
        "writing/edit.html", form, document=document, kind=kind, rubric=services.rubric_of(kind), preview=preview
    )


@bp.post("/<int:document_id>/autosave")
def autosave(document_id: int):
    """The editor's script saves the draft every few seconds; answers JSON, never a page."""
    document = document_for_author_or_404(document_id)
    form = DraftForm()
    if not form.validate_on_submit():
        message = next(iter(form.errors.values()))[0]
        return jsonify(saved=False, error=message if isinstance(message, str) else "Not saved."), 400
    try:
        services.save_draft(document.id, current_user.id, title=form.title.data, body=form.body.data or "")
    except ServiceError as error:
        return jsonify(saved=False, error=error.message), 400
    return jsonify(saved=True, saved_at=local_time(document.draft_saved_at, "time"))


@bp.post("/<int:document_id>/withdraw")
def withdraw(document_id: int):
    document = document_for_author_or_404(document_id)
    return press(
        lambda: services.withdraw(document.id, current_user.id),
        "Withdrawn. Nobody is asked to review it any more.",
        url_for("writing.document", document_id=document.id),
    )


# --- reading and reviewing


def _document_page(document: Document, *, reviewing: bool, forms: dict | None = None, status: int = 200):
    """The document as the viewer may see it. `reviewing`: the reviewer's page, with comment and rubric forms."""
    forms = forms or {}
    rubric = services.rubric_for(document)
    all_reviews = reading.reviews_of(document.id)
    is_lead = current_user.id in reviewers.lead_ids_for(document)
    visible = [r for r in all_reviews if reading.review_visible_to(r, current_user.id, document, all_reviews, is_lead)]
    own_open = next((r for r in all_reviews if r.reviewer_id == current_user.id and r.submitted_at is None), None)
    asked = request.args.get("version", type=int)
    version = (document.version(asked) if asked else None) or (own_open.version if own_open else None)
    version = version or document.latest_version
    comments = reading.comments_of([r.id for r in visible])
    by_block: dict[int, list] = {}
    for review in visible:
        if version is not None and review.version_id == version.id:
            for comment in comments.get(review.id, []):
                by_block.setdefault(comment.block, []).append((review, comment))
    primary_decided = [r for r in visible if r.role == ReviewRole.PRIMARY and r.submitted_at is not None]
    score_rounds = [
        (earlier, later, writing.score_changes(rubric, earlier.scores, later.scores))
        for earlier, later in zip(primary_decided, primary_decided[1:], strict=False)
    ]
    may_review = own_open is not None or (
        document.reviewer_id == current_user.id
        and document.status in (DocumentStatus.SUBMITTED, DocumentStatus.IN_REVIEW)
    )
    if reviewing and may_review and "review" not in forms:
        forms["review"] = review_form(rubric, decides=own_open is None or own_open.role == ReviewRole.PRIMARY)
    return render_template(
        "writing/document.html",
        document=document,
        kind=services.find_kind(document.kind_key),
        rubric=rubric,
        version=version,
        blocks=blocks(version.body) if version else blocks(document.body),
        reviews=visible,
        comments=comments,
        by_block=by_block,
        score_rounds=score_rounds,
        events=reading.events_of(document.id),
        # A blind second reviewer sees neither the first decision nor the history that would tell it.
        blind=own_open is not None and own_open.role == ReviewRole.SECOND,
        reviewing=reviewing and may_review,
        may_review=may_review,
        own_open=own_open,
        is_author=document.author_id == current_user.id,
        second_form=forms.get("second")
        or (SecondReviewForm().offer(reading.second_review_candidates(document, current_user.id)) if is_lead else None),
        forms=forms,
        comment_form=forms.get("comment") or CommentForm(),
        reply_form=ReplyForm(),
        now=utcnow(),
        age_label=writing.age_label,
    ), status


@bp.get("/<int:document_id>")
def document(document_id: int):
    return _document_page(document_for_reader_or_404(document_id), reviewing=False)


@bp.post("/<int:document_id>/claim")
@roles_required(Role.MENTOR)
def claim(document_id: int):
    document = document_to_claim_or_404(document_id)
    with service_errors():
        services.start_review(document.id, current_user.id)
        flash("It is yours to review. A shared-queue claim lasts 48 hours.", "success")
        return redirect(url_for("writing.review", document_id=document.id), 303)
    return redirect(url_for("writing.index"), 303)


@bp.route("/<int:document_id>/review", methods=["GET", "POST"])
def review(document_id: int):
    document = document_for_reader_or_404(document_id)
    if request.method == "GET":
        return _document_page(document, reviewing=True)
    all_reviews = reading.reviews_of(document.id)
    own_open = next((r for r in all_reviews if r.reviewer_id == current_user.id and r.submitted_at is None), None)
    form = review_form(services.rubric_for(document), decides=own_open is None or own_open.role == ReviewRole.PRIMARY)
    return submit(
        lambda: services.submit_review(
            document.id,
            current_user.id,
            scores=form.scores(services.rubric_for(document)),
            summary=form.summary.data or "",
            decision=form.decision.data if "decision" in form else None,
        ),
        lambda done: (
            "Second review saved: you can now see the first review."
            if done.role == ReviewRole.SECOND
            else "Review sent to the engineer."
        ),
        url_for("writing.document", document_id=document.id),
        form=form,
    ) or _document_page(document, reviewing=True, forms={"review": form}, status=400)


@bp.post("/<int:document_id>/comments")
def comment(document_id: int):
    document = document_for_reader_or_404(document_id)
    form = CommentForm()
    return submit(
        lambda: services.add_comment(document.id, current_user.id, block=form.block.data, body=form.body.data or ""),
        "Comment added to the paragraph.",
        lambda _: url_for("writing.review", document_id=document.id, _anchor=f"block-{form.block.data}"),
        # A paragraph that is not there has no place on the page to show its message: it goes above the form.
        whole_form_fields=("block",),
        form=form,
    ) or _document_page(document, reviewing=True, forms={"comment": form}, status=400)


def _thread_action(document_id: int, form, refused: str, act, done_message: str):
    """A reply or a resolve in a comment's thread: done, back where the reader was; not filled in, the
    document with `refused` said."""
    document = document_for_reader_or_404(document_id)
    if not form.validate_on_submit():
        flash(refused, "error")
        return redirect(url_for("writing.document", document_id=document.id), 303)
    return press(
        lambda: act(document), done_message, request.referrer or url_for("writing.document", document_id=document.id)
    )


@bp.post("/<int:document_id>/comments/<int:comment_id>/replies")
def reply(document_id: int, comment_id: int):
    form = ReplyForm()
    return _thread_action(
        document_id,
        form,
        "Write the reply first.",
        lambda document: services.reply(document.id, comment_id, current_user.id, body=form.body.data or ""),
        "Reply added.",
    )


@bp.post("/<int:document_id>/comments/<int:comment_id>/resolved")
def resolve(document_id: int, comment_id: int):
    form = ResolveForm()
    resolved = form.resolved.data == "yes"
    return _thread_action(
        document_id,
        form,
        "Choose to resolve the comment or open it again.",
        lambda document: services.set_resolved(document.id, comment_id, current_user.id, resolved),
        "Marked resolved." if resolved else "Opened again.",
    )


@bp.get("/<int:document_id>/diff")
def diff(document_id: int):
    document = document_for_reader_or_404(document_id)
    numbers = [v.number for v in document.versions]
    if not numbers:
        abort(404)
    old = document.version(request.args.get("from", type=int) or max(1, numbers[-1] - 1))
    new = document.version(request.args.get("to", type=int) or numbers[-1])
    if old is None or new is None:
        abort(404)
    parts = writing.word_diff(old.body, new.body)
    return render_template(
        "writing/diff.html",
        document=document,
        old=old,
        new=new,
        parts=parts,
        changed=writing.words_changed(parts),
        title_changed=old.title != new.title,
    )


@bp.post("/<int:document_id>/second-review")
@roles_required(Role.LEAD)
def second_review(document_id: int):
    document = document_for_reader_or_404(document_id)
    form = SecondReviewForm().offer(reading.second_review_candidates(document, current_user.id))
    return submit(
        lambda: services.request_second_review(document.id, current_user.id, mentor_id=form.mentor_id.data or None),
        "Second review asked for. The mentor does not see the first review until theirs is in.",
        url_for("writing.document", document_id=document.id),
        form=form,
    ) or _document_page(document, reviewing=False, forms={"second": form}, status=400)


# --- a cohort's written work, for its lead


@bp.get("/cohorts/<int:cohort_id>")
@roles_required(Role.LEAD)
def cohort(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    overview = reading.cohort_writing(cohort.id)
    turnarounds = sorted(overview.turnarounds)
    return render_template(
        "writing/cohort.html",
        overview=overview,
        readable={d.id for d in overview.documents if can_read_document(current_user, d)},
        median_turnaround=writing.age_label(timedelta(seconds=turnarounds[len(turnarounds) // 2]))
        if turnarounds
        else None,
        kind_titles=services.kind_titles(),
        queue_form=SharedQueueForm(),
    )


@bp.post("/cohorts/<int:cohort_id>/shared-queue")
@roles_required(Role.LEAD)
def shared_queue(cohort_id: int):
    cohort = cohort_for_lead_or_404(cohort_id)
    form = SharedQueueForm()
    enabled = form.enabled.data == "yes"
    return press(
        lambda: services.set_shared_queue(cohort.id, current_user.id, enabled),
        "Shared queue on: submissions go to any of the cohort's mentors."
        if enabled
        else "Shared queue off: submissions go to each engineer's mentor.",
        url_for("writing.cohort", cohort_id=cohort.id),
        form=form,
        refused="Choose to turn the shared queue on or off.",
    )


# --- the portfolio


@bp.route("/portfolio", methods=["GET", "POST"])
@roles_required(Role.ENGINEER)
def portfolio():
    approved = portfolios.approved_work(current_user.id)
    chosen = portfolios.chosen_version_ids(current_user.id)
    saved = portfolios.portfolio_of(current_user.id)
    form = PortfolioForm(
        data={
            "version_ids": chosen,
            "show_scores": bool(saved and saved.show_scores),
        }
        if request.method == "GET"
        else None
    )
    form.version_ids.choices = [SelectChoice(work.version_id, f"{work.title} ({work.kind_title})") for work in approved]
    return submit(
        lambda: portfolios.save_portfolio(
            current_user.id, version_ids=form.version_ids.data or [], show_scores=form.show_scores.data
        ),
        "Portfolio saved.",
        url_for("writing.portfolio"),
        form=form,
    ) or form_page(
        "writing/portfolio.html",
        form,
        approved=approved,
        portfolio=saved,
        entries=portfolios.entries_among(approved, chosen),
    )


@bp.post("/portfolio/share")
@roles_required(Role.ENGINEER)
def share():
    shared = "Your portfolio has a link now. Anyone who has it can read the page, until you revoke it."
    return _change_portfolio_link(portfolios.share_portfolio, shared)


@bp.post("/portfolio/revoke")
@roles_required(Role.ENGINEER)
def revoke():
    return _change_portfolio_link(portfolios.revoke_portfolio, "Link revoked: it shows nothing any more.")


def _change_portfolio_link(change, done_message: str):
    return press(lambda: change(current_user.id), done_message, url_for("writing.portfolio"))


@bp.get("/shared/<token>")
def shared_portfolio(token: str):
    """The portfolio page, for whoever holds its secret link, signed in or not."""
    portfolio = portfolios.shared_portfolio(token)
    if portfolio is None:
        abort(404)
    entries = portfolios.portfolio_entries(portfolio.user_id)
    versions = {v.id: v for v in portfolios.versions_by_id([e.version_id for e in entries])}
    return render_template(
        "writing/shared_portfolio.html",
        portfolio=portfolio,
        entries=[(entry, render(versions[entry.version_id].body, heading_offset=2)) for entry in entries],  # under h2
    )


# --- admins: kinds, prompts and rubrics


@bp.get("/kinds")
@roles_required(Role.ADMIN)
def kinds():
    return render_template("writing/kinds.html", kinds=services.kinds(), rubric_of=services.rubric_of)


@bp.route("/kinds/new", methods=["GET", "POST"], defaults={"kind_id": None})
@bp.route("/kinds/<int:kind_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_kind(kind_id: int | None):
    kind = db.session.get(WritingKind, kind_id) if kind_id is not None else None
    if kind_id is not None and kind is None:
        abort(404)
    return editor_page(
        KindForm,
        kind,
        services.save_kind,
        template="writing/kind.html",
        saved_message="Kind “{0.title}” saved.",
        back_to="writing.kinds",
        whole_form_fields=WHOLE_RUBRIC,
        kind=kind,
    )
