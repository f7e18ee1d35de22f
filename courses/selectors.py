"""Which courses and sessions a user may see. Every view fetches objects through these, so that an object
out of a user's scope is never found (404), rather than found and refused."""

from datetime import timedelta

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber, TruncDate
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import Role, User
from accounts.selectors import children_of, institution_of
from attendance_system import params
from courses.models import AcademicYear, ClassSession, Course, Enrollment, SessionState, Term


def courses_of(institution):
    """The courses of an institution: the one scope of every course query."""
    return Course.objects.filter(institution=institution)


def courses_managed_by(user):
    """Courses the user may change: an administrator all of their institution's, a teacher their own, others
    none."""
    courses = courses_of(institution_of(user))
    if user.is_admin:
        return courses
    if user.is_teacher:
        return courses.filter(teachers=user)
    return Course.objects.none()


def active_courses(institution):
    return courses_of(institution).filter(archived=False)


def courses_visible_to(user):
    """Courses the user may look at: managed ones, a student's own, a parent's children's."""
    if user.is_admin or user.is_teacher:
        return courses_managed_by(user)
    courses = courses_of(institution_of(user))
    if user.is_student:
        return courses.filter(enrollments__student=user, enrollments__active=True)
    if user.is_parent:
        return courses.filter(enrollments__student__in=children_of(user), enrollments__active=True).distinct()
    return Course.objects.none()


def sessions_visible_to(user):
    """Sessions of the courses the user may look at."""
    return ClassSession.objects.filter(course__in=courses_visible_to(user))


def visible_session_ids(user, ids):
    """Those of `ids` that are sessions the user may see."""
    return list(sessions_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))


def sessions_managed_by(user):
    return ClassSession.objects.filter(course__in=courses_managed_by(user))


def managed_session_or_404(user, pk):
    """The session `pk` if the user may manage it; otherwise 404, as if it did not exist."""
    return get_object_or_404(sessions_managed_by(user).select_related("course"), pk=pk)


def sessions_of_student(student):
    return ClassSession.objects.filter(
        course__enrollments__student=student, course__enrollments__active=True, course__archived=False
    )


def upcoming_sessions_of_student(student, *, limit=10):
    return sessions_of_student(student).filter(ends_at__gte=timezone.now()).select_related("course")[:limit]


def open_sessions_of_student(student):
    return sessions_of_student(student).filter(state=SessionState.OPEN).select_related("course")


def open_sessions_due(*, now):
    """Sessions still open for check-in after their end."""
    return ClassSession.objects.filter(state=SessionState.OPEN, ends_at__lte=now).select_related("course")


def sessions_on_day(sessions, day):
    """`sessions` that start on `day`, a date in the current time zone."""
    return sessions.filter(starts_at__date=day).select_related("course").order_by("starts_at")


def courses_with_counts(courses):
    return courses.annotate(
        student_count=Count("enrollments", filter=Q(enrollments__active=True), distinct=True),
        session_count=Count("sessions", distinct=True),
    ).prefetch_related("teachers")


def roster(course, *, search=""):
    """The active enrollments of a course (those whose student matches `search`, if given), students loaded,
    in name order."""
    enrollments = Enrollment.objects.filter(course=course, active=True)
    if search:
        enrollments = enrollments.filter(
            Q(student__first_name__icontains=search)
            | Q(student__last_name__icontains=search)
            | Q(student__student_number__icontains=search)
            | Q(student__email__icontains=search)
        )
    return enrollments.select_related("student", "course").order_by(
        "student__last_name", "student__first_name", "student_id"
    )


def enrollments_in_active_courses(institution):
    return Enrollment.objects.filter(active=True, course__in=active_courses(institution)).select_related(
        "course", "student"
    )


def enrollments_visible_to(user):
    """Enrolments a user may follow: a student their own, a parent their children's, a teacher those of their
    courses, an administrator all."""
    enrollments = Enrollment.objects.filter(course__institution=institution_of(user)).select_related(
        "student", "course"
    )
    if user.is_student:
        return enrollments.filter(student=user)
    if user.is_parent:
        return enrollments.filter(student__in=children_of(user))
    return enrollments.filter(course__in=courses_managed_by(user))


def sessions_in(*, courses=None, first=None, last=None):
    """Sessions (of `courses`, when given) starting between the local dates `first` and `last`, when given."""
    sessions = ClassSession.objects.all()
    if courses is not None:
        sessions = sessions.filter(course__in=courses)
    if first:
        sessions = sessions.filter(starts_at__date__gte=first)
    if last:
        sessions = sessions.filter(starts_at__date__lte=last)
    return sessions


def session_days(sessions):
    """(course id, local date) of each session."""
    return sessions.values_list("course_id", TruncDate("starts_at"))


def students_of(course):
    return User.objects.filter(role=Role.STUDENT, enrollments__course=course, enrollments__active=True)


def calendar_sessions(user, *, student=None):
    """The sessions on a user's calendar: a teacher's courses, a student's own, a parent's chosen child's.

    `student` is a child already checked to be the parent's.
    """
    if user.is_admin or user.is_teacher:
        sessions = sessions_managed_by(user).filter(course__archived=False)
    elif user.is_student:
        sessions = sessions_of_student(user)
    elif user.is_parent and student is not None:
        sessions = sessions_of_student(student)
    else:
        sessions = ClassSession.objects.none()
    return sessions.select_related("course").order_by("starts_at")


def feed_sessions(user):
    """Sessions for the iCalendar feed: 60 days back to 180 ahead; a parent's include all their children's."""
    now = timezone.now()
    if user.is_parent:
        sessions = ClassSession.objects.filter(
            course__enrollments__student__in=children_of(user),
            course__enrollments__active=True,
            course__archived=False,
        ).distinct()
    else:
        sessions = calendar_sessions(user)
    return sessions.filter(
        starts_at__gte=now - timedelta(days=60), starts_at__lte=now + timedelta(days=180)
    ).select_related("course")


def upcoming_sessions_of_students(students, *, limit=3):
    """The next `limit` sessions of each of `students` (of their active enrolments in active courses), in one
    query: sessions with the `student_id` they are for, by student then time."""
    rank = Window(RowNumber(), partition_by=F("student_id"), order_by=[F("starts_at").asc(), F("pk").asc()])
    return (
        ClassSession.objects.annotate(
            student_id=F("course__enrollments__student"), enrolment_active=F("course__enrollments__active")
        )
        .filter(
            student_id__in=[student.pk for student in students],
            enrolment_active=True,
            course__archived=False,
            ends_at__gte=timezone.now(),
        )
        .annotate(rank=rank)
        .filter(rank__lte=limit)
        .select_related("course")
        .order_by("student_id", "starts_at", "pk")
    )


def years_of(institution):
    """The academic years of an institution: the one scope of every year and term query."""
    return AcademicYear.objects.filter(institution=institution)


def terms(institution):
    """Every term of an institution, with its year, latest first: the choices of a term filter."""
    return Term.objects.filter(year__in=years_of(institution)).select_related("year").order_by("-starts_on")


def current_term(institution, *, today=None):
    """The term today falls in (in the institution's time zone), or None between terms."""
    today = today or timezone.localdate()
    return terms(institution).filter(starts_on__lte=today, ends_on__gte=today).first()


# What a term filter asks for to show every term.
ALL_TERMS = "all"


def term_or_current(term_id, institution):
    """The institution's term a filter asks for (a term id as text), the current term when none is asked for,
    and None for "all terms" (`ALL_TERMS`) or an id that is no term of it."""
    if not term_id:
        return current_term(institution)
    if term_id == ALL_TERMS:
        return None
    try:
        pk = int(term_id)
    except ValueError:
        return None
    return terms(institution).filter(pk=pk).first() if 0 < pk <= params.MAX_ID else None


def term_period(term, *, first=None, last=None):
    """The days (first, last) both in `term` and between `first` and `last` (each None for no bound): a session
    is in a term when it starts on a day inside the term's dates. No term: `first` and `last` as they are."""
    if term is None:
        return first, last
    return max(first or term.starts_on, term.starts_on), min(last or term.ends_on, term.ends_on)


def session_term_or_current(course, term_id):
    """The term a filter over a course's sessions asks for, as `term_or_current`, except that with none asked for
    the current term is the default only when the course has sessions in it: a course of an earlier term opens
    on its whole record, not on an empty page."""
    term = term_or_current(term_id, course.institution)
    if not term_id and term is not None:
        first, last = term_period(term)
        if not sessions_in(courses=[course], first=first, last=last).exists():
            return None
    return term
