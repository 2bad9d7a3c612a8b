"""gunicorn for Relief: `gunicorn -c deploy/gunicorn.conf.py relief.wsgi`.

Every value can be overridden from the environment file (deploy/relief.env). Threaded workers:
a page spends much of its time waiting for PostgreSQL, and a thread lets the worker serve another
request meanwhile (bench/load.py: 2.0x the requests/s of sync workers at 32 users); slow file
downloads go to nginx (X-Accel-Redirect), not to a worker.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two per core plus one, capped so a large machine does not exhaust PostgreSQL's connections.
workers = int(os.environ.get("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12)))
worker_class = "gthread"
# Each thread keeps its own database connection (CONN_MAX_AGE): workers x threads connections.
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a PDF of a campaign's letters
graceful_timeout = 30  # a restart lets running requests finish
keepalive = 5
# Recycle workers now and then, at staggered times, so a slow leak never takes the site down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# nginx on the same machine sets X-Forwarded-For/-Proto; trust them from it only.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
if os.environ.get("RELIEF_LOG_FORMAT") == "json":
    access_log_format = (
        '{"time": "%(t)s", "remote": "%({x-forwarded-for}i)s", "method": "%(m)s",'
        ' "path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s,'
        ' "agent": "%(a)s"}'
    )
else:
    access_log_format = '%({x-forwarded-for}i)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'
