"""The gradebook as CSV and Excel, escaped like every export: a cell a spreadsheet would run is text."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from courses.tests.factories import EnrollmentFactory
from grades.models import Marker
from grades.tests.factories import AssessmentFactory, ScoreFactory

pytestmark = pytest.mark.django_db
EVIL = '=HYPERLINK("http://evil.example")'


@pytest.fixture
def book(cast):
    cast.student.last_name = '=HYPERLINK("http://evil.example")'
    cast.student.save()
    classmate = EnrollmentFactory(course=cast.course).student
    quiz = AssessmentFactory(course=cast.course, title="@SUM(1)", max_score=Decimal(20), weight=Decimal("1.5"))
    ScoreFactory(assessment=quiz, student=cast.student, value=Decimal("17.5"))
    ScoreFactory(assessment=quiz, student=classmate, value=None, marker=Marker.EXCUSED)
    return cast, classmate


def rows_of(cast, file_format, client):
    client.force_login(cast.teacher)
    response = client.get(reverse("grades:gradebook_export", args=[cast.course.pk, file_format]), {"term": "all"})
    body = b"".join(response.streaming_content)
    if file_format == "csv":
        return response, list(csv.reader(io.StringIO(body.decode())))
    sheet = load_workbook(io.BytesIO(body)).active
    return response, [["" if c.value is None else c.value for c in row] for row in sheet.iter_rows()]


def test_the_csv_has_a_column_per_assessment_the_average_and_the_letter(client, book):
    cast, classmate = book
    response, rows = rows_of(cast, "csv", client)
    assert response["Content-Disposition"] == f'attachment; filename="{cast.course.code.lower()}-grades.csv"'
    assert rows[0] == [
        "Student number",
        "Last name",
        "First name",
        "'@SUM(1) (Quiz, /20, ×1.5)",
        "Average (%)",
        "Letter",
    ]
    by_number = {row[0]: row for row in rows[1:]}
    assert by_number[cast.student.student_number][1:] == [
        '\'=HYPERLINK("http://evil.example")',
        cast.student.first_name,
        "17.5",
        "87.5",
        "B",
    ]
    assert by_number[classmate.student_number][3:] == ["EX", "", ""]


def test_the_excel_file_holds_the_same_text_and_numbers_and_no_formula(client, book):
    cast, _ = book
    response, rows = rows_of(cast, "xlsx", client)
    assert response["Content-Disposition"] == f'attachment; filename="{cast.course.code.lower()}-grades.xlsx"'
    mine = next(row for row in rows if row[0] == cast.student.student_number)
    assert mine[1] == "'" + EVIL and mine[3:] == [17.5, 87.5, "B"]


def test_another_teacher_gets_a_404(client, cast):
    client.force_login(cast.other_teacher)
    assert client.get(reverse("grades:gradebook_export", args=[cast.course.pk, "csv"])).status_code == 404
