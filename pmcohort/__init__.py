"""PM Cohort: mentor matching and cohort programs for engineers moving into product management."""

import os
from pathlib import Path

from flask import Flask

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def create_app(config: dict | None = None) -> Flask:
    """Build the app. Does no I/O beyond making the instance folder."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("PMCOHORT_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(TEMPLATES),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from pmcohort.core.config import Config

    app.config.from_object(Config(app.instance_path))
    if config:
        app.config.update(config)
    # The remember cookie never travels where the session cookie may not.
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    if app.config["SECRET_KEY"] == Config.DEV_SECRET_KEY and app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "postgresql"
    ):
        app.logger.warning("SECRET_KEY is the development default: set a long random SECRET_KEY in production")

    register_logging(app)
    register_security(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def register_logging(app: Flask) -> None:
    from pmcohort.core.request_id import init_request_id

    init_request_id(app)


def register_security(app: Flask) -> None:
    from pmcohort.core.security import init_security

    init_security(app)  # before the blueprints: it sets the `int` converter their routes use


def register_extensions(app: Flask) -> None:
    from pmcohort import models  # noqa: F401 - every model, so the mappers see the whole schema
    from pmcohort.accounts.signed_in import load_user
    from pmcohort.core.celery import celery_init_app
    from pmcohort.core.extensions import csrf, db, limiter, login_manager, migrate
    from pmcohort.core.pool import ping_idle_connections
    from pmcohort.core.sqlite import tune_sqlite
    from pmcohort.notifications import handlers  # noqa: F401 - registers the outbox handlers

    db.init_app(app)
    with app.app_context():
        tune_sqlite(db.engine)
        ping_idle_connections(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    login_manager.user_loader(load_user)
    celery_init_app(app)


def register_blueprints(app: Flask) -> None:
    from pmcohort.accounts.routes import bp as accounts
    from pmcohort.admin.routes import bp as admin
    from pmcohort.assessment.routes import bp as assessment
    from pmcohort.cohorts.routes import bp as cohorts
    from pmcohort.evidence.routes import bp as evidence
    from pmcohort.main.routes import bp as main
    from pmcohort.mentoring.routes import bp as mentoring_sessions
    from pmcohort.mentorships.routes import bp as mentorships
    from pmcohort.ops.routes import bp as ops
    from pmcohort.plans.routes import bp as plans
    from pmcohort.profiles.routes import bp as profiles
    from pmcohort.quickcheck.routes import bp as quickcheck
    from pmcohort.writing.routes import bp as writing

    for blueprint in (
        main,
        accounts,
        admin,
        ops,
        quickcheck,
        profiles,
        assessment,
        plans,
        cohorts,
        mentorships,
        mentoring_sessions,
        writing,
    ):
        app.register_blueprint(blueprint)
    app.register_blueprint(evidence)


def register_errorhandlers(app: Flask) -> None:
    from pmcohort.core.http_errors import init_errors

    init_errors(app)


def register_commands(app: Flask) -> None:
    from pmcohort.cli import init_commands

    init_commands(app)


def register_template_helpers(app: Flask) -> None:
    from pmcohort.core.static_assets import init_static_assets
    from pmcohort.core.templating import init_templating

    init_templating(app)
    init_static_assets(app)
