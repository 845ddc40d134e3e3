from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, numpy
from threadpoolctl import threadpool_info
from relaydesk.api.compute_threads import one_blas_thread
def blas(): return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
before = blas()
one_blas_thread()
print(json.dumps({"before": before, "after": blas()}))
"""


def test_that_a_server_process_does_its_arithmetic_on_one_blas_thread() -> None:
    # a process of its own: the setting lasts for the process's life
    preset = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")
    env = {name: value for name, value in os.environ.items() if name not in preset}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, env=env
    )
    threads = json.loads(done.stdout.strip().splitlines()[-1])
    assert threads["before"], "numpy's BLAS should be found"
    assert threads["after"] == [1] * len(threads["before"])
