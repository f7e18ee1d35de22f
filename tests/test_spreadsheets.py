import io

import pytest
from openpyxl import load_workbook

from attendance_system import spreadsheets, xlsx


def written(rows):
    output = io.BytesIO()
    xlsx.write(output, rows)
    output.seek(0)
    return list(load_workbook(output, read_only=True).active.iter_rows(values_only=True))


def test_it_writes_text_numbers_and_empty_cells_in_their_columns():
    rows = [["Name", "Count", "Rate"], ["Ada", 3, 87.5], ["", None, True], [" padded ", -2, 0.1]]
    assert written(rows) == [("Name", "Count", "Rate"), ("Ada", 3, 87.5), (None, None, True), (" padded ", -2, 0.1)]


def test_it_keeps_markup_accents_and_emoji_and_drops_what_xml_cannot_hold():
    rows = [["<b>Léa & Zoë</b> 🎓", "tab\there", "bell\x07 and null\x00 dropped"]]
    assert written(rows) == [("<b>Léa & Zoë</b> 🎓", "tab\there", "bell and null dropped")]


def test_the_same_text_twice_is_written_the_same_way():
    assert written([["Présent", "Présent"], ["Présent", 1]]) == [("Présent", "Présent"), ("Présent", 1)]


def test_it_refuses_a_value_it_cannot_write():
    with pytest.raises(TypeError):
        written([[object()]])


def test_the_export_escapes_formulas_and_keeps_the_header_numbers_and_text():
    rows = [["Last name", "Rate (%)"], ['=HYPERLINK("http://evil.example")', 87.5], ["Ñúñez 😀\x1b", 100]]
    response = spreadsheets.xlsx_response(iter(rows), "records")
    assert response["Content-Type"] == spreadsheets.XLSX_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="records.xlsx"'
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Last name", "Rate (%)"],
        ['\'=HYPERLINK("http://evil.example")', 87.5],
        ["Ñúñez 😀", 100],
    ]
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)
