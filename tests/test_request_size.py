"""A request body over REQUEST_MAX_BYTES is answered without being read: a clear message, nothing saved."""

import os
from datetime import timedelta

import pytest
from asgiref.testing import ApplicationCommunicator
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from attendance.models import Document, Justification
from attendance_system.request_size import RequestSizeLimit
from courses.tests.factories import ClassSessionFactory
from tests.test_settings import manage

LIMIT = 100_000
MESSAGE = (
    "Nothing was saved: what you sent is larger than 97.7\xa0KB, the most this site accepts at once. "
    "Choose a smaller file and send the form again."
)


@pytest.fixture
def limit(settings):
    settings.REQUEST_MAX_BYTES = LIMIT


@pytest.fixture
def form(cast):
    session = ClassSessionFactory(course=cast.course, starts_at=timezone.now() - timedelta(days=1))
    return {"sessions": [session.pk], "reason": "illness", "explanation": "Flu"}


def document(size):
    return SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n" + b"0" * size)


def nothing_saved(cast, settings):
    assert list(Justification.objects.all()) == [cast.justification]
    assert Document.objects.count() == 1  # the cast's own
    assert len(os.listdir(settings.MEDIA_ROOT / "justifications")) == 1


def test_a_form_over_the_limit_comes_back_to_its_page_with_the_message_and_nothing_saved(
    client, cast, form, limit, settings
):
    client.force_login(cast.student)
    url = reverse("attendance:justification_new")
    response = client.post(
        url, {**form, "document": document(LIMIT)}, headers={"Referer": f"http://testserver{url}"}, follow=True
    )
    assert response.redirect_chain == [(f"http://testserver{url}", 302)]
    assert MESSAGE in response.text
    assert 'name="document"' in response.text  # the form, to choose another file
    nothing_saved(cast, settings)


def test_without_a_page_of_the_site_to_go_back_to_the_answer_is_a_413_page(client, cast, form, limit, settings):
    client.force_login(cast.student)
    url = reverse("attendance:justification_new")
    for referer in [{}, {"Referer": "https://elsewhere.example/form/"}]:
        response = client.post(url, {**form, "document": document(LIMIT)}, headers=referer)
        assert response.status_code == 413
        assert MESSAGE in response.text
    nothing_saved(cast, settings)


def test_a_request_whose_body_the_proxy_refused_is_answered_the_same_way(client, cast, settings):
    client.force_login(cast.student)
    url = reverse("attendance:justification_new")
    response = client.post(url, headers={"X-Refused-Content-Length": "31457280"})
    assert response.status_code == 413
    assert "Nothing was saved: what you sent is larger than 6.0\xa0MB" in response.text
    nothing_saved(cast, settings)


def test_a_document_over_its_own_limit_but_within_the_request_limit_is_a_field_error(client, cast, form, settings):
    client.force_login(cast.student)
    response = client.post(
        reverse("attendance:justification_new"), {**form, "document": document(settings.UPLOAD_MAX_BYTES)}
    )
    assert response.status_code == 200
    assert "The file is larger than 5.0\xa0MB." in response.text
    nothing_saved(cast, settings)


def test_a_csv_import_over_the_limit_is_refused_the_same_way(client, cast, limit):
    client.force_login(cast.teacher)
    url = reverse("courses:roster_import", args=[cast.course.pk])
    upload = SimpleUploadedFile("roster.csv", b"email\n" + b"a@example.org\n" * (LIMIT // 14 + 1))
    response = client.post(url, {"upload": upload}, headers={"Referer": f"http://testserver{url}"}, follow=True)
    assert MESSAGE in response.text
    assert list(cast.course.enrollments.values_list("student", flat=True)) == [cast.student.pk]


def scope(headers):
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/justifications/new/",
        "raw_path": b"/justifications/new/",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


@pytest.mark.django_db(transaction=True)
async def test_under_asgi_a_body_declared_too_large_is_answered_before_any_of_it_is_sent(limit):
    # Imported here, not while tests are collected: the WebSocket stack reads ALLOWED_HOSTS when it is built,
    # and the test environment adds "testserver" to it only when the tests start.
    from attendance_system.asgi import application

    app = ApplicationCommunicator(application, scope([(b"content-length", b"31457280")]))
    # Not one byte of the 30 MB is sent: the answer must come without waiting for them.
    start = await app.receive_output(timeout=5)
    assert start["status"] == 413
    body = await app.receive_output(timeout=5)
    assert MESSAGE in body["body"].decode()
    await app.send_input({"type": "http.request", "body": b"x" * 65536, "more_body": True})
    await app.send_input({"type": "http.disconnect"})
    await app.wait(timeout=5)


async def test_under_asgi_a_body_without_a_declared_length_ends_at_the_limit(limit):
    taken = []

    async def django(scope, receive, send):
        while (message := await receive())["more_body"]:
            taken.append(len(message["body"]))
        assert await receive() == {"type": "http.disconnect"}

    app = ApplicationCommunicator(RequestSizeLimit(django), scope([(b"transfer-encoding", b"chunked")]))
    for _ in range(50):
        await app.send_input({"type": "http.request", "body": b"x" * 10_000, "more_body": True})
    await app.send_input({"type": "http.disconnect"})
    await app.wait(timeout=5)
    assert sum(taken) == LIMIT


async def test_under_asgi_a_body_within_the_limit_is_passed_whole(limit):
    received = []

    async def django(scope, receive, send):
        while True:
            message = await receive()
            received.append(message)
            if not message["more_body"]:
                return

    app = ApplicationCommunicator(RequestSizeLimit(django), scope([(b"content-length", str(LIMIT).encode())]))
    chunks = [{"type": "http.request", "body": b"x" * (LIMIT // 2), "more_body": more} for more in (True, False)]
    for chunk in chunks:
        await app.send_input(chunk)
    await app.wait(timeout=5)
    assert received == chunks


def test_a_request_limit_not_above_the_document_limit_stops_the_start_and_says_why():
    result = manage("check", DEBUG="True", UPLOAD_MAX_BYTES="5242880", REQUEST_MAX_BYTES="5242880")
    assert result.returncode != 0
    assert "REQUEST_MAX_BYTES must be larger than UPLOAD_MAX_BYTES" in result.stderr
