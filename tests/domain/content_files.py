def edit(text: str, old: str, new: str) -> str:
    """`text` with the first `old` replaced; fails if `old` is absent, so an edit that no longer applies
    cannot leave a test passing for nothing."""
    assert old in text, f"{old!r} is not in the file"
    return text.replace(old, new, 1)
