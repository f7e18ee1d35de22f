"""Where a check-in's CPU goes: the app's whole ASGI stack driven in this process, under cProfile in every thread.

    .venv/bin/python bench/checkin_profile.py [--students 500] [--in-flight 8] [--top 40] [--sort tottime]
                                             [--no-profile] [--output FILE]

It builds the check-in bench's scene (`bench/scene.py`: its own database, made anew; REDIS_URL must name a Redis
of yours, as the bench's servers would have) and sends each student's `POST /checkin/` (as the dashboard's code
box sends it, htmx) through `attendance_system.asgi.application`, `--in-flight` at a time, in one event loop: the
request path daphne takes after parsing HTTP, the threads Django lends its sync code included, and the pushes
handed to that loop. The profile covers every thread (each thread's own profiler, merged). It prints the CPU
time per check-in of a round without the profiler (this process's CPU time over check-ins: the request path
without daphne's HTTP parsing, plus the pushes' sending), then the functions costing most in a profiled round
(the profiler multiplies the cost of each call: compare shares, not milliseconds).
"""

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import secrets
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import scene

_profiles = []
_profiles_lock = threading.Lock()


def _cpu_profile():
    """A profiler that counts the thread's CPU time: waits on locks, sockets and queues cost nothing."""
    return cProfile.Profile(time.thread_time_ns, 1e-9)


def _profile_this_thread(*_args):
    """Installed by threading.setprofile: the first event of a new thread gives it a profiler of its own."""
    profile = _cpu_profile()
    with _profiles_lock:
        _profiles.append(profile)
    profile.enable()  # replaces this hook in this thread


async def _post(application, cookie, code):
    token = secrets.token_hex(16)
    body = urlencode({"code": code, "csrfmiddlewaretoken": token}).encode()
    request = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/checkin/",
        "raw_path": b"/checkin/",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/x-www-form-urlencoded"),
            (b"content-length", str(len(body)).encode()),
            (b"cookie", f"sessionid={cookie}; csrftoken={token}".encode()),
            (b"hx-request", b"true"),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    answer = []

    async def receive():
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # no disconnect while the request runs

    async def send(message):
        answer.append(message)

    await application(request, receive, send)
    text = b"".join(m.get("body", b"") for m in answer if m["type"] == "http.response.body").decode()
    return "Check-in received." in text


async def check_in_all(application, students, code, in_flight):
    gate = asyncio.Semaphore(in_flight)

    async def one(cookie):
        async with gate:
            return await _post(application, cookie, code)

    results = await asyncio.gather(*(one(cookie) for _number, cookie in students))
    await asyncio.sleep(0.5)  # the counters' push, coalesced, goes within 150 ms
    return sum(results)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=500)
    parser.add_argument("--in-flight", type=int, default=8)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime", choices=["tottime", "cumulative"])
    parser.add_argument("--no-profile", action="store_true", help="only the round without the profiler")
    parser.add_argument("--output", help="also write the merged profile here (pstats format)")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        parser.error("REDIS_URL must name a Redis of yours")
    scene.ENV["REDIS_URL"] = os.environ["REDIS_URL"]
    static_root = tempfile.mkdtemp(prefix="profile-static-")
    scene.ENV["STATIC_ROOT"] = static_root
    scene.fresh_database(static_root)
    scene.setup_django()
    from attendance_system.asgi import application

    [scene_class] = scene.build_scene(args.students, 1)
    # A first round warms the process's caches (templates, URL resolver, pools); the second is timed as it runs,
    # the third under the profiler.
    asyncio.run(check_in_all(application, scene_class["students"], scene_class["code"], args.in_flight))
    [timed] = scene.open_sessions([scene_class])
    cpu = time.process_time()
    ok = asyncio.run(check_in_all(application, timed["students"], timed["code"], args.in_flight))
    print(f"CPU per check-in, not profiled: {(time.process_time() - cpu) * 1000 / max(ok, 1):.2f} ms ({ok} received)")
    if args.no_profile:
        return
    [measured] = scene.open_sessions([scene_class])
    threading.setprofile(_profile_this_thread)
    main_profile = _cpu_profile()
    main_profile.enable()
    ok = asyncio.run(check_in_all(application, measured["students"], measured["code"], args.in_flight))
    main_profile.disable()
    threading.setprofile(None)
    for profile in _profiles:
        profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(main_profile, stream=out)
    for profile in _profiles:
        stats.add(profile)
    if args.output:
        stats.dump_stats(args.output)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(out.getvalue())
    print(f"{ok} of {len(measured['students'])} check-ins received under the profiler; threads: {len(_profiles) + 1}")


if __name__ == "__main__":
    main()
