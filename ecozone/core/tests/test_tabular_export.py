"""Exports: text that looks like a formula stays text, in every row of a long sheet."""

import io

from openpyxl import load_workbook

from ecozone.core.tabular import build_workbook, workbook_response


def test_text_like_a_formula_is_written_as_text_in_every_row():
    rows = [[f"R{i}", '=HYPERLINK("x")', i] for i in range(300)]
    response = workbook_response(build_workbook([("表", ["a", "b", "c"], rows)]), "x.xlsx")
    sheet = load_workbook(io.BytesIO(response.content))["表"]
    assert sheet.max_row == 301
    assert {
        (sheet.cell(row=r, column=2).value, sheet.cell(row=r, column=2).data_type)
        for r in range(2, 302)
    } == {('=HYPERLINK("x")', "s")}
    assert [sheet.cell(row=301, column=c).value for c in (1, 3)] == ["R299", 299]
