"""Words that depend on a number or on who reads them; plain Python, shared by templates, emails and flashes."""

# Stored sentences (match reasons) name the engineer with these tokens; `addressed` fills them
# for the reader: "your largest gap" for the engineer, "Sam's largest gap" for the lead and mentor.
ENGINEER = "{engineer}"
ENGINEERS = "{engineer's}"


def counted(number: int | float, singular: str, plural: str | None = None) -> str:
    """`counted(1, "proposal")` is "1 proposal", `counted(3, "proposal")` "3 proposals", `counted(1.5, "hour")` "1.5 hours"."""
    word = singular if number == 1 else (plural or singular + "s")
    return f"{number:g} {word}" if isinstance(number, float) else f"{number} {word}"


def possessive(name: str) -> str:
    """ "Sam's", and "James'" for a name ending in s."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def addressed(sentence: str, engineer_first_name: str, reader_is_engineer: bool) -> str:
    """A stored sentence with its engineer tokens written for the reader."""
    if reader_is_engineer:
        return sentence.replace(ENGINEERS, "your").replace(ENGINEER, "you")
    return sentence.replace(ENGINEERS, possessive(engineer_first_name)).replace(ENGINEER, engineer_first_name)
