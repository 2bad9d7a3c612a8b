"""Start and stop the cluster of the several-instances test: two gunicorn instances behind
nginx (the site file shipped in deploy/nginx/relief.conf, rendered for loopback ports), two
`db_worker`s, one PostgreSQL (the test database) and one S3 server (moto, on loopback).

Every wait is bounded and names what it waited for, with the tail of that process's log.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SITE_TEMPLATE = ROOT / "deploy" / "nginx" / "relief.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path
    expected_dead: bool = False  # a worker the test killed on purpose

    def tail(self, lines: int = 30) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


@dataclass
class Cluster:
    workdir: Path
    env: dict
    processes: list[Process] = field(default_factory=list)

    def start(self, name: str, argv: list[str]) -> Process:
        log = self.workdir / f"{name}.log"
        popen = subprocess.Popen(  # noqa: S603
            argv,
            cwd=ROOT,
            env=self.env,
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes:
            try:
                process.popen.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=5)

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.tail()}" for p in self.processes)


def wait_for(what: str, check, *, timeout: float, cluster: Cluster, interval: float = 0.2):
    """Poll `check` until it returns something true; fail naming `what`, with the logs."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        for process in cluster.processes:
            if process.popen.poll() is not None and not process.expected_dead:
                raise AssertionError(
                    f"{process.name} exited ({process.popen.returncode}) while waiting for "
                    f"{what}\n{cluster.logs()}"
                )
        try:
            result = check()
        except Exception as error:  # noqa: BLE001 — report the last one if the wait fails
            last_error, result = error, None
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout:.0f} s waiting for {what} (last error: {last_error!r})\n"
        f"{cluster.logs()}"
    )


def http_ok(url: str) -> bool:
    with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
        return response.status == 200


def self_signed_certificate(workdir: Path) -> tuple[Path, Path]:
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return cert, key


def render_site(name: str, *, apps: list[int], https_port: int, objects: str, cert, key) -> str:
    """deploy/nginx/relief.conf for loopback; every replaced line must be in the shipped file,
    so the test breaks when the site file changes shape rather than testing something else."""
    site = SITE_TEMPLATE.read_text()
    servers = "\n".join(
        f"    server 127.0.0.1:{port} max_fails=3 fail_timeout=10s;" for port in apps
    )
    replacements = [
        ("    server 127.0.0.1:8000 max_fails=3 fail_timeout=10s;", servers),
        ("upstream relief_app {", f"upstream relief_app_{name} {{"),
        ("proxy_pass http://relief_app;", f"proxy_pass http://relief_app_{name};"),
        ("upstream relief_objects {", f"upstream relief_objects_{name} {{"),
        ("proxy_pass http://relief_objects/;", f"proxy_pass http://relief_objects_{name}/;"),
        ("server 127.0.0.1:9000;", f"server {objects};"),
        ("proxy_set_header Host 127.0.0.1:9000;", f"proxy_set_header Host {objects};"),
        ("    listen 80;", f"    listen 127.0.0.1:{free_port()};"),
        ("    listen [::]:80;\n", ""),
        ("    listen 443 ssl http2;", f"    listen 127.0.0.1:{https_port} ssl;"),
        ("    listen [::]:443 ssl http2;\n", ""),
        ("/etc/ssl/relief/fullchain.pem", str(cert)),
        ("/etc/ssl/relief/privkey.pem", str(key)),
        ("/srv/relief/var/", f"{ROOT / 'var'}/"),
    ]
    for old, new in replacements:
        assert old in site, f"deploy/nginx/relief.conf no longer contains {old!r}"
        site = site.replace(old, new)
    return site


def nginx_conf(workdir: Path, sites: list[str]) -> Path:
    temp = workdir / "nginx-temp"
    temp.mkdir()
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"{user}daemon off;\nworker_processes 1;\npid {workdir / 'nginx.pid'};\n"
        f"error_log {workdir / 'nginx-error.log'} warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n"
        f"  access_log {workdir / 'nginx-access.log'};\n"
        f"  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
        f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n"
        f"  scgi_temp_path {temp}/scgi;\n" + "\n".join(sites) + "\n}\n"
    )
    return conf


def python() -> str:
    return sys.executable
