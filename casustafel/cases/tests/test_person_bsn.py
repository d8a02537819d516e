"""The elfproef, by construction: every BSN built to pass it passes, and changing any one
digit of it always fails (11 is prime and no weight is a multiple of 11)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from casustafel.lib.bsn import is_valid_bsn, mask_bsn, normalise_bsn, validate_bsn

WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


@st.composite
def valid_bsns(draw: st.DrawFn) -> str:
    first_eight = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
    weighted = sum(d * w for d, w in zip(first_eight, WEIGHTS, strict=True))
    check = weighted % 11
    assume(check != 10)  # no last digit makes these eight valid
    assume(weighted >= 11)  # a total of 0 (e.g. 000000000) is refused
    return "".join(map(str, first_eight)) + str(check)


@given(valid_bsns())
def test_bsn_built_with_the_elfproef_is_valid(bsn: str) -> None:
    assert is_valid_bsn(bsn)
    assert validate_bsn(bsn) == bsn


@given(valid_bsns(), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_breaks_the_elfproef(bsn: str, position: int, shift: int) -> None:
    digits = list(bsn)
    digits[position] = str((int(digits[position]) + shift) % 10)
    changed = "".join(digits)
    assert not is_valid_bsn(changed)
    with pytest.raises(ValidationError) as exc:
        validate_bsn(changed)
    assert exc.value.code == "bsn_checksum"


@given(valid_bsns())
def test_spaces_and_dots_are_ignored(bsn: str) -> None:
    assert validate_bsn(f"{bsn[:4]} {bsn[4:6]}.{bsn[6:]}") == bsn


def test_eight_digits_get_their_leading_zero_back() -> None:
    assert normalise_bsn("11222333") == "011222333"


@pytest.mark.parametrize("raw", ["", "12345", "1234567890", "abcdefghi"])
def test_wrong_length_is_refused_in_dutch(raw: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_bsn(raw)
    assert exc.value.messages == ["Een BSN bestaat uit 9 cijfers."]


def test_all_zeros_is_not_a_bsn() -> None:
    assert not is_valid_bsn("000000000")


def test_mask_shows_only_the_last_three_digits() -> None:
    assert mask_bsn("111222333") == "******333"
    assert mask_bsn(None) == ""
