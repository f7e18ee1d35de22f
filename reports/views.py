"""Read-only pages: each role's dashboard, a parent's child, a course's report and register, a student's
report, exports."""

from collections import defaultdict
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify

from accounts.selectors import children_of, children_visible_to, contacts_of, institution_of, role_counts
from attendance import selectors as attendance_selectors
from attendance.forms import CheckinForm
from attendance.models import Status
from attendance.services import LOCKED_MESSAGE
from attendance_system import params, spreadsheets
from courses import selectors as course_selectors
from notifications.live import PROFILE_LIVE_PARTS
from reports import exports, profile, progress, selectors
from reports.selectors import is_at_risk


def _teacher_dashboard(user):
    managed = course_selectors.courses_managed_by(user).filter(archived=False)
    return {
        "courses": course_selectors.courses_with_counts(managed),
        "today": course_selectors.sessions_on_day(
            course_selectors.sessions_managed_by(user).filter(course__archived=False), timezone.localdate()
        ),
    }


def _student_dashboard(user):
    return {
        "courses": course_selectors.courses_visible_to(user).filter(archived=False).prefetch_related("teachers"),
        "upcoming": course_selectors.upcoming_sessions_of_student(user),
        "form": CheckinForm(),
        "locked_message": LOCKED_MESSAGE,
        **attendance_selectors.checkin_card(user),
    }


def _courses_of_children(user, children, *, archived=False, teachers=False):
    """Give each child `rates`: their active enrolments that the user may follow (in archived courses too, with
    `archived`), by course code, each with its `tally` and `at_risk`; in three queries (four with `teachers`)
    however many children and courses."""
    enrollments = course_selectors.enrollments_visible_to(user).filter(active=True, student__in=children)
    if not archived:
        enrollments = enrollments.filter(course__archived=False)
    if teachers:
        enrollments = enrollments.prefetch_related("course__teachers")
    rates = defaultdict(list)
    for row in sorted(selectors.enrollment_rates(enrollments), key=lambda row: row.course.code):
        row.at_risk = is_at_risk(row.tally, row.course.risk_threshold)
        rates[row.student_id].append(row)
    for child in children:
        child.rates = rates[child.pk]


def _parent_dashboard(user):
    children = list(children_of(user))
    _courses_of_children(user, children)
    upcoming = defaultdict(list)
    for session in course_selectors.upcoming_sessions_of_students(children, limit=3):
        upcoming[session.student_id].append(session)
    for child in children:
        child.upcoming = upcoming[child.pk]
    return {"children": children}


AT_RISK_ON_DASHBOARD = 5


def _admin_dashboard(user):
    institution = institution_of(user)
    managed = course_selectors.sessions_managed_by(user)
    overview = selectors.institution_overview(institution)
    at_risk = selectors.students_at_risk(overview)
    return {
        "institution": institution,
        "role_counts": role_counts(institution),
        "course_count": course_selectors.courses_managed_by(user).filter(archived=False).count(),
        "today": attendance_selectors.with_live_counts(course_selectors.sessions_on_day(managed, timezone.localdate())),
        "lowest": overview[:5],
        "at_risk": at_risk[:AT_RISK_ON_DASHBOARD],
        "at_risk_count": len({row.student_id for row in at_risk}),
        "at_risk_rows": len(at_risk),
        "chart_data": {"weekly": [[week.isoformat(), rate] for week, rate in selectors.weekly_trend(institution)]},
    }


DASHBOARDS = {
    "admin": ("reports/dashboard_admin.html", _admin_dashboard),
    "teacher": ("reports/dashboard_teacher.html", _teacher_dashboard),
    "student": ("reports/dashboard_student.html", _student_dashboard),
    "parent": ("reports/dashboard_parent.html", _parent_dashboard),
}


@login_required
def at_risk(request):
    """Every student below the threshold of an active course, lowest rate first: for administrators."""
    if not request.user.is_admin:
        raise Http404
    rows = selectors.students_at_risk(selectors.institution_overview(institution_of(request.user)))
    return render(request, "reports/at_risk.html", {"rows": rows})


@login_required
def home(request):
    """Each role lands on its own dashboard."""
    role = "admin" if request.user.is_admin else request.user.role
    template, build = DASHBOARDS[role]
    if request.htmx and role == "admin" and request.GET.get("fragment") == "today":
        # Today's sessions alone, polled to keep their check-in counts live.
        template += "#today"
    return render(request, template, build(request.user))


@login_required
def child_detail(request, pk):
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    _courses_of_children(request.user, [child], archived=True, teachers=True)
    context = {"child": child, "upcoming": course_selectors.upcoming_sessions_of_student(child, limit=20)}
    return render(request, "reports/child_detail.html", context)


SORTS = {
    "name": lambda row: (row.student.last_name, row.student.first_name),
    "rate": lambda row: (row.tally.rate is None, row.tally.rate or 0, row.student.last_name),
    "-rate": lambda row: (row.tally.rate is None, -(row.tally.rate or 0), row.student.last_name),
    "absent": lambda row: (-row.tally.absent, row.student.last_name),
}


def _get_managed_course(request, pk):
    return get_object_or_404(course_selectors.courses_managed_by(request.user), pk=pk)


def _distribution(tallies):
    """How many students fall in each tenth of the rate, for the histogram."""
    bins = [0] * 10
    for tally in tallies:
        if tally.rate is not None:
            bins[min(int(tally.rate // 10), 9)] += 1
    return bins


# A page of a report or a register shows this many students: a course of a thousand is read a page at a time
# (sorted, searched), and the whole of it exported.
REPORT_PAGE_SIZE = 100


def _term(request, course):
    """The term of `?term=`: the current one when none is asked for and the course has sessions in it, none
    (the whole course) for `all`; an id that names no term is 404, as a date that is none."""
    asked = request.GET.get("term", "")
    term = course_selectors.session_term_or_current(course, asked)
    if term is None and asked not in ("", course_selectors.ALL_TERMS):
        raise Http404
    return term


def _asked(request, *keys):
    """{key: value} of the filters among `keys` the request gives, for the links that keep them."""
    return {key: request.GET[key] for key in keys if request.GET.get(key)}


def _term_context(course, term):
    """What the term select of a page needs, and the `term` parameter that keeps its choice in links."""
    choice = term.pk if term else course_selectors.ALL_TERMS
    return {
        "term": term,
        "terms": course_selectors.terms(course.institution),
        "all_terms": course_selectors.ALL_TERMS,
        "term_choice": choice,
        "term_param": f"term={choice}",
    }


@login_required
def course_report(request, pk):
    course = _get_managed_course(request, pk)
    term = _term(request, course)
    query = request.GET.get("q", "").strip()
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "name"
    first, last = course_selectors.term_period(term)
    students, summaries = selectors.course_report(course, query=query, first=first, last=last)
    rows = sorted(students, key=SORTS[sort])
    for row in rows:
        row.at_risk = is_at_risk(row.tally, course.risk_threshold)
    total = sum((row.tally for row in rows), selectors.Tally())
    page = Paginator(rows, REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "course": course,
        "rows": rows,
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "page_params": urlencode({"sort": sort, "q": query} | _asked(request, "term")),
        "query": query,
        "sort": sort,
        "at_risk_count": sum(row.at_risk for row in rows),
        "summaries": summaries[::-1],
        "chart_data": {
            "weekly": [
                [week.isoformat(), rate]
                for week, rate in selectors.weekly_rates((s["session"], s["tally"]) for s in summaries)
            ],
            "statuses": [total.present, total.late, total.absent, total.excused],
            "distribution": _distribution(row.tally for row in rows),
            "threshold": course.risk_threshold,
            "scatter": selectors.rate_against_score(course, students, term=term),
        },
        **_term_context(course, term),
    }
    return render(request, "reports/course_report.html", context)


@login_required
def course_register(request, pk):
    """The register, a page of students at a time (?page=all for every one, to print them all), of the sessions
    of the term (?term=, as the report) between ?from= and ?to= (dates) when given: a printed page holds about
    twenty sessions across."""
    course = _get_managed_course(request, pk)
    term = _term(request, course)
    first, last = _date(request.GET.get("from")), _date(request.GET.get("to"))
    period = course_selectors.term_period(term, first=first, last=last)
    page = None
    if request.GET.get("page") != "all":
        page = Paginator(course_selectors.roster(course), REPORT_PAGE_SIZE).get_page(request.GET.get("page"))
    enrollments = None if page is None else list(page)
    sessions, students, rows = selectors.register(course, enrollments=enrollments, first=period[0], last=period[1])
    if course.checkout_required:
        selectors.register_checkouts(sessions, students)
    context = {
        "course": course,
        "sessions": sessions,
        "grid": [(student, rows[student.pk]) for student in students],
        "first": first,
        "last": last,
        "period_params": urlencode(_asked(request, "term", "from", "to")),
        "page": page,
        "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1) if page else [],
        "legend": [Status.PRESENT, Status.LATE, Status.ABSENT, Status.EXCUSED],
        **_term_context(course, term),
    }
    return render(request, "reports/course_register.html", context)


def _date(value):
    """A date filter: absent is None, anything that is not a date served is 404."""
    if not value:
        return None
    parsed = params.day(value)
    if parsed is None:
        raise Http404
    return parsed


@login_required
def course_export(request, pk, kind, file_format):
    """?term= (as the report), ?from=YYYY-MM-DD&to=YYYY-MM-DD&student=<id> narrow it; a filter that matches
    nothing gives the header."""
    course = _get_managed_course(request, pk)
    first, last = course_selectors.term_period(
        _term(request, course), first=_date(request.GET.get("from")), last=_date(request.GET.get("to"))
    )
    student = None
    if request.GET.get("student"):
        student_pk = params.id_or_404(request.GET["student"])
        student = get_object_or_404(course_selectors.students_of(course), pk=student_pk)
    build = exports.register_rows if kind == "register" else exports.records_rows
    rows = build(course, first=first, last=last, student=student)
    return spreadsheets.response(request, rows, f"{slugify(course.code)}-{kind}", file_format)


@login_required
def student_report(request, course_pk, student_pk):
    """One student's attendance in one course: for them, their parents, the course's teachers, admins."""
    enrollments = course_selectors.enrollments_visible_to(request.user).filter(
        course_id=course_pk, student_id=student_pk
    )
    rows = selectors.enrollment_rates(enrollments)
    if not rows:
        raise Http404
    row = rows[0]
    context = {
        "row": row,
        "tally": row.tally,
        "course": row.course,
        "student": row.student,
        "at_risk": is_at_risk(row.tally, row.course.risk_threshold),
        "timeline": selectors.student_timeline(row),
        "chart_data": {
            "statuses": [row.tally.present, row.tally.late, row.tally.absent, row.tally.excused],
            "threshold": row.course.risk_threshold,
        },
    }
    return render(request, "reports/student_report.html", context)


@login_required
def student_profile(request, pk):
    """One student's attendance, scores, behaviour and participation: for them, their parents, their teachers
    (the courses they teach) and administrators."""
    student = get_object_or_404(profile.students_with_profile_visible_to(request.user), pk=pk)
    context = {
        "student": student,
        # The student record's contacts are for the adults around the student, not the student's own page.
        "contacts": None if request.user == student else list(contacts_of(student)),
        "contacts_editable": children_visible_to(request.user).filter(pk=student.pk).exists(),
        **profile.student_profile(student, viewer=request.user),
        "live_parts": PROFILE_LIVE_PARTS,
    }
    # A loader (behaviour or released scores changed) or a reconnect fetches the parts that follow live.
    template = "reports/student_profile.html#live" if request.htmx else "reports/student_profile.html"
    return render(request, template, context)


@login_required
def progress_dashboard(request):
    """Students, average score, attendance rate, high performers, subjects and the three alert lists: the
    institution's for administrators, their courses' for teachers."""
    if not (request.user.is_admin or request.user.is_teacher):
        raise Http404
    institution = institution_of(request.user)
    context = {
        **progress.overview_for(request.user),
        "high_average": institution.high_performer_min_average,
        "high_attendance": institution.high_performer_min_attendance,
    }
    return render(request, "reports/progress.html", context)
