"""A unit manager uploads a file in the browser and watches the job finish."""

import pytest

from tests.conftest import make_user
from tests.imports.test_framework import test_kind  # noqa: F401  registers the test file kind

pytestmark = pytest.mark.django_db(transaction=True)


def test_upload_shows_progress_then_summary(page, login, org, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    make_user("chef", "unit_manager", [org.unit_a])
    login("chef")
    page.get_by_role("link", name="Import").first.click()
    csv_file = tmp_path / "enheter.csv"
    csv_file.write_text("unit_code;unit_name\nX9;Nya enheten\n", encoding="utf-8")
    page.get_by_label("Fil (CSV eller XLSX)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Importera").click()
    page.get_by_text("Filen med testenheter importerades").wait_for()
    assert "/jobb/" in page.url
