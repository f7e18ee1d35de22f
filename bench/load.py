"""The load generator: students' check-ins, teachers' session sockets and students' personal sockets, all from one
asyncio loop, against whatever serves `/checkin/` and `/ws/...` on the given ports (the app or the floor).

Students take the processes in turn, as a load balancer would share them out; so do the teachers' sockets, so that
most pushes cross from one process to the other through Redis.
"""

import asyncio
import re
import secrets
import time
from collections import Counter
from contextlib import asynccontextmanager

import websockets

from bench.http_client import ERRORS, Client
from bench.scene import DATABASE
from bench.servers import database_cpu_seconds

SUBMIT_TIMEOUT = 30  # s, as a phone's browser might wait
SOCKET_OPEN_TIMEOUT = 10  # s
OPENING_AT_ONCE = 50  # personal sockets being opened at a time: a lecture hall's phones do not all connect at once
PUSH_GRACE = 5  # s after the last answer for the teachers' rows to arrive
VALIDATE_TIMEOUT = 60  # s after "Validate all pending" is pressed for a student's status to arrive
SATURATION_SECONDS = 5  # s at least of saturation rounds
# The teacher's row of a check-in (`session_live.html#row`) shows the student number in this cell.
ROW = re.compile(r'<td class="font-monospace">([^<]+)</td>')
# The student's status (`checkin.html#status`, pushed by `attendance.live.push_student_statuses`): a block with this id
# whose status badge says Present or Late once the check-in is validated (the badge says Pending before).
STATUS = re.compile(r'id="checkin-status-(\d+)"')
VALIDATED = re.compile(r">\s*(?:Present|Late)\s*<")


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))], 1)


def _headers(port, cookie):
    return {"Cookie": f"sessionid={cookie}", "Origin": f"http://127.0.0.1:{port}"}


def interleave(scene):
    """(class index, student number, cookie) for every student, taking one from each class in turn."""
    rosters = [item["students"] for item in scene]
    longest = max(map(len, rosters), default=0)
    return [(c, *rosters[c][i]) for i in range(longest) for c in range(len(rosters)) if i < len(rosters[c])]


async def _teacher_socket(url, headers, seen, opened):
    try:
        socket = await websockets.connect(
            url, additional_headers=headers, max_size=None, open_timeout=SOCKET_OPEN_TIMEOUT
        )
    except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
        opened.set_exception(RuntimeError(f"The teacher's socket {url} did not open: {exc!r}"))
        return
    opened.set_result(None)
    async with socket:
        async for frame in socket:
            now = time.perf_counter()
            for number in ROW.findall(frame):
                seen.setdefault(number, now)


@asynccontextmanager
async def teacher_sockets(scene, ports):
    """One teacher's socket per class; yields, per class, when each student's row first arrived on it."""
    seen = [{} for _ in scene]
    loop = asyncio.get_running_loop()
    opened = [loop.create_future() for _ in scene]
    tasks = []
    for index, item in enumerate(scene):
        port = ports[index % len(ports)]
        url = f"ws://127.0.0.1:{port}/ws/sessions/{item['session_id']}/"
        tasks.append(
            asyncio.create_task(_teacher_socket(url, _headers(port, item["teacher"]), seen[index], opened[index]))
        )
    try:
        await asyncio.gather(*opened)
        yield seen
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class PersonalSockets:
    """Every student's `/ws/me/`, held open; records when each (student, session) status first showed validated.

    A socket that cannot open is counted in `failed` and one that the server closes in `dropped`, by reason.
    """

    def __init__(self):
        self.validated = {}
        self.failed = Counter()
        self.dropped = Counter()
        self.unopened = set()
        self._sockets = []
        self._tasks = []
        self._closing = False

    async def open(self, students, ports):
        """Open one socket per (number, cookie), at most OPENING_AT_ONCE at a time; returns once all have tried."""
        gate = asyncio.Semaphore(OPENING_AT_ONCE)
        tried = [asyncio.get_running_loop().create_future() for _ in students]
        for index, (number, cookie) in enumerate(students):
            port = ports[index % len(ports)]
            self._tasks.append(asyncio.create_task(self._keep(number, port, cookie, gate, tried[index])))
        await asyncio.gather(*tried)

    async def _keep(self, number, port, cookie, gate, tried):
        async with gate:
            try:
                socket = await websockets.connect(
                    f"ws://127.0.0.1:{port}/ws/me/?regions=checkin",
                    additional_headers=_headers(port, cookie),
                    max_size=None,
                    open_timeout=SOCKET_OPEN_TIMEOUT,
                )
            except (OSError, TimeoutError, websockets.exceptions.WebSocketException) as exc:
                self.failed[type(exc).__name__] += 1
                self.unopened.add(number)
                return
            finally:
                tried.set_result(None)
        self._sockets.append(socket)
        try:
            async for frame in socket:
                now = time.perf_counter()
                if VALIDATED.search(frame):
                    for session_id in STATUS.findall(frame):
                        self.validated.setdefault((number, int(session_id)), now)
        except websockets.exceptions.ConnectionClosed as exc:
            if not self._closing:
                self.dropped[f"closed {exc.rcvd.code if exc.rcvd else 'abnormally'}"] += 1
            return
        if not self._closing:
            self.dropped["closed by the server"] += 1

    async def close(self):
        self._closing = True
        await asyncio.gather(*(socket.close() for socket in self._sockets), return_exceptions=True)
        await asyncio.gather(*self._tasks, return_exceptions=True)


def _reason(html):
    """The field error a refused check-in shows, or the page's title (a server error), to tell failures apart."""
    match = re.search(r'class="invalid-feedback"[^>]*>\s*(?:<strong>)?([^<]+)', html) or re.search(
        r"<title>([^<]+)", html
    )
    return match.group(1).strip() if match else " ".join(html.split())[:80]


async def _submit(client, klass, number, cookie, code, delay, gate, results):
    await asyncio.sleep(delay)
    async with gate:
        token = secrets.token_hex(16)  # 32 characters: Django accepts the bare secret as the form token
        started = time.perf_counter()
        try:
            response = await client.post(
                "/checkin/",
                {"code": code, "csrfmiddlewaretoken": token},
                # As the code box on the student's dashboard sends it.
                {"Cookie": f"sessionid={cookie}; csrftoken={token}", "HX-Request": "true"},
            )
            ok = response.status == 200 and "Check-in received." in response.text
            error = None if ok else f"{response.status} {_reason(response.text)}"
        except ERRORS as exc:
            ok, error = False, type(exc).__name__
    ended = time.perf_counter()
    results.append({"class": klass, "number": number, "started": started, "ended": ended, "ok": ok, "error": error})


async def offer(scene, ports, *, seconds=0.0, concurrency=None):
    """Every student submits its class's code once, the classes interleaved: spread evenly over `seconds`, or
    (seconds=0) all at once with at most `concurrency` requests in flight. Returns one result per student."""
    order = interleave(scene)
    spacing = seconds / len(order) if order else 0
    gate = asyncio.Semaphore(concurrency or len(order) or 1)
    clients = [Client(port, timeout=SUBMIT_TIMEOUT) for port in ports]
    results = []
    try:
        await asyncio.gather(
            *(
                _submit(
                    clients[i % len(clients)], klass, number, cookie, scene[klass]["code"], i * spacing, gate, results
                )
                for i, (klass, number, cookie) in enumerate(order)
            )
        )
    finally:
        for client in clients:
            await client.close()
    return results


async def await_rows(results, seen, grace=PUSH_GRACE):
    """Give the teachers' sockets `grace` seconds to show every successful check-in of their class."""
    deadline = time.perf_counter() + grace
    while time.perf_counter() < deadline and not all(r["number"] in seen[r["class"]] for r in results if r["ok"]):
        await asyncio.sleep(0.05)


def burst_figures(rounds):
    """Latencies, losses and rate over `rounds` of (results, seen, numbers stored in the database).

    Push: from the start of a submission to its row on its teacher's socket. Lost: a success its teacher never saw,
    or one not in the database. Per second: successes over the rounds' spans, each from its first submission's start
    to its last answer.
    """
    results = [r for round_results, _seen, _stored in rounds for r in round_results]
    successes = [(r, seen, stored) for round_results, seen, stored in rounds for r in round_results if r["ok"]]
    submit_ms = [(r["ended"] - r["started"]) * 1000 for r in results]
    push_ms = [
        (seen[r["class"]][r["number"]] - r["started"]) * 1000
        for r, seen, _stored in successes
        if r["number"] in seen[r["class"]]
    ]
    span = sum(
        max(r["ended"] for r in round_results) - min(r["started"] for r in round_results)
        for round_results, _seen, _stored in rounds
        if round_results
    )
    return {
        "submit_p50_ms": percentile(submit_ms, 0.5),
        "submit_p99_ms": percentile(submit_ms, 0.99),
        "push_p50_ms": percentile(push_ms, 0.5),
        "push_p99_ms": percentile(push_ms, 0.99),
        "lost": sum(
            1 for r, seen, stored in successes if r["number"] not in seen[r["class"]] or r["number"] not in stored
        ),
        "errors": Counter(r["error"] for r in results if not r["ok"]),
        "per_s": round(len(successes) / span, 1) if span else None,
    }


async def _saturation_round(classes, ports, concurrency):
    async with teacher_sockets(classes, ports) as seen:
        results = await offer(classes, ports, concurrency=concurrency)
        await await_rows(results, seen)
    return results, seen


class Saturation:
    """Rounds of all the students as fast as the servers take them, `concurrency` in flight, each round on fresh
    sessions from `fresh_classes()`; `stored(classes)` reads what reached the database.

    `run(seconds)` adds rounds until `seconds` have passed (at least one): one round of a slow server may be
    enough, a fast one gets several, so that neither figure is mostly ramp-up.
    """

    def __init__(self, fresh_classes, stored, servers, concurrency):
        self.fresh_classes, self.stored, self.servers, self.concurrency = fresh_classes, stored, servers, concurrency
        self.rounds = []
        self.server_cpu = self.database_cpu = self.own_cpu = 0.0

    def run(self, seconds):
        started, count = time.perf_counter(), len(self.rounds)
        while len(self.rounds) == count or time.perf_counter() - started < seconds:
            classes = self.fresh_classes()
            # CPU counted only while the round runs: opening sessions through the app in this process is not load.
            server_cpu, own_cpu = self.servers.cpu_seconds(), time.process_time()
            backends = database_cpu_seconds(DATABASE)
            results, seen = asyncio.run(_saturation_round(classes, self.servers.ports, self.concurrency))
            self.server_cpu += self.servers.cpu_seconds() - server_cpu
            self.own_cpu += time.process_time() - own_cpu
            self.database_cpu += sum(
                used - backends.get(pid, 0) for pid, used in database_cpu_seconds(DATABASE).items()
            )
            self.rounds.append((results, seen, self.stored(classes)))

    def figures(self):
        successes = sum(1 for results, _seen, _stored in self.rounds for r in results if r["ok"]) or 1
        return {
            **burst_figures(self.rounds),
            "rounds": len(self.rounds),
            # CPU time per check-in of the two server processes together, their PostgreSQL backends, this generator.
            "server_cpu_ms": round(self.server_cpu * 1000 / successes, 2),
            "database_cpu_ms": round(self.database_cpu * 1000 / successes, 2),
            "generator_cpu_ms": round(self.own_cpu * 1000 / successes, 2),
        }


async def _press_validate_all(client, item):
    token = secrets.token_hex(16)
    started = time.perf_counter()
    try:
        response = await client.post(
            f"/sessions/{item['session_id']}/validate-all/",
            {"csrfmiddlewaretoken": token},
            # As the live page's button sends it (htmx).
            {"Cookie": f"sessionid={item['teacher']}; csrftoken={token}", "HX-Request": "true"},
        )
        trigger = response.headers.get("hx-trigger", "")
        error = f"{response.status} {trigger}" if response.status != 200 or "showError" in trigger else None
    except ERRORS as exc:
        error = type(exc).__name__
    await client.close()
    return started, time.perf_counter(), error


async def validate_all(scene, servers, sockets, results):
    """Each class's teacher presses "Validate all pending", all at once. Per student checked in whose personal
    socket opened: from the start of its teacher's press to the frame showing the check-in validated. With the CPU
    time the servers, their database backends and this generator spent from the presses to the last such frame."""
    ports = servers.ports
    server_cpu, own_cpu, backends = servers.cpu_seconds(), time.process_time(), database_cpu_seconds(DATABASE)
    presses = await asyncio.gather(
        *(
            _press_validate_all(Client(ports[i % len(ports)], timeout=VALIDATE_TIMEOUT), item)
            for i, item in enumerate(scene)
        )
    )
    expected = [
        (r["number"], scene[r["class"]]["session_id"], presses[r["class"]][0])
        for r in results
        if r["ok"] and r["number"] not in sockets.unopened
    ]
    deadline = min(started for started, _ended, _error in presses) + VALIDATE_TIMEOUT
    while time.perf_counter() < deadline and not all(key[:2] in sockets.validated for key in expected):
        await asyncio.sleep(0.05)
    server_cpu, own_cpu = servers.cpu_seconds() - server_cpu, time.process_time() - own_cpu
    database_cpu = sum(used - backends.get(pid, 0) for pid, used in database_cpu_seconds(DATABASE).items())
    latencies = [
        (sockets.validated[(n, s)] - started) * 1000 for n, s, started in expected if (n, s) in sockets.validated
    ]
    return {
        "validate_all_first_ms": percentile(latencies, 0),
        "validate_all_p50_ms": percentile(latencies, 0.5),
        "validate_all_p99_ms": percentile(latencies, 0.99),
        "validate_all_lost": len(expected) - len(latencies),
        "validate_all_request_ms": round(max((ended - started) * 1000 for started, ended, _error in presses), 1),
        "validate_all_server_cpu_ms": round(server_cpu * 1000),
        "validate_all_database_cpu_ms": round(database_cpu * 1000),
        "validate_all_generator_cpu_ms": round(own_cpu * 1000),
        "validate_all_errors": Counter(error for _started, _ended, error in presses if error),
    }
