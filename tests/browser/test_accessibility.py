"""axe-core (WCAG 2.0 and 2.1, levels A and AA) over the main pages of every role, in a real browser: no page
may have a serious or critical violation, log a console error or fail to load one of its resources."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Contact
from accounts.tests.factories import AdminFactory, ParentFactory, StudentFactory, TeacherFactory
from attendance import services
from attendance.models import Status
from attendance.tests.factories import AttendanceRecordFactory, JustificationFactory
from behaviour.tests.factories import BehaviourRecordFactory, ParticipationFactory
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from grades.models import Release
from grades.tests.factories import AssessmentFactory, ScoreFactory
from notifications.tests.factories import NotificationFactory
from tests.browser.checks import axe_check
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def scene():
    """One course with its past (every status, one cancelled session), a session open for check-in with one
    pending check-in, a pending justification and an unread notification for everyone."""
    teacher = TeacherFactory(email="teacher@school.org", first_name="Tess", last_name="Teacher")
    student = StudentFactory(email="student@school.org", first_name="Sam", last_name="Stone")
    classmate = StudentFactory(first_name="Pat", last_name="Pending")
    parent = ParentFactory(email="parent@school.org", first_name="Paula", children=[student])
    admin = AdminFactory(email="admin@school.org", first_name="Ada")
    course = CourseFactory(code="BIO1", title="Biology", teachers=[teacher])
    for person in (student, classmate):
        EnrollmentFactory(course=course, student=person, enrolled_on=timezone.localdate() - timedelta(days=30))
    now = timezone.now()
    past = []
    for days, status in zip((21, 14, 7, 2), (Status.PRESENT, Status.LATE, Status.EXCUSED, Status.ABSENT), strict=True):
        session = ClassSessionFactory(course=course, starts_at=now - timedelta(days=days), state=SessionState.CLOSED)
        AttendanceRecordFactory(session=session, student=student, status=status, is_late=status == Status.LATE)
        AttendanceRecordFactory(session=session, student=classmate, status=Status.PRESENT)
        past.append(session)
    ClassSessionFactory(course=course, starts_at=now + timedelta(days=1), state=SessionState.CANCELLED)
    ClassSessionFactory(course=course, starts_at=now + timedelta(days=2))
    live = ClassSessionFactory(course=course, starts_at=now - timedelta(minutes=2), ends_at=now + timedelta(hours=1))
    code = services.session_open(session=live, by=teacher)
    services.code_submit(student=classmate, typed=code.code)
    JustificationFactory(student=student, course=course, sessions=[past[-1]])
    for user in (teacher, student, parent, admin):
        NotificationFactory(user=user)
    for polarity in ("positive", "negative", "negative", "negative"):
        BehaviourRecordFactory(student=student, course=course, author=teacher, polarity=polarity)
    event = ParticipationFactory(student=student, event__course=course, event__created_by=teacher, status="award").event
    quiz = AssessmentFactory(course=course, release=Release.NOW)
    ScoreFactory(assessment=quiz, student=student)
    Contact.objects.create(student=student, name="Maria Stone", relation="mother", phone="0612345678")
    return {"course": course, "student": student, "live": live, "event": event, "quiz": quiz}


def pages_for(role, course, student, live, event, quiz):
    """The main pages of each role, by name."""
    common = {
        "dashboard": "/",
        "calendar": "/courses/calendar/",
        "justifications": "/justifications/",
        "notifications": "/notifications/",
        "profile": "/accounts/profile/",
    }
    report = f"/courses/{course.pk}/students/{student.pk}/report/"
    common["student profile"] = f"/students/{student.pk}/"
    if role == "teacher":
        return common | {
            "course list": "/courses/",
            "course detail": f"/courses/{course.pk}/",
            "live session": f"/sessions/{live.pk}/live/",
            "projector": f"/sessions/{live.pk}/projector/",
            "roll call": f"/sessions/{live.pk}/roll-call/",
            "course report": f"/courses/{course.pk}/report/",
            "register": f"/courses/{course.pk}/register/",
            "behaviour records": f"/behaviour/courses/{course.pk}/",
            "record behaviour": f"/behaviour/courses/{course.pk}/new/",
            "behaviour patterns": "/behaviour/patterns/",
            "events": "/behaviour/events/",
            "event": f"/behaviour/events/{event.pk}/",
            "record participation": f"/behaviour/courses/{course.pk}/events/new/",
            "correct participation": f"/behaviour/participations/{event.participations.get().pk}/edit/",
            "take out of an event": f"/behaviour/participations/{event.participations.get().pk}/delete/",
            "student behaviour": f"/behaviour/students/{student.pk}/",
            "progress": "/progress/",
            "behaviour overview": "/behaviour/",
            "gradebook": f"/grades/courses/{course.pk}/",
            "score entry": f"/grades/assessments/{quiz.pk}/",
            "grading settings": f"/grades/courses/{course.pk}/settings/",
            "new assessment": f"/grades/courses/{course.pk}/assessments/new/",
            "course edit": f"/courses/{course.pk}/edit/",
            "new session": f"/courses/{course.pk}/sessions/new/",
        }
    if role == "student":
        return common | {
            "course list": "/courses/",
            "course detail": f"/courses/{course.pk}/",
            "justification form": "/justifications/new/",
            "check-in": "/checkin/",
            "student report": report,
            "behaviour": f"/behaviour/students/{student.pk}/",
            "grades": "/grades/",
        }
    if role == "parent":
        return common | {
            "child": f"/children/{student.pk}/",
            "contacts": f"/accounts/students/{student.pk}/contacts/",
            "justification form": f"/justifications/new/?student={student.pk}",
            "student report": report,
            "behaviour": f"/behaviour/students/{student.pk}/",
            "grades": f"/grades/children/{student.pk}/",
        }
    return common | {
        "course list": "/courses/",
        "course detail": f"/courses/{course.pk}/",
        "progress": "/progress/",
        "at risk": "/at-risk/",
        "contacts": f"/accounts/students/{student.pk}/contacts/",
        "gradebook": f"/grades/courses/{course.pk}/",
        "behaviour patterns": "/behaviour/patterns/",
        "course edit": f"/courses/{course.pk}/edit/",
    }


@pytest.mark.parametrize("role", ["anonymous", "student", "teacher", "parent", "admin"])
def test_every_main_page_passes_axe(browser, server, role):
    objects = scene()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    if role == "anonymous":
        pages = {"login": "/accounts/login/", "password reset": "/accounts/password/reset/"}
    else:
        log_in(page, server, f"{role}@school.org")
        page.wait_for_url(f"{server}/")
        pages = pages_for(role, **objects)

    violations = []

    def check(name, path):
        violations.extend(f"{role} {name} ({path}): {v}" for v in axe_check(page, server))

    for name, path in pages.items():
        response = page.goto(f"{server}{path}")
        assert response.ok, f"{role} {name} ({path}) answered {response.status}"
        page.wait_for_load_state("networkidle")
        check(name, path)
    first = next(iter(pages.values()))
    if role != "anonymous":
        # What only shows when opened: the account menu, and the navigation folded into "Menu" on a phone.
        page.goto(f"{server}{first}")
        page.locator("nav .dropdown-toggle").click()
        check("account menu", first)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server}{first}")
    if role != "anonymous":
        page.get_by_role("button", name="Menu").click()
        page.wait_for_selector("#nav.show")
    check("phone", first)
    context.close()

    assert not violations, "axe-core found serious or critical violations:\n" + "\n".join(violations)
