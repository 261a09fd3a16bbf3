"""Freed big blocks leave the process (gcpause.give_back_big_blocks), measured in a child process."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHILD = r"""
import sys
import numpy as np
from gphotos_tui.gcpause import give_back_big_blocks

def rss_mb():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:"))

if sys.argv[1] == "fixed":
    give_back_big_blocks()
big = np.ones(16 << 20, np.uint8)
del big  # glibc by default now serves blocks up to 16 MB from its heap
before = rss_mb()
blocks = []
for _ in range(40):
    blocks.append(np.ones(1 << 20, np.uint8))  # a column's temporaries
    blocks.append(np.ones(4096, np.uint8))  # small blocks that stay: the heap cannot shrink from its top
kept = blocks[1::2]
del blocks
print(rss_mb() - before)
"""


def _grown_mb(mode: str) -> int:
    done = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True)
    return int(done.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator, /proc")
def test_freed_temporaries_do_not_stay_in_the_process():
    if _grown_mb("default") < 30:
        pytest.skip("this C library already gives freed big blocks back")
    assert _grown_mb("fixed") < 5
