FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PMCOHORT_INSTANCE_PATH=/var/lib/pmcohort FLASK_APP=pmcohort
WORKDIR /app
COPY pyproject.toml README.md ./
COPY pmcohort ./pmcohort
COPY worker ./worker
COPY templates ./templates
COPY migrations ./migrations
COPY gunicorn.conf.py ./
RUN pip install --no-cache-dir . && useradd --create-home pmcohort && mkdir -p /var/lib/pmcohort && chown pmcohort /var/lib/pmcohort
USER pmcohort
EXPOSE 8000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "--bind", "0.0.0.0:8000"]
