"""Every route, as every role, with odd input: no response is a server error.

The routes come from Flask's URL map and the field names from every form class and template,
so a route or field added later is fuzzed without changing this file. Each example runs in a
savepoint that is rolled back, so the world the next one sees is the same. Bounded: FUZZ_EXAMPLES
examples (default 6) per route, method and role, and no waiting anywhere.
"""

import json
import os
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, quote_plus, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import Form
from wtforms.fields.core import UnboundField

from pmcohort import TEMPLATES
from pmcohort.core.extensions import db
from tests.factories import DEFAULT_PASSWORD
from tests.integration.world import build_world

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))
ROLES = ("visitor", "engineer", "mentor", "lead", "admin")
# A degraded health check says so with 503 on purpose (no worker runs here).
EXPECTED_5XX = {("ops.healthz", 503)}

ODD_INTEGERS = ["0", "-1", "2147483647", "2147483648", "-2147483649", "9" * 20, "1e309", "NaN", "1.5", "0x10", "٣", "²"]
ODD_TEXT = [
    "",
    " ",
    "x" * 10_000,
    "\x00",
    "a\x00b",
    "\x1b[31m",
    "\x7f",
    "\ud800",
    "a\udfffb",
    "\r\n\t",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "[]",
    "{}",
    "null",
    "true",
    "9999-12-31",
    "0001-01-01",
    "+275760-09-13",
    "2026-02-30",
    "24:00",
    "99:99",
    "2026-12-02T10:00:00+25:00",
    "Mars/Olympus_Mons",
    "UTC\x00",
    "Etc/GMT+99",
    "../UTC",
]
ODD_BYTES = [b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"\xe2\x82", b"%", b"\x00\xff"]


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub, *_subclasses(sub)}
    return found


def _field_names() -> list[str]:
    """Every field of every form class, and every `name=` in the templates (the forms read straight from the request)."""
    names = set()
    for form_class in _subclasses(Form):
        names |= {name for name in dir(form_class) if isinstance(getattr(form_class, name, None), UnboundField)}
    names |= {
        f"dimensions-{row}-{name}"
        for row in range(2)
        for name in ("key", "label", "what_4_looks_like", "what_1_looks_like")
    }
    for template in Path(TEMPLATES).rglob("*.html"):
        for name in re.findall(r'name="([^"]+)"', template.read_text()):
            names.add(re.sub(r"\{\{.*?\}\}", "1", name))  # attendance-{{ id }} -> attendance-1
    return sorted(names - {"csrf_token", "viewport"})


class _Forms(HTMLParser):
    """The POST forms of a page: action, and each field's name with the values the page offers."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, dict[str, list[str]]]] = []
        self._fields: dict[str, list[str]] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._fields = {}
                self.forms.append((attrs.get("action") or self.page_url, self._fields))
            return
        if self._fields is None:
            return
        name = attrs.get("name")
        if tag == "option" and self._select:
            self._fields[self._select].append(attrs.get("value") or "")
        elif name and name != "csrf_token" and tag in ("input", "textarea", "select", "button"):
            values = self._fields.setdefault(name, [])
            if tag in ("input", "button"):
                values.append(attrs.get("value") or "")
            self._select = name if tag == "select" else None

    def handle_endtag(self, tag):
        if tag == "form":
            self._fields = None
        elif tag == "select":
            self._select = None


def _harvest_forms(app, client) -> dict[str, list[tuple[str, dict[str, list[str]]]]]:
    """The real forms this viewer is shown, by the endpoint they post to: pages without arguments and the pages they link to."""
    adapter = app.url_map.bind("localhost")
    pages = {rule.rule for rule in app.url_map.iter_rules() if not rule.arguments and "GET" in rule.methods}
    for page in list(pages):
        response = client.get(page)
        if response.mimetype == "text/html":
            pages |= {
                href
                for href in re.findall(r'href="(/[^"#?]*)', response.get_data(as_text=True))
                if not href.startswith("/static/")
            }
    forms: dict[str, list[tuple[str, dict[str, list[str]]]]] = {}
    for page in sorted(pages):
        response = client.get(page)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        parser = _Forms(page)
        parser.feed(response.get_data(as_text=True))
        for action, fields in parser.forms:
            path = urlsplit(action).path
            try:
                endpoint, _ = adapter.match(path, method="POST")
            except Exception:  # noqa: BLE001 - a form posting elsewhere
                continue
            forms.setdefault(endpoint, []).append((path, fields))
    return forms


def _plausible(world) -> list[str]:
    """Values that pass the first checks, so the odd ones meet the code behind them."""
    ids = [str(value) for value in world.ids.values()]
    return ids + [
        "engineer",
        "mentor",
        "lead",
        "admin",
        "grant",
        "revoke",
        "one_on_one",
        "shadowing",
        "interview",
        "role_play",
        "workshop",
        "yes",
        "no",
        "completed",
        "ended",
        "pinned",
        "forbidden",
        "clear",
        "back",
        "attended",
        "no_show",
        "3",
        "60",
        DEFAULT_PASSWORD,
        "a long new password",
        "UTC",
        "Europe/Berlin",
        "2026-12-14",
        "10:00",
        "2026-12-14T10:00:00+00:00",
        "someone@example.com",
        world.people["engineer"].email,
    ]


def _raw(value) -> bytes:
    return (
        value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    )  # a lone surrogate goes out as bad UTF-8


def _form_body(pairs) -> bytes:
    return "&".join(f"{quote_plus(_raw(name))}={quote_plus(_raw(value))}" for name, value in pairs).encode()


@st.composite
def odd_requests(draw, rule, methods, field_names, plausible, ids, real_forms):
    value = st.one_of(
        st.sampled_from(ODD_TEXT),
        st.sampled_from(ODD_INTEGERS),
        st.sampled_from(ODD_BYTES),
        st.sampled_from(plausible),
        st.text(max_size=30),
    )
    method = draw(st.sampled_from(methods))
    if method == "POST" and real_forms and draw(st.booleans()):
        # A real form as the page offers it, with a few of its fields made odd: the odd value gets past the others' checks.
        path, fields = draw(st.sampled_from(real_forms))
        pairs = [(name, draw(st.sampled_from(values)) if values else "") for name, values in fields.items()]
        for index in draw(st.sets(st.integers(0, max(len(pairs) - 1, 0)), max_size=3)) if pairs else ():
            pairs[index] = (pairs[index][0], draw(value))
        pairs += draw(
            st.lists(st.tuples(st.sampled_from([name for name, _ in pairs] or field_names), value), max_size=2)
        )  # duplicates
        return method, path, _form_body(pairs), "application/x-www-form-urlencoded"
    path = rule.rule
    for name in rule.arguments - set(rule.defaults or {}):
        if rule._converters[name].regex == r"\d+":  # noqa: SLF001 - an id: the world's, or an odd number
            raw = draw(st.one_of(st.sampled_from([str(i) for i in ids]), st.sampled_from(ODD_INTEGERS)))
        else:
            raw = draw(value)
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(_raw(raw), safe=""), path)
    query = draw(
        st.lists(
            st.tuples(st.sampled_from(["page", "q", "duration", "next", "slot", "kind", *field_names[:5]]), value),
            max_size=3,
        )
    )
    body, content_type = b"", None
    if method == "POST":
        pairs = draw(
            st.lists(st.tuples(st.one_of(st.sampled_from(field_names), st.sampled_from(ODD_TEXT)), value), max_size=10)
        )
        shape = draw(st.sampled_from(["form", "form", "form", "json", "bytes"]))
        if shape == "form":
            body, content_type = _form_body(pairs), "application/x-www-form-urlencoded"
        elif shape == "json":  # wrong types: a JSON body where a form is expected
            body = json.dumps({_raw(n).decode("utf-8", "replace"): [1, {"a": None}] for n, _ in pairs}).encode()
            content_type = "application/json"
        else:
            body, content_type = draw(st.binary(max_size=200)), "application/x-www-form-urlencoded"
    return method, path + ("?" + _form_body(query).decode() if query else ""), body, content_type


def _sign_in(client, email: str) -> None:
    # CSRF is off while fuzzing (so odd values reach the code behind it), and so is the token here.
    response = client.post("/auth/login", data={"email": email, "password": DEFAULT_PASSWORD})
    assert response.status_code == 303


def _signed_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


@pytest.mark.parametrize("role", ROLES)
def test_no_route_answers_a_server_error_to_odd_input(app, user_factory, no_csrf, role):
    world = build_world(user_factory)
    email = world.people[role].email if role in world.people else None
    client = app.test_client()
    if email:
        _sign_in(client, email)
    connection = db.session.get_bind()
    field_names = _field_names()
    real_forms = _harvest_forms(app, client)
    plausible = _plausible(world)
    ids = sorted(set(world.ids.values()))
    sent = 0
    started = time.monotonic()

    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(request=odd_requests(rule, methods, field_names, plausible, ids, real_forms.get(rule.endpoint, [])))
        def answers_without_a_server_error(request):
            nonlocal sent
            method, url, body, content_type = request
            db.session.remove()  # the session's own savepoint must sit inside this one, not around it
            savepoint = connection.begin_nested()
            try:
                response = client.open(url, method=method, data=body, content_type=content_type)
                sent += 1
                status = response.status_code
                response.close()
            finally:
                db.session.remove()
                if savepoint.is_active:
                    savepoint.rollback()
            assert status < 500 or (rule.endpoint, status) in EXPECTED_5XX, f"{method} {url} as {role}: {status}"  # noqa: B023 - runs within this iteration
            if email and not _signed_in(client):  # the example signed out
                _sign_in(client, email)

        answers_without_a_server_error()

    print(
        f"\nfuzz as {role}: {sent} requests over {len(list(app.url_map.iter_rules()))} routes "
        f"({sum(len(forms) for forms in real_forms.values())} real forms) in {time.monotonic() - started:.1f} s"
    )
