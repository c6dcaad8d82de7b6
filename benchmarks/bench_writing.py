"""Written work at its size limit: the word diff and the Markdown renderer on 50,000-character documents.

Cases: a document of 150 paragraphs with one word changed; the same with every fourth paragraph
rewritten; one 50,000-character paragraph with a word changed every line of prose (no line breaks to
narrow the search, the diff's worst realistic case); and rendering plus sanitizing a full-size document
into blocks. Pure Python, no services. Run: `make bench` or `python -m benchmarks.bench_writing`.
"""

import random
import time

from pmcohort.domain.limits import DOCUMENT_MAX_CHARS
from pmcohort.domain.writing import word_diff
from pmcohort.writing.rendering import blocks

REPEATS = 3


def _document(rng: random.Random) -> str:
    words = ["team", "customer", "waits", "access", "approval", "week", "ticket", "build", "ship", "cost"]
    paragraphs = ["# A long problem statement"]
    while sum(len(p) + 2 for p in paragraphs) < DOCUMENT_MAX_CHARS - 400:
        paragraphs.append(" ".join(rng.choice(words) for _ in range(55)).capitalize() + ".")
    return "\n\n".join(paragraphs)


def _best_of(function, *args) -> float:
    best = float("inf")
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(*args)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    rng = random.Random(20261201)
    document = _document(rng)
    paragraphs = document.split("\n\n")
    one_word = document.replace("approval", "sign-off", 1)
    rewritten = "\n\n".join(
        " ".join(reversed(p.split())) if number % 4 == 0 else p for number, p in enumerate(paragraphs)
    )
    one_line = document.replace("\n\n", " ")
    one_line_edited = " ".join("waiting" if n % 40 == 0 else w for n, w in enumerate(one_line.split(" ")))
    cases = {
        "diff, one word changed": (word_diff, document, one_word),
        "diff, every fourth paragraph rewritten": (word_diff, document, rewritten),
        "diff, one 50,000-character paragraph, a word in 40 changed": (word_diff, one_line, one_line_edited),
        "render and sanitize into blocks": (blocks, document),
    }
    print(f"documents of {len(document):,} characters, best of {REPEATS}")
    for name, (function, *args) in cases.items():
        print(f"  {name}: {_best_of(function, *args) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
