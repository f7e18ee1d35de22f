import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from attendance.models import AttendanceRecord, Status
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def build(course, students, sessions):
    """`students` more students and `sessions` past sessions, everyone present but the first student absent."""
    enrollments = [
        EnrollmentFactory(course=course, enrolled_on=timezone.localdate() - timedelta(days=400))
        for _ in range(students)
    ]
    now = timezone.now()
    for index in range(sessions):
        session = ClassSessionFactory(course=course, starts_at=now - timedelta(days=index + 1))
        AttendanceRecord.objects.bulk_create(
            AttendanceRecord(session=session, student=e.student, status=Status.ABSENT if i == 0 else Status.PRESENT)
            for i, e in enumerate(enrollments)
        )
    return enrollments


@pytest.fixture
def teacher(client, cast):
    client.force_login(cast.teacher)
    return client


def read_csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_report_marks_students_at_risk_and_sorts_and_searches(teacher, cast):
    enrollments = build(cast.course, 3, 4)
    response = teacher.get(reverse("attendance:course_report", args=[cast.course.pk]), {"sort": "rate"})
    rows = response.context["rows"]
    assert rows[0].student == enrollments[0].student and rows[0].at_risk
    assert not rows[-1].at_risk
    searched = teacher.get(
        reverse("attendance:course_report", args=[cast.course.pk]), {"q": enrollments[1].student.student_number}
    )
    assert [row.student for row in searched.context["rows"]] == [enrollments[1].student]


@pytest.mark.parametrize("kind", ["register", "records"])
def test_csv_and_xlsx_exports_match_the_page(teacher, cast, kind):
    build(cast.course, 3, 4)
    page = teacher.get(reverse("attendance:course_report", args=[cast.course.pk])).context["rows"]
    csv_rows = read_csv(teacher.get(reverse("attendance:course_export", args=[cast.course.pk, kind, "csv"])))
    response = teacher.get(reverse("attendance:course_export", args=[cast.course.pk, kind, "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert len(xlsx_rows) == len(csv_rows)
    for xlsx_row, csv_row in zip(xlsx_rows, csv_rows, strict=True):
        for value, text in zip(xlsx_row, csv_row, strict=True):
            if isinstance(value, int | float) and not isinstance(value, bool):
                assert value == float(text)
            else:
                assert ("" if value is None else str(value)) == text
    if kind == "register":
        rates = {row[0]: row[-1] for row in csv_rows[1:]}
        for row in page:
            expected = "" if row.rate is None else str(round(row.rate, 1))
            assert rates[row.student.student_number] == expected
    else:
        assert len(csv_rows) - 1 == AttendanceRecord.objects.filter(session__course=cast.course).count()


def test_a_filter_that_matches_nothing_gives_headers_only(teacher, cast):
    build(cast.course, 2, 2)
    url = reverse("attendance:course_export", args=[cast.course.pk, "records", "csv"])
    rows = read_csv(teacher.get(url, {"from": "1990-01-01", "to": "1990-01-31"}))
    assert len(rows) == 1 and rows[0][0] == "Session"


def test_the_register_grid_is_colour_coded_and_printable(teacher, cast):
    build(cast.course, 2, 3)
    response = teacher.get(reverse("attendance:course_register", args=[cast.course.pk]))
    assert response.text.count('class="text-center cell-absent"') >= 3
    assert "data-print" in response.text


@pytest.mark.parametrize("view", ["attendance:course_report", "attendance:course_register"])
def test_report_pages_make_the_same_queries_at_two_sizes(teacher, cast, view, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(cast.course, 5, 3)
    with CaptureQueriesContext(connection) as small:
        teacher.get(reverse(view, args=[cast.course.pk]))
    build(cast.course, 40, 12)
    with django_assert_num_queries(len(small)):
        teacher.get(reverse(view, args=[cast.course.pk]))


def test_a_student_sees_their_own_rate_and_timeline(client, cast):
    enrollments = build(cast.course, 2, 4)
    student = enrollments[0].student
    client.force_login(student)
    response = client.get(reverse("attendance:student_report", args=[cast.course.pk, student.pk]))
    assert response.context["row"].rate == 0.0
    assert response.context["at_risk"]
    assert len(response.context["timeline"]) == 4
    other = enrollments[1].student
    assert client.get(reverse("attendance:student_report", args=[cast.course.pk, other.pk])).status_code == 404
