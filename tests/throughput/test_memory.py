"""A server process gives freed large blocks back to the kernel, where the C library can."""

from __future__ import annotations

import json
import platform
import subprocess
import sys

import pytest

PROBE = """
import ctypes, json, sys
from relaydesk.api.memory import large_blocks_go_back
fixed = large_blocks_go_back() if sys.argv[1] == "fixed" else None
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.malloc.argtypes = [ctypes.c_size_t]
libc.free.argtypes = [ctypes.c_void_p]
SIZE = 8 * 1024 * 1024
def resident_kb():
    with open("/proc/self/status") as status:
        return int(next(l for l in status if l.startswith("VmRSS")).split()[1])
def block():
    address = libc.malloc(SIZE)
    ctypes.memset(address, 1, SIZE)
    return address
libc.free(block())  # glibc raises its threshold past this size when it is freed
lower, upper = block(), block()  # the upper one keeps the heap from shrinking
before = resident_kb()
libc.free(lower)
print(json.dumps({"fixed": fixed, "kept_kb": resident_kb() - before + SIZE // 1024}))
"""


def kept_after_free(mode: str) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the setting is glibc's mallopt")
def test_a_freed_large_block_stays_resident_by_default_and_goes_back_with_the_setting() -> None:
    size_kb = 8 * 1024
    default, fixed = kept_after_free("default"), kept_after_free("fixed")
    assert default["kept_kb"] >= size_kb  # carved from the heap, whose free space stays
    assert fixed["fixed"] is True
    assert fixed["kept_kb"] < size_kb // 4  # mapped, and unmapped when freed
