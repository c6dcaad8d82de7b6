import pytest

from pmcohort.domain.wording import counted, possessive


@pytest.mark.parametrize(
    "number, singular, plural, expected",
    [
        (0, "proposal", None, "0 proposals"),
        (1, "proposal", None, "1 proposal"),
        (2, "proposal", None, "2 proposals"),
        (1, "person", "people", "1 person"),
        (3, "person", "people", "3 people"),
        (1.0, "hour", None, "1 hour"),
        (1.5, "hour", None, "1.5 hours"),
    ],
)
def test_counted_agrees_with_its_number(number, singular, plural, expected):
    assert counted(number, singular, plural) == expected


@pytest.mark.parametrize("name, expected", [("Sam", "Sam's"), ("James", "James'")])
def test_possessive(name, expected):
    assert possessive(name) == expected


@pytest.mark.parametrize(
    "reader_is_engineer, expected",
    [
        (True, "Strong in customer discovery, your largest gap; walked the APM program path you chose"),
        (False, "Strong in customer discovery, Sam's largest gap; walked the APM program path Sam chose"),
    ],
)
def test_reasons_are_written_for_their_reader(reader_is_engineer, expected):
    from pmcohort.domain.wording import ENGINEER, ENGINEERS, addressed

    sentence = f"Strong in customer discovery, {ENGINEERS} largest gap; walked the APM program path {ENGINEER} chose"
    assert addressed(sentence, "Sam", reader_is_engineer) == expected
