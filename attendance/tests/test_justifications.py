from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from attendance import services
from attendance.models import AttendanceRecord, Justification, JustificationState, Status, StatusChange
from attendance_system.errors import DomainError
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from notifications.models import Kind, Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def missed(cast):
    """Two past sessions of the cast's course: one recorded absent, one with no record."""
    now = timezone.now()
    absent = ClassSessionFactory(course=cast.course, starts_at=now - timedelta(days=3))
    unrecorded = ClassSessionFactory(course=cast.course, starts_at=now - timedelta(days=2))
    AttendanceRecord.objects.create(session=absent, student=cast.student, status=Status.ABSENT)
    return absent, unrecorded


def submit(cast, sessions, by=None):
    return services.justification_submit(
        student=cast.student, submitted_by=by or cast.student, sessions=sessions, reason="illness", explanation="Flu"
    )


class TestSubmit:
    def test_one_justification_per_course_and_the_teachers_are_told(self, cast, missed):
        other_course = CourseFactory(teachers=[cast.other_teacher])
        EnrollmentFactory(course=other_course, student=cast.student)
        elsewhere = ClassSessionFactory(course=other_course)
        created = submit(cast, [*missed, elsewhere])
        assert sorted(j.course_id for j in created) == sorted([cast.course.pk, other_course.pk])
        told = set(Notification.objects.filter(kind=Kind.JUSTIFICATION_SUBMITTED).values_list("user", flat=True))
        assert told == {cast.teacher.pk, cast.other_teacher.pk}

    def test_another_students_session_is_refused(self, cast):
        foreign = ClassSessionFactory(course=cast.other_course)
        with pytest.raises(DomainError, match="not the student's"):
            submit(cast, [foreign])


class TestReview:
    def test_approving_excuses_exactly_its_sessions_with_history_naming_it(self, cast, missed):
        absent, unrecorded = missed
        [justification] = submit(cast, missed)
        untouched = AttendanceRecord.objects.get(session=cast.session, student=cast.student)
        services.justification_approve(justification=justification, by=cast.teacher)
        statuses = dict(AttendanceRecord.objects.filter(student=cast.student).values_list("session", "status"))
        assert statuses == {absent.pk: Status.EXCUSED, unrecorded.pk: Status.EXCUSED, cast.session.pk: untouched.status}
        history = StatusChange.objects.filter(justification=justification)
        assert sorted(history.values_list("record__session", "from_status")) == sorted(
            [(absent.pk, Status.ABSENT), (unrecorded.pk, "")]
        )
        told = set(Notification.objects.filter(kind=Kind.JUSTIFICATION_APPROVED).values_list("user", flat=True))
        assert told == {cast.student.pk, cast.parent.pk}

    def test_a_student_who_came_keeps_their_record(self, cast, missed):
        came = ClassSessionFactory(course=cast.course, starts_at=timezone.now() - timedelta(days=1))
        AttendanceRecord.objects.create(session=came, student=cast.student, status=Status.LATE)
        [justification] = submit(cast, [*missed, came])
        services.justification_approve(justification=justification, by=cast.teacher)
        assert AttendanceRecord.objects.get(session=came, student=cast.student).status == Status.LATE
        assert AttendanceRecord.objects.get(session=missed[0], student=cast.student).status == Status.EXCUSED

    def test_a_session_already_covered_cannot_be_justified_twice(self, cast, missed):
        submit(cast, missed)
        with pytest.raises(DomainError, match="already covered"):
            submit(cast, [missed[0]])

    def test_denying_needs_a_comment_and_changes_no_record(self, cast, missed):
        [justification] = submit(cast, missed)
        with pytest.raises(DomainError, match="Say why"):
            services.justification_deny(justification=justification, by=cast.teacher, comment=" ")
        services.justification_deny(justification=justification, by=cast.teacher, comment="No certificate")
        justification.refresh_from_db()
        assert (justification.state, justification.review_comment) == (JustificationState.DENIED, "No certificate")
        assert AttendanceRecord.objects.get(session=missed[0], student=cast.student).status == Status.ABSENT
        assert not AttendanceRecord.objects.filter(session=missed[1]).exists()
        denied = Notification.objects.filter(kind=Kind.JUSTIFICATION_DENIED, params__comment="No certificate")
        assert denied.count() == 2

    def test_an_approval_that_fails_changes_nothing(self, cast, missed, monkeypatch):
        [justification] = submit(cast, missed)

        def broken(*args, **kwargs):
            raise RuntimeError("notification service down")

        monkeypatch.setattr(services.justifications, "_tell_family", broken)
        with pytest.raises(RuntimeError):
            services.justification_approve(justification=justification, by=cast.teacher)
        justification.refresh_from_db()
        assert justification.state == JustificationState.PENDING
        assert AttendanceRecord.objects.get(session=missed[0], student=cast.student).status == Status.ABSENT
        assert not AttendanceRecord.objects.filter(session=missed[1]).exists()

    def test_a_decided_justification_cannot_be_decided_again(self, cast, missed):
        [justification] = submit(cast, missed)
        services.justification_approve(justification=justification, by=cast.teacher)
        with pytest.raises(DomainError, match="already Approved"):
            services.justification_deny(justification=justification, by=cast.teacher, comment="x")

    def test_only_the_submitter_can_withdraw(self, cast, missed):
        [justification] = submit(cast, missed, by=cast.parent)
        with pytest.raises(DomainError, match="Only the person who submitted it"):
            services.justification_withdraw(justification=justification, by=cast.student)
        services.justification_withdraw(justification=justification, by=cast.parent)
        justification.refresh_from_db()
        assert justification.state == JustificationState.WITHDRAWN


class TestPages:
    def test_a_student_submits_by_date_range_with_a_document(self, client, cast, missed):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from attendance.tests.factories import png_bytes

        client.force_login(cast.student)
        today = timezone.localdate()
        response = client.post(
            reverse("attendance:justification_new"),
            {
                "first_date": (today - timedelta(days=4)).isoformat(),
                "last_date": (today - timedelta(days=1)).isoformat(),
                "reason": "illness",
                "explanation": "Flu",
                "document": SimpleUploadedFile("scan.png", png_bytes()),
            },
        )
        assert response.status_code == 302
        justification = Justification.objects.exclude(pk=cast.justification.pk).get()
        assert set(justification.sessions.all()) == set(missed)
        assert justification.document.original_name == "scan.png"

    def test_a_refused_document_is_a_field_error(self, client, cast, missed):
        from django.core.files.uploadedfile import SimpleUploadedFile

        client.force_login(cast.student)
        response = client.post(
            reverse("attendance:justification_new"),
            {
                "sessions": [missed[0].pk],
                "reason": "illness",
                "explanation": "Flu",
                "document": SimpleUploadedFile("note.pdf", b"<html></html>"),
            },
        )
        assert response.status_code == 200
        assert "This type of file is not accepted." in response.text
        assert Justification.objects.count() == 1

    def test_a_parent_submits_for_their_child_only(self, client, cast, missed):
        client.force_login(cast.parent)
        url = reverse("attendance:justification_new")
        assert client.get(url, {"student": cast.other_student.pk}).status_code == 404
        response = client.post(
            f"{url}?student={cast.student.pk}",
            {"sessions": [missed[0].pk], "reason": "family", "explanation": "Funeral"},
        )
        assert response.status_code == 302
        assert Justification.objects.filter(submitted_by=cast.parent, student=cast.student).exists()

    def test_the_teacher_queue_lists_pending_ones_of_their_courses(self, client, cast):
        client.force_login(cast.teacher)
        response = client.get(reverse("attendance:justification_list"))
        assert list(response.context["pending"]) == [cast.justification]
        client.force_login(cast.other_teacher)
        assert list(client.get(reverse("attendance:justification_list")).context["pending"]) == []

    def test_the_document_downloads_as_an_attachment_that_is_not_sniffed(self, client, cast):
        client.force_login(cast.parent)
        response = client.get(reverse("attendance:justification_document", args=[cast.justification.pk]))
        assert response["Content-Disposition"].startswith('attachment; filename="note.png"')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Type"] == "image/png"
        preview = client.get(reverse("attendance:justification_document", args=[cast.justification.pk]), {"inline": 1})
        assert preview["Content-Disposition"].startswith("inline")

    def test_the_review_page_previews_an_image_and_approves(self, client, cast):
        client.force_login(cast.teacher)
        url = reverse("attendance:justification_detail", args=[cast.justification.pk])
        assert "?inline=1" in client.get(url).text
        client.post(reverse("attendance:justification_approve", args=[cast.justification.pk]))
        cast.justification.refresh_from_db()
        assert cast.justification.state == JustificationState.APPROVED

    def test_denying_without_a_comment_says_why(self, client, cast):
        client.force_login(cast.teacher)
        response = client.post(reverse("attendance:justification_deny", args=[cast.justification.pk]), follow=True)
        assert "Say why the justification is denied" in response.text
        cast.justification.refresh_from_db()
        assert cast.justification.state == JustificationState.PENDING
