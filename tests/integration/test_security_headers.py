import re
from pathlib import Path

import pytest

from pmcohort import TEMPLATES


@pytest.mark.parametrize("path", ["/", "/auth/login", "/no/such/page", "/static/app.css", "/healthz"])
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    response.close()  # a static file is streamed from disk
    headers = response.headers
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_is_sent_when_the_setting_says_https(app, client):
    app.config["HSTS_ENABLED"] = True
    try:
        assert client.get("/auth/login").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["HSTS_ENABLED"] = False


def test_no_template_has_an_inline_style_or_script():
    """The policy refuses them; the browser test sees only the pages it visits, this sees every template.

    Emails are not pages: no policy applies in a mail client, which reads only styles inside the message.
    """
    found = []
    for template in Path(TEMPLATES).rglob("*.html"):
        if template.parent.name == "email":
            continue
        text = template.read_text()
        found += [
            f"{template.name}: {m.group(0)}"
            for m in re.finditer(r"\sstyle=|<style\b|\son[a-z]+=|<script(?![^>]*\ssrc=)[^>]*>", text)
        ]
    assert found == []
