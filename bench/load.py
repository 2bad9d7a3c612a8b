"""Benchmark (not a test): the main pages under 8 and 32 simulated users, gunicorn beside
runserver in the same run, on PostgreSQL, loopback only.

    .venv/bin/python bench/load.py [--people 20000] [--seconds 15] [--users 8,32]
                                   [--think 1-3] [--servers gunicorn,runserver] [--keep]

Recreates the PostgreSQL database `bench_load_20k` (`BENCH_DATABASE_URL` to change it) unless
`--keep` finds it seeded, migrates it and runs `seed_demo --people N`. Then, for each server —
gunicorn with `deploy/gunicorn.conf.py` (its workers and threads), and `manage.py runserver` —
starts the server on a free loopback port with the production settings, warms it up, signs in
officer, finance and auditor (the users take these roles in turn and share the role's session)
and lets each user request its role's pages in a loop, one request at a time over a kept-alive
connection, for `--seconds`: the people list and a name search, case pages, the approval queue
and the change log.

Two kinds of phase, printed on separate, labelled lines — never one for the other:
- closed loop (`think 0`): each user sends its next request as soon as the last one answers,
  for each number in `--users`; this measures capacity;
- with think time (`think 1-3`): each user waits a random 1–3 s between requests (as Locust's
  `wait_time = between(1, 3)`), with the largest number of users; this is what people clicking
  produce. It runs twice: with the users starting one after another, spread over `--ramp`
  seconds (default: the think time's upper bound; Locust's spawn rate of users per second),
  and with all of them sending their first request at the same instant. The second start is a
  burst no office produces (the users then stay roughly in step for the first cycles): in a
  15 s phase of ~240 requests, those first 32 requests queued together are ~13 % of the
  sample, so its p95 is the burst's, not the steady state's. Both are printed and compared
  with the target.

Per phase: requests, requests/s, p50/p95/p99 (ms), errors, and CPU milliseconds per request of
the server's processes, of PostgreSQL's backends serving the bench database, and of this load
generator (its threads share the two cores with the server), with the load average. The last
lines compare the 32-user figures with the issue's target. Every phase is bounded in time; the
servers are stopped at the end.
"""

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load_20k")
PASSWORD = "Bench-load-2026"
ROLES = ("officer", "finance", "auditor")


def recreate_database() -> None:
    import psycopg

    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def prepare(people: int, keep: bool, env: dict) -> dict:
    """The seeded database, the bench password on the demo users, and case ids per role."""
    os.environ.update(DATABASE_URL=URL, DJANGO_SETTINGS_MODULE="relief.settings.dev")
    seeded = False
    if keep:
        import django

        django.setup()
        from django.contrib.auth import get_user_model
        from django.db import DatabaseError

        try:
            seeded = get_user_model().objects.filter(username="officer").exists()
        except DatabaseError:
            seeded = False
    if not seeded:
        recreate_database()
    manage("migrate", "-v0", env=env)  # a kept database still gets the code's new migrations
    if not seeded:
        manage("seed_demo", "--people", str(people), env=env)
    # Planner statistics of the filled tables, as autovacuum keeps them on a running server: right
    # after the seed they are missing, and plans (row estimates of 18 for 1,551) are not real ones.
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from cases.models import Case
    from cases.selectors import cases_visible_to

    users = {u.username: u for u in get_user_model().objects.filter(username__in=ROLES)}
    for user in users.values():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return {
        role: list(cases_visible_to(users[role]).values_list("pk", flat=True)[:200])
        or list(Case.objects.values_list("pk", flat=True)[:200])
        for role in ROLES
    }


def pages_for(role: str, case_ids: list[int]) -> list[str]:
    case = random.choice(case_ids)  # noqa: S311
    common = [f"/cases/{case}/", "/people/", "/people/?" + urlencode({"q": "王"})]
    if role == "finance":
        return [*common, "/payments/approvals/"]
    if role == "auditor":
        return [*common, "/audit/"]
    return [*common, "/cases/"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class User:
    """One simulated user: signed in once, then one request at a time on a kept-alive socket."""

    def __init__(self, port: int, role: str):
        self.port, self.role, self.cookies = port, role, {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def request(self, method: str, path: str, body: str | None = None):
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # as nginx says; the production settings trust it
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Referer": f"https://127.0.0.1:{self.port}/accounts/login/",
        }
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.connection.close()
                if attempt:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, content

    def sign_in(self) -> None:
        status, page = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert status == 200 and token, f"login page: {status}"
        form = urlencode(
            {"username": self.role, "password": PASSWORD, "csrfmiddlewaretoken": token[1].decode()}
        )
        status, _ = self.request("POST", "/accounts/login/", form)
        assert status == 302, f"sign-in of {self.role} answered {status}"


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int, children_reaped: bool = False) -> float:
    """CPU seconds (user + system) of one process from /proc; with `children_reaped`, also those
    of its children that have exited (gunicorn recycles workers after `max_requests`)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children_reaped:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / CLOCK_TICKS


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                continue
    return found


def server_cpu(pid: int) -> float:
    """The server's CPU seconds so far: the process, its live workers and its exited ones."""
    return _proc_cpu(pid, children_reaped=True) + sum(_proc_cpu(c) for c in _children(pid))


def database_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the bench database (other databases'
    backends on the same server are left out)."""
    import psycopg

    name = URL.rsplit("/", 1)[1]
    with psycopg.connect(URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]
            ).fetchall()
        ]
    return {pid: _proc_cpu(pid) for pid in pids}


@dataclass
class Phase:
    users: int
    seconds: float
    think: tuple[float, float] = (0.0, 0.0)
    ramp: float = 0.0  # user i sends its first request at i * ramp / users seconds


def run_phase(port: int, phase: Phase, case_ids: dict, server_pid: int) -> dict:
    """Users of one role share its signed-in session (signing in is not what is measured:
    PBKDF2 would dominate the phase on two cores)."""
    users, seconds = phase.users, phase.seconds
    clients = [User(port, ROLES[i % len(ROLES)]) for i in range(users)]
    sessions: dict[str, dict] = {}
    for client in clients:
        if client.role not in sessions:
            client.sign_in()
            sessions[client.role] = client.cookies
        client.cookies = dict(sessions[client.role])
    timings: list[float] = []
    errors: Counter = Counter()
    lock = threading.Lock()
    low, high = phase.think
    database_before, server_before = database_cpu(), server_cpu(server_pid)
    load_before, own_before = os.getloadavg()[0], time.process_time()
    stop_at = time.monotonic() + seconds

    def loop(client: User, start_after: float) -> None:
        mine, failed = [], Counter()
        time.sleep(start_after)
        while time.monotonic() < stop_at:
            for path in pages_for(client.role, case_ids[client.role]):
                started = time.perf_counter()
                try:
                    status, _ = client.request("GET", path)
                except (http.client.HTTPException, OSError):
                    status = 0
                mine.append(time.perf_counter() - started)
                if status != 200:
                    failed[(path.split("?")[0], status)] += 1
                if high:
                    time.sleep(min(random.uniform(low, high), max(stop_at - time.monotonic(), 0)))  # noqa: S311
                if time.monotonic() >= stop_at:
                    break
        with lock:
            timings.extend(mine)
            errors.update(failed)

    threads = [
        threading.Thread(target=loop, args=(c, n * phase.ramp / users))
        for n, c in enumerate(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    own = time.process_time() - own_before
    served = server_cpu(server_pid) - server_before
    database_after = database_cpu()
    database = sum(cpu - database_before.get(pid, 0.0) for pid, cpu in database_after.items())
    quantiles = statistics.quantiles(timings, n=100) if len(timings) > 1 else [0.0] * 99
    count = max(len(timings), 1)
    return {
        "requests": len(timings),
        "rps": len(timings) / elapsed,
        "server_ms": served * 1000 / count,
        "database_ms": database * 1000 / count,
        "client_ms": own * 1000 / count,
        "load": f"{load_before:.1f}-{os.getloadavg()[0]:.1f}",
        "p50": quantiles[49] * 1000,
        "p95": quantiles[94] * 1000,
        "p99": quantiles[98] * 1000,
        "errors": sum(errors.values()),
        "error_kinds": errors.most_common(3),
    }


def start_server(kind: str, port: int, env: dict) -> subprocess.Popen:
    if kind == "gunicorn":
        argv = [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"]
        argv += ["-b", f"127.0.0.1:{port}", "relief.wsgi"]
    else:
        argv = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(  # noqa: S603
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise SystemExit(f"{kind} did not answer /healthz within 60 s")


def parse_think(text: str) -> tuple[float, float]:
    low, _, high = text.partition("-")
    return float(low), float(high or low)


def describe_server(kind: str, env: dict) -> str:
    if kind != "gunicorn":
        return "runserver (one process, a thread per connection)"
    import runpy

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        config = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    extra = (
        f" GUNICORN_CMD_ARGS={env['GUNICORN_CMD_ARGS']!r}" if env.get("GUNICORN_CMD_ARGS") else ""
    )
    return (
        f"gunicorn deploy/gunicorn.conf.py: {config['workers']} {config['worker_class']} workers"
        f" x {config['threads']} threads{extra}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=20000)
    parser.add_argument("--seconds", type=float, default=15, help="per phase")
    parser.add_argument("--users", default="8,32", help="closed-loop phases")
    parser.add_argument(
        "--think",
        default="1-3",
        help="seconds each user waits between requests in the think-time phase (0 to skip it)",
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=None,
        help="seconds over which the think-time users start (default: the think's upper bound)",
    )
    parser.add_argument("--servers", default="gunicorn,runserver")
    parser.add_argument("--keep", action="store_true", help="reuse a seeded bench database")
    args = parser.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "relief.settings.dev",
    }
    case_ids = prepare(args.people, args.keep, env)
    server_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "relief.settings.production",
        "SECRET_KEY": "bench-" + "x" * 50,
        "AUDIT_CHAIN_KEY": os.environ.get("AUDIT_CHAIN_KEY", "dev-only-insecure-key-change-me"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "ERROR",
        "RELIEF_VAR_DIR": str(ROOT / "var"),
    }
    counts = [int(n) for n in args.users.split(",")]
    phases = [Phase(users, args.seconds) for users in counts]
    think = parse_think(args.think)
    if think[1] > 0:
        ramp = think[1] if args.ramp is None else args.ramp
        phases.append(Phase(max(counts), args.seconds, think, ramp))
        if ramp:
            phases.append(Phase(max(counts), args.seconds, think, 0.0))
    print(f"people={args.people} seconds/phase={args.seconds} cpus={os.cpu_count()}")
    print("cpu ms/req: server = its processes; db = PostgreSQL backends of the bench database;")
    print("            client = this load generator (it runs on the same cores)")
    head = ("server", "users", "think s", "ramp s", "requests", "req/s")
    head += ("p50", "p95", "p99", "errors")
    tail = ("server", "db", "client", "load avg")
    print("{:<10} {:>5} {:>7} {:>6} {:>8} {:>6} {:>6} {:>6} {:>6} {:>6}".format(*head), end="")
    print("   cpu ms/req: {:>6} {:>5} {:>6}  {}".format(*tail))
    results = []
    for kind in args.servers.split(","):
        print(f"# {describe_server(kind, server_env)}", flush=True)
        port = free_port()
        server = start_server(kind, port, server_env)
        try:
            run_phase(port, Phase(8, 5), case_ids, server.pid)  # warm-up: imports, connections
            for phase in phases:
                r = run_phase(port, phase, case_ids, server.pid)
                results.append((kind, phase, r))
                pause = "0" if not phase.think[1] else f"{phase.think[0]:g}-{phase.think[1]:g}"
                print(
                    f"{kind:<10} {phase.users:>5} {pause:>7} {phase.ramp:>6g} {r['requests']:>8}"
                    f" {r['rps']:>6.1f}"
                    f" {r['p50']:>6.0f} {r['p95']:>6.0f} {r['p99']:>6.0f} {r['errors']:>6}"
                    f"   cpu ms/req: {r['server_ms']:>6.1f} {r['database_ms']:>5.1f}"
                    f" {r['client_ms']:>6.1f}  {r['load']} {r['error_kinds'] or ''}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    for kind, phase, r in results:
        if kind == "gunicorn" and phase.users == max(counts):
            met = r["errors"] == 0 and r["p95"] < 300
            low, high = phase.think
            label = f"think {low:g}-{high:g} s" if high else "closed loop"
            if high and phase.ramp:
                label += f", users starting over {phase.ramp:g} s"
            elif high:
                label += ", all at once"
            print(
                f"target ({phase.users} users, {label}): p95 {r['p95']:.0f} ms,"
                f" {r['errors']} errors vs p95 < 300 ms, 0 errors: {'MET' if met else 'NOT MET'}"
            )


if __name__ == "__main__":
    main()
