"""The register and the exports of a course that requires check-out show check-in, check-out, the minutes
between them and the early-leave flag."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from openpyxl import load_workbook

from attendance.models import AttendanceRecord, Status
from courses.tests.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher(client, cast):
    client.force_login(cast.teacher)
    return client


@pytest.fixture
def held(cast):
    """A past session of a course that requires check-out: a student stayed 95 minutes, another left without
    checking out."""
    cast.course.checkout_required = True
    cast.course.save()
    starts = timezone.now().replace(hour=9, minute=2, second=0, microsecond=0) - timedelta(days=1)
    session = ClassSessionFactory(course=cast.course, starts_at=starts, ends_at=starts + timedelta(hours=2))
    stayer, leaver = (
        EnrollmentFactory(course=cast.course, enrolled_on=starts.date() - timedelta(days=1)).student for _ in "ab"
    )
    stayed = AttendanceRecord.objects.create(
        session=session,
        student=stayer,
        status=Status.PRESENT,
        submitted_at=starts,
        checked_out_at=starts + timedelta(minutes=95),
    )
    left = AttendanceRecord.objects.create(
        session=session, student=leaver, status=Status.LATE, submitted_at=starts, left_early=True
    )
    return session, stayed, left


def test_the_records_export_has_check_out_minutes_and_the_flag(teacher, cast, held):
    _session, stayed, left = held
    response = teacher.get(reverse("reports:course_export", args=[cast.course.pk, "records", "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][-3:] == ["Checked out at", "Minutes", "Left early"]
    by_number = {row[2]: row for row in rows[1:]}
    checked_out = timezone.localtime(stayed.checked_out_at).strftime("%Y-%m-%d %H:%M")
    assert by_number[stayed.student.student_number][-3:] == [checked_out, "95", "no"]
    assert by_number[left.student.student_number][-3:] == ["", "", "yes"]


def test_the_excel_export_has_them_too(teacher, cast, held):
    _session, stayed, _left = held
    response = teacher.get(reverse("reports:course_export", args=[cast.course.pk, "records", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-3:] == ("Checked out at", "Minutes", "Left early")
    mine = next(row for row in rows[1:] if row[2] == stayed.student.student_number)
    assert mine[-2:] == (95, "no")


def test_the_register_shows_the_times_on_each_cell_and_marks_who_left_early(teacher, cast, held):
    _session, stayed, _left = held
    response = teacher.get(reverse("reports:course_register", args=[cast.course.pk]))
    check_in = time_format(timezone.localtime(stayed.submitted_at))
    check_out = time_format(timezone.localtime(stayed.checked_out_at))
    assert f'title="In {check_in}, out {check_out} (95 min)">P</td>' in response.text
    assert f'title="In {check_in}, no check-out: left early">L↧</td>' in response.text
    assert "left early (check-in and check-out times" in response.text


def test_a_course_without_check_out_keeps_the_plain_register(teacher, cast, held):
    cast.course.checkout_required = False
    cast.course.save()
    response = teacher.get(reverse("reports:course_register", args=[cast.course.pk]))
    assert "no check-out" not in response.text and "↧" not in response.text


def test_the_register_of_a_check_out_course_makes_the_same_queries_at_two_sizes(
    teacher, cast, held, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session, _stayed, _left = held
    url = reverse("reports:course_register", args=[cast.course.pk])
    with CaptureQueriesContext(connection) as small:
        teacher.get(url)
    for _ in range(20):
        student = EnrollmentFactory(course=cast.course, enrolled_on=session.starts_at.date()).student
        AttendanceRecord.objects.create(session=session, student=student, checked_out_at=session.ends_at)
    with django_assert_num_queries(len(small)):
        teacher.get(url)
