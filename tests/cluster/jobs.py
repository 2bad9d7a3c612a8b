"""A slow job for the cluster test: it notes each start and each finish in a file, so the test
can count runs that began and runs that completed."""

import os
import time

from jobs.registry import JobResult, job_handler


@job_handler("cluster.slow")
def slow(job, progress) -> JobResult:
    marker = job.params["marker"]
    with open(marker, "a") as out:
        out.write(f"started {os.getpid()}\n")
    for step in range(job.params["steps"]):
        time.sleep(0.1)
        progress(step + 1, job.params["steps"])
    with open(marker, "a") as out:
        out.write(f"finished {os.getpid()}\n")
    return JobResult(filename="slow.txt", content=b"slow", message="ok")
