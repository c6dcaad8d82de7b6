"""Reading a rendered form the way a screen reader links it: which message belongs to which input."""

from html.parser import HTMLParser

FIELD_TAGS = ("input", "select", "textarea")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: list[dict[str, str]] = []  # attributes of every input, select and textarea
        self.texts: dict[str, str] = {}  # text of every element with an id
        self.ids: list[str] = []  # ids of every element but the fields, in page order
        self._open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag in FIELD_TAGS:
            self.fields.append(attributes)
        if tag not in ("input", "br", "img", "meta", "link"):
            self._open.append((tag, attributes.get("id")))
            if attributes.get("id"):
                self.texts[attributes["id"]] = ""
                if tag not in FIELD_TAGS:
                    self.ids.append(attributes["id"])

    def handle_endtag(self, tag):
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        for _, element_id in self._open:
            if element_id:
                self.texts[element_id] += data


def field_errors(html: str) -> dict[str, str]:
    """{name of an input: the error message its aria-describedby points to}, for every input marked invalid."""
    page = _Elements()
    page.feed(html)
    errors = {}
    for field in page.fields:
        if field.get("aria-invalid") != "true":
            continue
        described = [
            page.texts.get(ref, "").strip()
            for ref in field.get("aria-describedby", "").split()
            if ref.endswith("-error")
        ]
        errors[field["name"]] = " ".join(text for text in described if text)
    return errors


def repeated_ids(html: str) -> list[str]:
    """Element ids used more than once: a label or an error linked by id would point at the wrong one."""
    page = _Elements()
    page.feed(html)
    ids = [field["id"] for field in page.fields if field.get("id")] + page.ids
    return sorted({element_id for element_id in ids if ids.count(element_id) > 1})
