import pytest

from pmcohort.domain.wording import counted, possessive


@pytest.mark.parametrize("number, singular, plural, expected", [
    (0, "proposal", None, "0 proposals"),
    (1, "proposal", None, "1 proposal"),
    (2, "proposal", None, "2 proposals"),
    (1, "person", "people", "1 person"),
    (3, "person", "people", "3 people"),
    (1.0, "hour", None, "1 hour"),
    (1.5, "hour", None, "1.5 hours"),
])
def test_counted_agrees_with_its_number(number, singular, plural, expected):
    assert counted(number, singular, plural) == expected


@pytest.mark.parametrize("name, expected", [("Sam", "Sam's"), ("James", "James'")])
def test_possessive(name, expected):
    assert possessive(name) == expected
