"""An XSS corpus through the Markdown renderer and through every page that shows a document."""

from html.parser import HTMLParser

import pytest

from pmcohort.writing import portfolios
from pmcohort.writing import services as writing
from pmcohort.writing.rendering import blocks, render
from tests.integration.writing_cast import PROBLEM_RUBRIC, Browser

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&colon;alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](  javascript:alert(1)  )",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![tracker](http://evil.example/track.png)",
    "![x](javascript:alert(1))",
    "![x](//evil.example/pixel.gif)",
    '<a href="javascript:alert(1)">x</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
    '<object data="evil.swf"></object>',
    '<embed src="evil.swf">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<form action="https://evil.example"><button>Go</button></form>',
    '[x](https://example.com "t\\" onmouseover=\\"alert(1)")',
    "<details open ontoggle=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "<scr<script>ipt>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    '<https://evil.example/x" onmouseover="alert(1)>',
    "<javascript:alert(1)>",
    "[ref]\n\n[ref]: javascript:alert(1)",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    '"><script>alert(1)</script>',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "> <span style=color:red onmouseover=alert(1)>quoted</span>",
]
RUNNABLE_TAGS = {"script", "iframe", "object", "embed", "img", "svg", "math", "style", "base", "video", "source"}
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")


class Unsafe(HTMLParser):
    """Everything in a piece of HTML that could run, load or restyle: what must never come from a document."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in RUNNABLE_TAGS and not (tag == "script" and dict(attrs).get("src", "").startswith("/static/")):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name in ("style", "srcdoc", "formaction"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "data") and value.replace("\x00", "").startswith(BAD_SCHEMES):
                self.found.append(f"{tag} {name}={value}")
            if tag == "meta" and name == "http-equiv":
                self.found.append("meta http-equiv")
            if tag == "link" and name == "href" and not value.startswith("/static/"):
                self.found.append(f"link {value}")
            if tag == "form" and name == "action" and not value.startswith("/"):
                self.found.append(f"form action={value}")


def unsafe_in(html: str) -> list[str]:
    parser = Unsafe()
    parser.feed(html)
    return parser.found


def test_the_corpus_is_large_enough():
    assert len(PAYLOADS) >= 30


def test_the_check_catches_what_it_looks_for():
    assert unsafe_in('<p onclick="x"><a href=" JavaScript:alert(1)">a</a><img src=x></p>') == [
        "p onclick=",
        "a href=javascript:alert(1)",
        "<img>",
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_renderer_lets_nothing_through(payload):
    html = str(render(payload))
    assert unsafe_in(html) == [], html
    assert "<a" not in html or 'rel="noopener noreferrer nofollow"' in html


def test_a_remote_image_becomes_a_link_and_loads_nothing():
    html = str(render("![tracker](https://evil.example/track.png)"))
    assert "<img" not in html and 'href="https://evil.example/track.png"' in html


def test_ordinary_markdown_still_renders():
    html = str(render("# Title\n\nSome **bold** and [a link](https://example.com).\n\n- one\n- two", heading_offset=0))
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html and "<li>one</li>" in html
    assert len(blocks("# Title\n\nPara one.\n\n- a\n- b\n\n> quote")) == 4


def test_a_documents_headings_sit_under_the_page_heading():
    assert str(render("# One\n\n## Two\n\n###### Six")) == "<h2>One</h2>\n<h3>Two</h3>\n<h6>Six</h6>\n"
    assert str(render("# One", heading_offset=2)) == "<h3>One</h3>\n"


def test_no_page_that_shows_a_document_lets_the_corpus_through(app, cast):
    body = "\n\n".join(PAYLOADS)
    engineer, mentor = Browser(app, cast.engineer), Browser(app, cast.mentor)
    document = writing.create_document(
        cast.engineer.id, kind_key="problem_statement", title="<script>alert(1)</script>"
    )
    writing.submit(document.id, cast.engineer.id, title="<img src=x onerror=alert(1)>", body="# Start\n\nPlain.")
    for number, payload in enumerate(PAYLOADS[:8]):
        writing.add_comment(document.id, cast.mentor.id, block=number % 2, body=payload)
    writing.submit_review(
        document.id,
        cast.mentor.id,
        scores=dict.fromkeys(PROBLEM_RUBRIC, 2),
        summary=PAYLOADS[1],
        decision="changes_requested",
    )
    writing.submit(document.id, cast.engineer.id, title="<svg onload=alert(1)>", body=body)
    writing.submit_review(
        document.id, cast.mentor.id, scores=dict.fromkeys(PROBLEM_RUBRIC, 4), summary=PAYLOADS[2], decision="approved"
    )
    version_id = portfolios.approved_work(cast.engineer.id)[0].version_id
    portfolios.save_portfolio(cast.engineer.id, version_ids=[version_id], show_scores=True)
    token = portfolios.share_portfolio(cast.engineer.id).token
    draft = writing.create_document(cast.engineer.id, kind_key="release_notes", title="Draft")

    pages = {
        "document, author": engineer.get(f"/writing/{document.id}"),
        "first version with comments": engineer.get(f"/writing/{document.id}?version=1"),
        "review page": mentor.get(f"/writing/{document.id}/review?version=1"),
        "diff": engineer.get(f"/writing/{document.id}/diff?from=1&to=2"),
        "shared portfolio": Browser(app, None).get(f"/writing/shared/{token}"),
        "preview": engineer.post(
            f"/writing/{draft.id}/edit", {"title": PAYLOADS[0], "body": body, "action": "preview"}
        ),
        "list": engineer.get("/writing"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert unsafe_in(response.get_data(as_text=True)) == [], name
