"""The ceiling for bench_reminders: a Celery task that does nothing but count itself."""

import os

import redis
from celery import shared_task

_counter = redis.Redis.from_url(os.environ.get("BENCH_COUNTER_URL", "redis://127.0.0.1:6379/0"))


@shared_task(name="bench.noop")
def noop(run: str) -> None:
    _counter.incr(f"bench-noop:{run}")
