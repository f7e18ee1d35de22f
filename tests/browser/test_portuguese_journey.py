"""The app in Brazilian Portuguese: a student picks it on the login page (it becomes theirs) and checks in; a
parent who chose it on their profile justifies their child's absence. The teacher reads English, and what the
teacher's actions send reaches the student and the parent in Portuguese."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD, ParentFactory, StudentFactory, TeacherFactory
from attendance.models import AttendanceRecord, Status
from courses.models import SessionState
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.browser.test_teacher_journey import log_in

pytestmark = pytest.mark.browser


def log_in_in_portuguese(page, server, email):
    """Through the login page's switch, then the Portuguese form."""
    page.goto(f"{server}/accounts/login/")
    page.get_by_role("button", name="Português Brasileiro").click()
    expect(page.locator("html")).to_have_attribute("lang", "pt-br")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()


def test_a_students_check_in_and_a_parents_justification_in_portuguese(browser, server):
    teacher = TeacherFactory(email="t@school.org")
    student = StudentFactory(email="s@school.org", first_name="Ana", last_name="Souza", student_number="S1")
    ParentFactory(email="p@school.org", language="pt-br", children=[student])
    course = CourseFactory(code="BIO1", teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    missed = ClassSessionFactory(course=course, starts_at=now - timedelta(days=2), state=SessionState.CLOSED)
    AttendanceRecord.objects.create(session=missed, student=student, status=Status.ABSENT)

    teacher_page = browser.new_context().new_page()
    log_in(teacher_page, server, "t@school.org")
    teacher_page.goto(f"{server}/sessions/{session.pk}/live/")
    teacher_page.get_by_role("button", name="Open check-in").click()
    code = teacher_page.locator("#live-code").get_attribute("data-code")

    student_page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in_in_portuguese(student_page, server, "s@school.org")
    expect(student_page.get_by_text("Fazer check-in agora")).to_be_visible()
    student_page.get_by_label("Código").fill(code)
    student_page.get_by_role("button", name="Fazer check-in", exact=True).click()
    expect(student_page.locator(".checkin-status .status-badge")).to_have_text("Pendente")
    expect(student_page.locator("[data-personal-socket][data-connected]")).to_be_attached()

    teacher_page.locator("#checkins tr", has_text="Ana Souza").get_by_role("button", name="Validate").click()
    expect(student_page.locator(".checkin-status .status-badge")).to_have_text("Presente")
    expect(student_page.locator(".toast")).to_contain_text("Check-in validado: BIO1")

    parent_page = browser.new_context().new_page()
    log_in(parent_page, server, "p@school.org")  # the English form: the parent's own language comes after login
    expect(parent_page.locator("html")).to_have_attribute("lang", "pt-br")
    parent_page.get_by_role("link", name="Justificativas").click()
    parent_page.get_by_role("link", name="Justificar uma falta de Ana").click()
    with translation.override("pt-br"):
        label = missed.label
    parent_page.get_by_label(label).check()
    parent_page.get_by_label("Explicação").fill("Gripe, com atestado médico")
    parent_page.get_by_role("button", name="Enviar").click()
    expect(parent_page.get_by_text("Justificativa enviada aos professores (1 disciplina).")).to_be_visible()
    parent_page.goto(f"{server}/")
    expect(parent_page.locator("[data-personal-socket][data-connected]")).to_be_attached()

    teacher_page.goto(f"{server}/justifications/")
    teacher_page.locator("#pending-justifications").get_by_text("Ana Souza").click()
    expect(teacher_page.get_by_text("Illness")).to_be_visible()
    teacher_page.get_by_role("button", name="Approve: excuse these sessions").click()
    expect(teacher_page.get_by_text("Approved: the sessions are excused.")).to_be_visible()

    expect(parent_page.locator(".toast")).to_contain_text("Justificativa aprovada: BIO1")
    parent_page.goto(f"{server}/notifications/")
    expect(parent_page.get_by_text("Justificativa aprovada: BIO1")).to_be_visible()
    assert AttendanceRecord.objects.get(session=missed, student=student).status == Status.EXCUSED
