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
    response = teacher.get(reverse("reports:course_report", args=[cast.course.pk]), {"sort": "rate"})
    rows = response.context["rows"]
    assert rows[0].student == enrollments[0].student and rows[0].at_risk
    assert not rows[-1].at_risk
    searched = teacher.get(
        reverse("reports:course_report", args=[cast.course.pk]), {"q": enrollments[1].student.student_number}
    )
    assert [row.student for row in searched.context["rows"]] == [enrollments[1].student]


@pytest.mark.parametrize("kind", ["register", "records"])
def test_csv_and_xlsx_exports_match_the_page(teacher, cast, kind):
    build(cast.course, 3, 4)
    page = teacher.get(reverse("reports:course_report", args=[cast.course.pk])).context["rows"]
    csv_rows = read_csv(teacher.get(reverse("reports:course_export", args=[cast.course.pk, kind, "csv"])))
    response = teacher.get(reverse("reports:course_export", args=[cast.course.pk, kind, "xlsx"]))
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
            expected = "" if row.tally.rate is None else str(round(row.tally.rate, 1))
            assert rates[row.student.student_number] == expected
    else:
        assert len(csv_rows) - 1 == AttendanceRecord.objects.filter(session__course=cast.course).count()


def test_a_filter_that_matches_nothing_gives_headers_only(teacher, cast):
    build(cast.course, 2, 2)
    url = reverse("reports:course_export", args=[cast.course.pk, "records", "csv"])
    rows = read_csv(teacher.get(url, {"from": "1990-01-01", "to": "1990-01-31"}))
    assert len(rows) == 1 and rows[0][0] == "Session"


def test_the_register_grid_is_colour_coded_and_printable(teacher, cast):
    build(cast.course, 2, 3)
    response = teacher.get(reverse("reports:course_register", args=[cast.course.pk]))
    assert response.text.count('class="text-center text-bg-danger"') >= 3
    assert "data-print" in response.text


@pytest.mark.parametrize(
    ("view", "params"),
    [("reports:course_report", {}), ("reports:course_register", {}), ("reports:course_register", {"page": "all"})],
)
def test_report_pages_make_the_same_queries_at_two_sizes(teacher, cast, view, params, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(cast.course, 5, 3)
    with CaptureQueriesContext(connection) as small:
        teacher.get(reverse(view, args=[cast.course.pk]), params)
    build(cast.course, 40, 12)
    with django_assert_num_queries(len(small)):
        teacher.get(reverse(view, args=[cast.course.pk]), params)


def test_the_register_shows_a_hundred_students_a_page_or_all_of_them_to_print(teacher, cast):
    from reports.views import REPORT_PAGE_SIZE

    build(cast.course, REPORT_PAGE_SIZE + 4, 2)  # with the cast's own student, 105 in all
    url = reverse("reports:course_register", args=[cast.course.pk])
    first = teacher.get(url)
    assert len(first.context["grid"]) == REPORT_PAGE_SIZE
    assert "Students 1–100 of 105" in first.text and 'href="?page=2"' in first.text and "?page=all" in first.text
    assert len(teacher.get(url, {"page": 2}).context["grid"]) == 5
    every = teacher.get(url, {"page": "all"})
    assert len(every.context["grid"]) == REPORT_PAGE_SIZE + 5
    assert "All 105 students" in every.text


def test_the_report_lists_a_hundred_students_a_page_and_counts_them_all(teacher, cast):
    from reports.views import REPORT_PAGE_SIZE

    build(cast.course, REPORT_PAGE_SIZE + 4, 2)
    url = reverse("reports:course_report", args=[cast.course.pk])
    response = teacher.get(url, {"sort": "rate"})
    assert len(response.context["page"]) == REPORT_PAGE_SIZE
    assert len(response.context["rows"]) == REPORT_PAGE_SIZE + 5
    assert response.context["at_risk_count"] == 1  # the first student, absent every time
    assert 'href="?page=2&amp;sort=rate&amp;q="' in response.text
    last = teacher.get(url, {"sort": "rate", "page": 2})
    assert len(last.context["page"]) == 5


def test_a_student_sees_their_own_rate_and_timeline(client, cast):
    enrollments = build(cast.course, 2, 4)
    student = enrollments[0].student
    client.force_login(student)
    response = client.get(reverse("reports:student_report", args=[cast.course.pk, student.pk]))
    assert response.context["tally"].rate == 0.0
    assert response.context["at_risk"]
    assert len(response.context["timeline"]) == 4
    other = enrollments[1].student
    assert client.get(reverse("reports:student_report", args=[cast.course.pk, other.pk])).status_code == 404


def test_the_student_report_makes_the_same_queries_at_two_sizes(client, cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    enrollments = build(cast.course, 3, 3)
    client.force_login(enrollments[0].student)
    url = reverse("reports:student_report", args=[cast.course.pk, enrollments[0].student.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    build(cast.course, 30, 20)
    with django_assert_num_queries(len(small)):
        client.get(url)


def test_the_admin_dashboard_makes_the_same_queries_at_two_sizes(client, cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    build(cast.course, 3, 3)
    client.force_login(cast.admin)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home"))
    build(cast.other_course, 30, 20)
    with django_assert_num_queries(len(small)):
        client.get(reverse("home"))


def test_a_name_that_looks_like_a_formula_is_exported_as_text(teacher, cast):
    enrollments = build(cast.course, 1, 1)
    student = enrollments[0].student
    student.last_name = '=HYPERLINK("http://evil.example","x")'
    student.email = "=cmd@evil.example"
    student.save()
    for kind in ("register", "records"):
        rows = read_csv(teacher.get(reverse("reports:course_export", args=[cast.course.pk, kind, "csv"])))
        assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
        assert not any(cell.startswith("=") for row in rows for cell in row)
        response = teacher.get(reverse("reports:course_export", args=[cast.course.pk, kind, "xlsx"]))
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        assert not any(cell.data_type == "f" for cell in cells)


def test_the_register_export_with_no_session_in_range_is_headers_only(teacher, cast):
    build(cast.course, 2, 2)
    url = reverse("reports:course_export", args=[cast.course.pk, "register", "csv"])
    assert len(read_csv(teacher.get(url, {"from": "1990-01-01", "to": "1990-01-31"}))) == 1


def test_a_malformed_filter_is_a_404_not_an_error(teacher, cast):
    url = reverse("reports:course_export", args=[cast.course.pk, "records", "csv"])
    assert teacher.get(url, {"student": "abc"}).status_code == 404
    assert teacher.get(url, {"from": "not-a-date"}).status_code == 404


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_the_csv_streams_in_chunks(cast):
    from asgiref.sync import sync_to_async
    from django.test import AsyncClient

    from attendance_system import spreadsheets

    await sync_to_async(build)(cast.course, 3, 4)
    client = AsyncClient()
    await sync_to_async(client.force_login)(cast.teacher)
    response = await client.get(reverse("reports:course_export", args=[cast.course.pk, "records", "csv"]))
    assert response.is_async
    chunks = [chunk async for chunk in response.streaming_content]
    records = await AttendanceRecord.objects.filter(session__course=cast.course).acount()
    assert b"".join(chunks).decode().count("\n") == 1 + records
    assert len(chunks) == -(-(1 + records) // spreadsheets.ROWS_PER_CHUNK)


def test_the_student_report_leads_a_parent_back_to_the_child_page(client, cast):
    client.force_login(cast.parent)
    response = client.get(reverse("reports:student_report", args=[cast.course.pk, cast.student.pk]))
    breadcrumb = response.text[response.text.index('class="breadcrumb"') : response.text.index("</ol>")]
    assert reverse("reports:child_detail", args=[cast.student.pk]) in breadcrumb
    assert reverse("home") in breadcrumb


def test_the_student_report_leads_a_teacher_back_to_the_course_report(teacher, cast):
    response = teacher.get(reverse("reports:student_report", args=[cast.course.pk, cast.student.pk]))
    breadcrumb = response.text[response.text.index('class="breadcrumb"') : response.text.index("</ol>")]
    assert reverse("reports:course_report", args=[cast.course.pk]) in breadcrumb


def test_the_register_shows_the_sessions_of_a_period_to_print_them(teacher, cast):
    from reports.views import REPORT_PAGE_SIZE

    build(cast.course, REPORT_PAGE_SIZE, 4)  # sessions 1 to 4 days ago
    url = reverse("reports:course_register", args=[cast.course.pk])
    since = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = teacher.get(url, {"from": since})
    assert len(response.context["sessions"]) == 2
    assert all(len(cells) == 2 for _student, cells in response.context["grid"])
    assert 'id="register-period"' in response.text
    assert f'href="?page=2&amp;from={since}"' in response.text
    assert f'href="?page=all&amp;from={since}"' in response.text
    until = teacher.get(url, {"to": since, "page": "all"})
    assert len(until.context["sessions"]) == 3 and len(until.context["grid"]) == REPORT_PAGE_SIZE + 1
    assert teacher.get(url, {"from": "not-a-date"}).status_code == 404


@pytest.mark.parametrize(("kind", "file_format"), [("records", "csv"), ("register", "csv"), ("records", "xlsx")])
def test_a_course_code_and_a_student_number_that_look_like_formulas_are_exported_as_text(
    teacher, cast, kind, file_format
):
    """Every text cell goes through the one escaping function, not only names."""
    cast.course.code = "=1+2"
    cast.course.save()
    cast.student.student_number = "=HYPERLINK(1)"
    cast.student.save()
    build(cast.course, 1, 1)
    response = teacher.get(reverse("reports:course_export", args=[cast.course.pk, kind, file_format]))
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if file_format == "xlsx":
        cells = [c.value for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
    else:
        cells = [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
    assert not any(isinstance(cell, str) and cell.startswith(("=", "+", "-", "@")) for cell in cells)
    assert "'=HYPERLINK(1)" in cells


def scores(course, enrollments, assessments):
    """`assessments` more assessments of the course, scored for every student but the last: 10 of 20 for the
    first student, 18 of 20 for the others."""
    from grades.tests.factories import AssessmentFactory, ScoreFactory

    for _ in range(assessments):
        assessment = AssessmentFactory(course=course, max_score=20)
        for index, enrollment in enumerate(enrollments[:-1]):
            ScoreFactory(assessment=assessment, student=enrollment.student, value=10 if index == 0 else 18)


def test_the_report_plots_each_students_rate_against_their_average_score(teacher, cast):
    enrollments = build(cast.course, 3, 4)
    scores(cast.course, enrollments, 2)
    response = teacher.get(reverse("reports:course_report", args=[cast.course.pk]))
    points = {point["name"]: (point["rate"], point["score"]) for point in response.context["chart_data"]["scatter"]}
    first, second, unscored = (e.student.get_full_name() for e in enrollments)
    assert points[first] == (0.0, 50.0)
    assert points[second] == (100.0, 90.0)
    assert unscored not in points
    assert 'data-chart="scatter"' in response.content.decode()


def test_without_scores_the_scatter_says_when_students_appear(teacher, cast):
    build(cast.course, 2, 2)
    response = teacher.get(reverse("reports:course_report", args=[cast.course.pk]))
    assert response.context["chart_data"]["scatter"] == []
    assert 'id="scatter-empty"' in response.content.decode()


def test_the_scatter_keeps_the_report_at_the_same_queries_at_two_sizes(teacher, cast, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    scores(cast.course, build(cast.course, 5, 3), 2)
    with CaptureQueriesContext(connection) as small:
        teacher.get(reverse("reports:course_report", args=[cast.course.pk]))
    scores(cast.course, build(cast.course, 40, 12), 8)
    with django_assert_num_queries(len(small)):
        response = teacher.get(reverse("reports:course_report", args=[cast.course.pk]))
    assert len(response.context["chart_data"]["scatter"]) > 40
