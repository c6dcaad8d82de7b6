"""The Celery side of PM Cohort. It depends on `pmcohort`, never the reverse."""
