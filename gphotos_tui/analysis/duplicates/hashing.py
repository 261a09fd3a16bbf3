"""64-bit perceptual hashes (pHash: DCT of a 32x32 grey thumbnail) from image bytes.

JPEGs are decoded in draft mode, which lets libjpeg scale by 1/2..1/8 while
decoding, so a 12-megapixel photo costs a fraction of a full decode. Work
is spread over processes; each job carries a picklable loader that returns
the bytes, so files are read inside the worker, not shipped to it.
"""

from __future__ import annotations

import io
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context

import numpy as np
from PIL import Image, ImageOps

_SIDE = 32


def _dct_matrix(n: int) -> np.ndarray:
    k = np.arange(n)[:, None]
    x = np.arange(n)[None, :]
    return np.cos(np.pi * (2 * x + 1) * k / (2 * n))


_DCT = _dct_matrix(_SIDE)


def to_signed(value: int) -> int:
    """SQLite stores signed 64-bit integers."""
    return value - (1 << 64) if value >= 1 << 63 else value


def grey_thumbnail(data: bytes, side: int = _SIDE) -> Image.Image:
    """Decode at reduced size (JPEG draft mode), upright, grey, ``side`` x ``side``."""
    opened = Image.open(io.BytesIO(data))
    opened.draft("L", (side * 2, side * 2))  # libjpeg DCT scaling: never below twice the target
    img = ImageOps.exif_transpose(opened.convert("L") if opened.mode not in ("L", "RGB") else opened)
    return img.convert("L").resize((side, side), Image.Resampling.BOX)


def phash_image(img: Image.Image) -> int:
    """pHash of an already reduced grey image: signs of the 8x8 lowest DCT terms against their median."""
    pixels = np.asarray(img, dtype=np.float64)
    low = (_DCT @ pixels @ _DCT.T)[:8, :8].ravel()
    bits = np.packbits(low > np.median(low))
    return to_signed(int.from_bytes(bits.tobytes(), "big"))


def phash_bytes(data: bytes) -> int:
    return phash_image(grey_thumbnail(data))


@dataclass(frozen=True, slots=True)
class HashJob:
    item_id: int
    load: Callable[[], bytes]  # picklable: runs inside the worker process


@dataclass(frozen=True, slots=True)
class HashResult:
    item_id: int
    hash: int | None
    error: str | None = None


def run_job(job: HashJob) -> HashResult:
    try:
        return HashResult(job.item_id, phash_bytes(job.load()))
    except Exception as exc:  # one unreadable file must not stop the others
        return HashResult(job.item_id, None, f"{type(exc).__name__}: {exc}")


def hash_jobs(
    jobs: Iterable[HashJob], workers: int | None = None, inline_below: int = 32, stop: threading.Event | None = None
) -> list[HashResult]:
    """Hash every job, in order, in one ``HashPool`` (in this thread below ``inline_below`` jobs).

    Setting ``stop`` ends the work early: what has finished is returned.
    """
    jobs = list(jobs)
    with HashPool(workers, inline=len(jobs) < inline_below) as pool:
        return pool.hash(jobs, stop)


class HashPool:
    """Worker processes (threads where processes cannot start) kept for a whole run of batches.

    ``inline`` hashes in the calling thread instead: for a handful of photos
    starting workers costs more than it saves.
    """

    def __init__(self, workers: int | None = None, inline: bool = False) -> None:
        self.workers = workers or os.cpu_count() or 1
        self.inline = inline or self.workers == 1
        self._executor: ProcessPoolExecutor | ThreadPoolExecutor | None = None

    def __enter__(self) -> HashPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)  # stopped early: only running jobs finish
            self._executor = None

    def hash(self, jobs: list[HashJob], stop: threading.Event | None = None) -> list[HashResult]:
        """Hash one batch in order; when ``stop`` is set, return what has finished so far."""
        out = []
        for result in map(run_job, jobs) if self.inline else self._map(jobs):
            out.append(result)
            if stop is not None and stop.is_set():
                break
        return out

    def _map(self, jobs: list[HashJob]) -> Iterator[HashResult]:
        chunksize = max(1, min(16, len(jobs) // (self.workers * 4)))
        if self._executor is None:
            try:
                self._executor = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
                return self._executor.map(run_job, jobs, chunksize=chunksize)
            except (OSError, ValueError):  # no worker processes inside a Textual app: threads (see above)
                if self._executor is not None:
                    self._executor.shutdown(wait=False, cancel_futures=True)
                self._executor = ThreadPoolExecutor(self.workers)
        return self._executor.map(run_job, jobs, chunksize=chunksize)
