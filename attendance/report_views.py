"""Reports: a course's report and register for its teachers, a student's own report, exports."""

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify

from accounts.selectors import children_of
from attendance import exports, reports
from courses import selectors as course_selectors
from courses.models import Enrollment

SORTS = {
    "name": lambda row: (row.student.last_name, row.student.first_name),
    "rate": lambda row: (row.rate is None, row.rate or 0, row.student.last_name),
    "-rate": lambda row: (row.rate is None, -(row.rate or 0), row.student.last_name),
    "absent": lambda row: (-row.absent, row.student.last_name),
}


def _get_managed_course(request, pk):
    return get_object_or_404(course_selectors.courses_managed_by(request.user), pk=pk)


def _distribution(rates):
    """How many students fall in each tenth of the rate, for the histogram."""
    bins = [0] * 10
    for rate in rates:
        if rate is not None:
            bins[min(int(rate // 10), 9)] += 1
    return bins


@login_required
def course_report(request, pk):
    course = _get_managed_course(request, pk)
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "name"
    rows = sorted(reports.course_rates(course, query=query), key=SORTS[sort])
    for row in rows:
        row.at_risk = reports.is_at_risk(row.rate, course.risk_threshold)
    sessions, students, statuses = reports.register(course)
    totals = {status: sum(getattr(row, status) for row in rows) for status in ("present", "late", "absent", "excused")}
    context = {
        "course": course,
        "rows": rows,
        "query": query,
        "sort": sort,
        "at_risk_count": sum(row.at_risk for row in rows),
        "summaries": reports.session_summaries(sessions, students, statuses)[::-1],
        "chart_data": {
            "weekly": [[week.isoformat(), rate] for week, rate in reports.weekly_rates(sessions, students, statuses)],
            "statuses": [totals["present"], totals["late"], totals["absent"], totals["excused"]],
            "distribution": _distribution(row.rate for row in rows),
            "threshold": course.risk_threshold,
        },
    }
    return render(request, "attendance/course_report.html", context)


@login_required
def course_register(request, pk):
    course = _get_managed_course(request, pk)
    sessions, students, statuses = reports.register(course)
    grid = [(student, [statuses[student.pk].get(session.pk) for session in sessions]) for student in students]
    return render(request, "attendance/course_register.html", {"course": course, "sessions": sessions, "grid": grid})


def _date(value):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        raise Http404 from None


@login_required
def course_export(request, pk, kind, file_format):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&student=<id> narrow it; a filter that matches nothing gives the header."""
    course = _get_managed_course(request, pk)
    student = None
    if request.GET.get("student"):
        if not request.GET["student"].isdigit():
            raise Http404
        student = get_object_or_404(course_selectors.students_of(course), pk=request.GET["student"])
    build = exports.register_rows if kind == "register" else exports.records_rows
    rows = build(course, first=_date(request.GET.get("from")), last=_date(request.GET.get("to")), student=student)
    filename = f"{slugify(course.code)}-{kind}"
    if file_format == "xlsx":
        return exports.xlsx_response(rows, filename)
    # Served by daphne, the CSV streams through an async iterator (ASGIRequest tells it is so).
    return exports.csv_response(rows, filename, asynchronous=isinstance(request, ASGIRequest))


def _students_visible_to(user):
    if user.is_student:
        return [user.pk]
    if user.is_parent:
        return list(children_of(user).values_list("pk", flat=True))
    return None


@login_required
def student_report(request, course_pk, student_pk):
    """One student's attendance in one course: for them, their parents, the course's teachers, admins."""
    enrollments = Enrollment.objects.filter(course_id=course_pk, student_id=student_pk).select_related(
        "student", "course"
    )
    allowed = _students_visible_to(request.user)
    if allowed is not None:
        enrollments = enrollments.filter(student_id__in=allowed)
    else:
        enrollments = enrollments.filter(course__in=course_selectors.courses_managed_by(request.user))
    rows = reports.enrollment_rates(enrollments)
    if not rows:
        raise Http404
    row = rows[0]
    timeline = reports.student_timeline(row.student, row.course)
    context = {
        "row": row,
        "course": row.course,
        "student": row.student,
        "at_risk": reports.is_at_risk(row.rate, row.course.risk_threshold),
        "timeline": timeline,
        "chart_data": {
            "statuses": [row.present, row.late, row.absent, row.excused],
            "threshold": row.course.risk_threshold,
        },
    }
    return render(request, "attendance/student_report.html", context)
