"""docker-compose's proxy, deploy/nginx.conf.template, run by nginx in front of two daphne processes sharing
Redis and the database: a page, a student's check-in and the teacher's live socket all go through it."""

import asyncio
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
import websockets
from django.conf import settings
from django.utils import timezone

from accounts.tests.factories import StudentFactory, TeacherFactory
from attendance import services
from attendance.models import AttendanceRecord
from courses.tests.factories import ClassSessionFactory, CourseFactory, EnrollmentFactory
from tests.layers import REDIS_URL, require_redis
from tests.live import ROOT, daphne, free_port, session_cookie, stop

pytestmark = pytest.mark.redis

NGINX = Path("/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
PLACEHOLDER = re.compile(r"\$\{(\w+)\}")
# The rest of what the nginx image's own nginx.conf holds, with every path it writes in a directory of the
# test's, so that nginx runs in the foreground without root.
MAIN_CONF = """
daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/proxy.conf;
}}
"""


def require_nginx():
    if not NGINX.exists():
        message = f"nginx is not installed ({NGINX}, Debian's package nginx)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def proxy_conf(**values):
    """The template with its ${...} placeholders filled, as the nginx image does; every one must be given."""
    template = TEMPLATE.read_text()
    assert set(PLACEHOLDER.findall(template)) == set(values)
    return PLACEHOLDER.sub(lambda match: values[match.group(1)], template)


def _unprivileged(directory):
    """Popen arguments that run nginx as nobody when the tests run as root: a proxy needs no privilege here."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    shutil.chown(directory, nobody.pw_uid, nobody.pw_gid)
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def _wait_for(port, process, log, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited with {process.returncode}: {log.read_text()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    raise RuntimeError(f"nginx did not answer on port {port} within {timeout} s")


@contextmanager
def nginx(*upstreams, request_max_bytes=None):
    """nginx in the foreground with the repository's configuration, in front of two upstream servers; its body
    limit is the application's, as docker-compose sets it, unless the test gives one."""
    port = free_port()
    request_max_bytes = request_max_bytes or settings.REQUEST_MAX_BYTES
    with tempfile.TemporaryDirectory(prefix="nginx-") as directory:
        first, second = (upstream.removeprefix("http://") for upstream in upstreams)
        Path(directory, "proxy.conf").write_text(
            proxy_conf(
                PROXY_LISTEN=f"127.0.0.1:{port}",
                DAPHNE_1=first,
                DAPHNE_2=second,
                REQUEST_MAX_BYTES=str(request_max_bytes),
            )
        )
        Path(directory, "nginx.conf").write_text(MAIN_CONF.format(dir=directory))
        log = Path(directory, "error.log")
        process = subprocess.Popen(
            [NGINX, "-p", directory, "-c", f"{directory}/nginx.conf", "-e", log],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            **_unprivileged(directory),
        )
        try:
            _wait_for(port, process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop(process)


@pytest.fixture
def scene(transactional_db):
    """An open session of a course with a teacher and an enrolled student, logged in."""
    require_redis()
    teacher, student = TeacherFactory(), StudentFactory()
    course = CourseFactory(teachers=[teacher])
    EnrollmentFactory(course=course, student=student)
    now = timezone.now()
    session = ClassSessionFactory(course=course, starts_at=now, ends_at=now + timedelta(hours=1))
    return {
        "session": session,
        "code": services.session_open(session=session, by=teacher).code,
        "teacher_cookie": session_cookie(teacher),
        "student_cookie": session_cookie(student),
    }


@pytest.fixture
def proxy(scene):
    require_nginx()
    # The processes trust the proxy's X-Forwarded-For, as docker-compose's do (TRUSTED_PROXIES).
    trust = {"REDIS_URL": REDIS_URL, "TRUSTED_PROXIES": "127.0.0.1"}
    with daphne(**trust) as first, daphne(**trust) as second, nginx(first, second) as url:
        yield url


@contextmanager
def header_echo():
    """An upstream that answers every request with the headers it received, one "name: value" a line."""

    class Echo(BaseHTTPRequestHandler):
        def do_GET(self):
            body = "".join(f"{name}: {value}\n" for name, value in self.headers.items()).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.do_GET()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def test_the_template_names_only_the_addresses_the_port_and_the_body_limit():
    assert set(PLACEHOLDER.findall(TEMPLATE.read_text())) == {
        "PROXY_LISTEN",
        "DAPHNE_1",
        "DAPHNE_2",
        "REQUEST_MAX_BYTES",
    }


def test_docker_compose_gives_the_proxy_and_the_application_the_same_body_limit():
    compose = (ROOT / "docker-compose.yml").read_text()
    [default] = re.findall(r"\$\{REQUEST_MAX_BYTES:-(\d+)\}", compose)
    assert int(default) == settings.REQUEST_MAX_BYTES
    assert compose.count("REQUEST_MAX_BYTES: *request-max-bytes") == 2  # the app's environment and the proxy's


def test_the_proxy_refuses_a_body_over_the_limit_and_passes_on_the_request_without_it():
    require_nginx()
    with header_echo() as upstream, nginx(upstream, upstream, request_max_bytes=1000) as url:
        refused = httpx.post(f"{url}/justifications/new/", content=b"x" * 1001)
        passed = httpx.post(
            f"{url}/justifications/new/", content=b"x" * 1000, headers={"X-Refused-Content-Length": "5"}
        )
    assert refused.status_code == 200  # the application's answer, not nginx's 413
    received = dict(line.split(": ", 1) for line in refused.text.splitlines())
    assert received["X-Refused-Content-Length"] == "1001"
    assert "Content-Length" not in received
    received = dict(line.split(": ", 1) for line in passed.text.splitlines())
    assert received["Content-Length"] == "1000"
    assert "X-Refused-Content-Length" not in received  # what the client claimed is dropped


async def test_a_form_over_the_limit_comes_back_through_the_proxy_with_the_applications_message(scene, proxy):
    form = f"{proxy}/justifications/new/"
    async with httpx.AsyncClient(cookies={"sessionid": scene["student_cookie"]}, follow_redirects=True) as http:
        response = await http.post(
            form,
            data={"reason": "illness", "explanation": "Flu"},
            files={"document": ("scan.pdf", b"%PDF-1.4\n" + b"0" * settings.REQUEST_MAX_BYTES)},
            headers={"Referer": form},
        )
    assert [str(step.url) for step in response.history] == [form]
    assert response.status_code == 200
    assert "Nothing was saved: what you sent is larger than 6.0\xa0MB" in response.text
    assert 'name="document"' in response.text


async def test_pages_check_ins_and_live_sockets_go_through_the_proxy(scene, proxy):
    ws_url = proxy.replace("http", "ws") + f"/ws/sessions/{scene['session'].pk}/"
    teacher = {"Cookie": f"sessionid={scene['teacher_cookie']}", "Origin": proxy}
    async with (
        websockets.connect(ws_url, additional_headers=teacher) as socket,
        # A browser's Origin header: Django accepts the POST only if the proxy passed the host with its port.
        httpx.AsyncClient(
            base_url=proxy, cookies={"sessionid": scene["student_cookie"]}, headers={"Origin": proxy}
        ) as http,
    ):
        page = await http.get("/checkin/")
        assert page.status_code == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        response = await http.post("/checkin/", data={"code": scene["code"], "csrfmiddlewaretoken": token})
        assert "Check-in received." in response.text
        frame = await asyncio.wait_for(socket.recv(decode=True), timeout=5)
    assert 'hx-swap-oob="afterbegin:#checkins"' in frame


def test_a_check_in_keeps_the_address_the_proxy_saw_not_one_the_client_made_up(scene, proxy):
    # From 127.0.0.2, so that the client's address differs from the proxy's (127.0.0.1).
    with httpx.Client(
        transport=httpx.HTTPTransport(local_address="127.0.0.2"),
        base_url=proxy,
        cookies={"sessionid": scene["student_cookie"]},
        headers={"Origin": proxy, "X-Forwarded-For": "192.0.2.1"},
    ) as http:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', http.get("/checkin/").text).group(1)
        response = http.post("/checkin/", data={"code": scene["code"], "csrfmiddlewaretoken": token})
    assert "Check-in received." in response.text
    assert AttendanceRecord.objects.get(session=scene["session"]).ip_address == "127.0.0.2"


async def test_a_socket_from_another_origin_is_refused_through_the_proxy(scene, proxy):
    """The proxy passes the Host with its port, so a page of the same host on another port is another origin."""
    ws_url = proxy.replace("http", "ws") + "/ws/me/"
    port = int(proxy.rsplit(":", 1)[1])
    cookie = f"sessionid={scene['student_cookie']}"
    for origin in (f"http://127.0.0.1:{port + 1}", proxy.replace("http:", "https:")):
        with pytest.raises(websockets.InvalidStatus) as refused:
            await websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": origin})
        assert refused.value.response.status_code == 403
    async with websockets.connect(ws_url, additional_headers={"Cookie": cookie, "Origin": proxy}):
        pass


def test_the_proxy_passes_the_host_and_sets_the_forwarded_headers_itself():
    require_nginx()
    with header_echo() as upstream, nginx(upstream, upstream) as url:
        response = httpx.get(f"{url}/anything", headers={"X-Forwarded-For": "203.0.113.9"})
    received = dict(line.split(": ", 1) for line in response.text.splitlines())
    assert received["Host"] == url.removeprefix("http://")
    # What the client claimed is dropped, or one header would dodge the per-address check-in limit.
    assert received["X-Forwarded-For"] == "127.0.0.1"
    assert received["X-Forwarded-Proto"] == "http"
