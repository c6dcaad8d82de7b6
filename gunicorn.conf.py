"""gunicorn's settings, in one place for the Procfile, docker-compose, the Dockerfile and the load benchmark.

Run: `gunicorn -c gunicorn.conf.py`. Every setting can be overridden from the environment
(below) or on the command line, which wins over this file.
"""

import multiprocessing
import os

wsgi_app = "pmcohort:create_app()"
bind = "127.0.0.1:8000"  # the Procfile and docker-compose pass their own --bind

# Requests wait mostly on PostgreSQL, so each worker process serves several at once on threads;
# processes (one Python interpreter each) are what use the cores: two per core, plus one.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 4))

# A request still running after 30 s is stuck: its worker is replaced. Keep-alive lets a browser
# (or the proxy in front) reuse its connection for the page's CSS and scripts.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5

# One line per request with the request id the app logs under, the status and the time taken in ms.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms rid=%({x-request-id}o)s "%(a)s"'
