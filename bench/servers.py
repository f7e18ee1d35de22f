"""The bench's servers: two daphne processes on free ports (with the CPU time they use and how much memory each
took at its peak), and a Redis of its own."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import redis

from bench.scene import ROOT

APP = "attendance_system.asgi:application"
FLOOR = "bench.floor:app"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(application, port, env, log):
    # A file, not a pipe: a pipe nobody reads fills up under a burst of warnings and stalls the server.
    process = subprocess.Popen(
        [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), application],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"daphne ({application}) exited with {process.returncode}: see {log.name}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)  # any answer will do
            return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"daphne ({application}) on port {port} did not answer within 30 s")


@contextmanager
def private_redis():
    """A Redis server of the bench's own on a free port, configured as the shared one (no persistence); yields its URL.

    The shared Redis at 6379 also serves the test suite's live tests, which run daphne with the same channel prefix:
    their groups (`session.1`, `user.3`) would mix with the bench's, and the check-in rate key
    (`checkin-rate:127.0.0.1`, counted per minute in the cache) would add the bench's thousands of check-ins to theirs.
    """
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(50):
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"redis-server on port {port} did not answer within 5 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def peak_rss_mb(pid):
    """The process's high-water mark of resident memory (VmHWM), in MB."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    return None


def _cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime, fields 14-15 of proc(5)


def database_cpu_seconds(database):
    """CPU time used so far by each PostgreSQL backend connected to `database`, by pid.

    Backends name their database in their command line ("postgres: postgres attendance_bench 127.0.0.1(...)").
    """
    used = {}
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and f" {database} ".encode() in (entry / "cmdline").read_bytes():
                used[int(entry.name)] = _cpu_seconds(entry.name)
        except OSError:
            continue  # gone meanwhile
    return used


@dataclass
class Servers:
    ports: list
    pids: list = field(default_factory=list)
    peaks: list = field(default_factory=list)  # MB, filled in when the processes stop

    def cpu_seconds(self):
        """User and system CPU time the processes have used so far."""
        return sum(_cpu_seconds(pid) for pid in self.pids)


@contextmanager
def daphnes(application, env, log_dir, count=2):
    """`count` daphne processes serving `application`; yields their `Servers`, `peaks` filled in on the way out.

    The peak is read just before each process is stopped: VmHWM is the most it ever held, so no sampling is missed.
    Each process's stderr goes to a file in `log_dir`; what they wrote is summed up on the way out.
    """
    servers, processes, logs = Servers([]), [], []
    try:
        for _ in range(count):
            servers.ports.append(free_port())
            logs.append(open(Path(log_dir) / f"{application.split(':')[0]}-{len(logs)}.log", "w"))  # noqa: SIM115
            processes.append(_start(application, servers.ports[-1], env, logs[-1]))
            servers.pids.append(processes[-1].pid)
        yield servers
    finally:
        for process in processes:
            if process.poll() is None:
                servers.peaks.append(peak_rss_mb(process.pid))
            else:
                print(f"daphne ({application}) had exited during the run with {process.returncode}")
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
            # Daphne's own start-up lines are INFO; anything else (a warning, a traceback) is worth a look.
            lines = [line for line in Path(log.name).read_text().splitlines() if " INFO " not in line]
            if lines:
                print(f"{log.name}: {len(lines)} lines on stderr, the last: {lines[-1][:200]}")
