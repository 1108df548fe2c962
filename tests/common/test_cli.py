"""Argument types of the command line: only ASCII digits are numbers (issue 11, finding 6)."""

import argparse

import pytest

from stabil.common.cli import parse_range


def test_parse_range_reads_ascii_digits():
    assert parse_range("2012-2015", low=2000, high=2030, what="år") == (2012, 2015)


@pytest.mark.parametrize("value", ["٢٠١٢-٢٠١٥", "２０１２", "2012-٢٠١٥"])
def test_parse_range_refuses_other_digits(value):
    with pytest.raises(argparse.ArgumentTypeError, match="ogiltigt intervall"):
        parse_range(value, low=2000, high=2030, what="år")
