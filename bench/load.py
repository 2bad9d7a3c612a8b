"""Benchmark (not a test): the main pages under 8 and 32 simulated users, gunicorn beside
runserver in the same run, on PostgreSQL, loopback only.

    .venv/bin/python bench/load.py [--people 2000] [--seconds 15] [--users 8,32] [--keep]

Recreates the PostgreSQL database `bench_load` (`BENCH_DATABASE_URL` to change it) unless
`--keep` finds it seeded, migrates it and runs `seed_demo --people N`. Then, for each server —
gunicorn with `deploy/gunicorn.conf.py`, and `manage.py runserver` — and each number of users,
starts the server on a free loopback port with the production settings, warms it up, signs in
officer, finance and auditor (the users take these roles in turn and share the role's session)
and lets each user request its role's pages in a loop, one request at a time over a kept-alive
connection, for `--seconds`: the people list and a name
search, case pages, the approval queue and the change log. Prints requests/s, p50/p95/p99 (ms)
and errors per phase. Every phase is bounded in time; the servers are stopped at the end.
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
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_load")
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


def run_phase(port: int, users: int, seconds: float, case_ids: dict) -> dict:
    """Users of one role share its signed-in session (signing in is not what is measured:
    PBKDF2 would dominate the phase on two cores)."""
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
    stop_at = time.monotonic() + seconds

    def loop(client: User) -> None:
        mine, failed = [], Counter()
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
                if time.monotonic() >= stop_at:
                    break
        with lock:
            timings.extend(mine)
            errors.update(failed)

    threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.monotonic() - started
    quantiles = statistics.quantiles(timings, n=100) if len(timings) > 1 else [0.0] * 99
    return {
        "requests": len(timings),
        "rps": len(timings) / elapsed,
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--users", default="8,32")
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
    print(f"people={args.people} seconds/phase={args.seconds} cpus={os.cpu_count()}")
    head = ("server", "users", "requests", "req/s", "p50", "p95", "p99")
    print("{:<10} {:>5} {:>8} {:>7} {:>7} {:>7} {:>7} errors".format(*head))
    for kind in ("gunicorn", "runserver"):
        port = free_port()
        server = start_server(kind, port, server_env)
        try:
            run_phase(port, 8, 5, case_ids)  # warm-up: every worker's imports and connection
            for users in (int(n) for n in args.users.split(",")):
                r = run_phase(port, users, args.seconds, case_ids)
                print(
                    f"{kind:<10} {users:>5} {r['requests']:>8} {r['rps']:>7.1f} {r['p50']:>7.0f}"
                    f" {r['p95']:>7.0f} {r['p99']:>7.0f} {r['errors']} {r['error_kinds'] or ''}",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
