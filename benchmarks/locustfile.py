"""The load mix for `benchmarks.bench_load`: engineers and one cohort lead signing in and browsing.

Run by bench_load against a gunicorn it started on loopback; the host must be a loopback address.
Every user signs in once, then clicks through the main pages with 1–3 s of thought between clicks.
"""

import ipaddress
import itertools
import re
from urllib.parse import urlsplit

from locust import FastHttpUser, between, events, task

from pmcohort.demo import DEMO_PASSWORD, DOMAIN, ENGINEER_COUNT

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
_COHORT_LINK = re.compile(r'href="/cohorts/(\d+)"')
_RESULT_LINK = re.compile(r'href="(/assessment/results/\d+)"')
_engineer_numbers = itertools.count()


@events.init.add_listener
def _loopback_only(environment, **_):
    host = urlsplit(environment.host or "").hostname or ""
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise SystemExit(f"the load run targets loopback only, not {host!r}")


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(1, 3)
    email = ""

    def on_start(self):
        with self.client.get("/auth/login", name="sign-in page", catch_response=True) as page:
            token = _CSRF.search(page.text or "")
            if not token:
                page.failure("no CSRF token on the sign-in page")
                return
        with self.client.post(
            "/auth/login",
            name="sign-in",
            allow_redirects=False,
            catch_response=True,
            data={"email": self.email, "password": DEMO_PASSWORD, "csrf_token": token.group(1) or token.group(2)},
        ) as response:
            if response.status_code not in (302, 303):  # signed in: redirected to the dashboard
                response.failure(f"sign-in answered {response.status_code}")

    def page(self, path: str, name: str | None = None) -> str:
        with self.client.get(path, name=name or path, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
            return response.text or ""


class Engineer(SignedIn):
    weight = 199

    def on_start(self):
        self.email = f"engineer{next(_engineer_numbers) % ENGINEER_COUNT + 1}@{DOMAIN}"
        super().on_start()
        result = _RESULT_LINK.search(self.page("/dashboard"))  # the dashboard links the latest result
        self.result = result.group(1) if result else None

    @task(3)
    def dashboard(self):
        self.page("/dashboard")

    @task(2)
    def sessions(self):
        self.page("/sessions")

    @task(2)
    def matches(self):
        self.page("/matches")

    @task(1)
    def assessment(self):
        self.page("/assessment")

    @task(1)
    def assessment_result(self):
        if self.result:
            self.page(self.result, name="/assessment/results/[id]")


class Lead(SignedIn):
    fixed_count = 1
    email = f"lead@{DOMAIN}"

    def on_start(self):
        super().on_start()
        cohort = _COHORT_LINK.search(self.page("/cohorts"))
        self.board = f"/cohorts/{cohort.group(1)}" if cohort else "/cohorts"

    @task(2)
    def dashboard(self):
        self.page("/dashboard")

    @task(3)
    def cohort_board(self):
        self.page(self.board, name="/cohorts/[id]")

    @task(1)
    def sessions(self):
        self.page("/sessions")
