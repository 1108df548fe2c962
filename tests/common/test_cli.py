"""Argument types of the command line: only ASCII digits are numbers (issue 11, finding 6)."""

import argparse

import pytest

from stabil.common.cli import parse_date, parse_range


def test_parse_range_reads_ascii_digits():
    assert parse_range("2012-2015", low=2000, high=2030, what="år") == (2012, 2015)


@pytest.mark.parametrize("value", ["٢٠١٢-٢٠١٥", "２０１２", "2012-٢٠١٥"])
def test_parse_range_refuses_other_digits(value):
    with pytest.raises(argparse.ArgumentTypeError, match="ogiltigt intervall"):
        parse_range(value, low=2000, high=2030, what="år")


def test_parse_date_says_when_a_well_formed_date_does_not_exist():
    with pytest.raises(argparse.ArgumentTypeError, match="ogiltigt datum: datumet 2026-02-30 finns inte"):
        parse_date("2026-02-30")
    with pytest.raises(argparse.ArgumentTypeError, match="ogiltigt datum: '2026-2-3' är inte ett datum på formen"):
        parse_date("2026-2-3")
