"""Entry point for `celery -A worker.app worker` and `celery -A worker.app beat`."""

from pmcohort import create_app
from worker.schedule import BEAT_SCHEDULE

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
celery_app.conf.beat_schedule = BEAT_SCHEDULE
