"""Media bytes: streamed to .part then renamed, bearer token sent, retries, bounded concurrency."""

import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import FakeGoogle
from gphotos_tui.google import errors
from gphotos_tui.google.media import MediaDownloader, download_url, sized
from gphotos_tui.google.quota import UsageMeter
from gphotos_tui.google.tokens import StaticToken
from gphotos_tui.google.transport import RetryPolicy

FAST = RetryPolicy(attempts=6, base_s=0.001, cap_s=0.005)


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(40, seed=3)) as server:
        yield server


def jobs(fake, tmp_path, n=12):
    out = []
    for item in fake.store.items[:n]:
        base = f"{fake.url}lr/{item.record.external_id}"
        out.append((download_url(base, item.record.media_type == "video"), tmp_path / item.record.filename))
    return out


async def test_downloads_complete_under_faults(fake, tmp_path):
    fake.faults.clear()
    for kind in ("429", "503", "drop"):
        fake.faults.add(kind, every=3, times=2, path="/lr/")
    usage = UsageMeter()
    async with MediaDownloader(StaticToken(fake.static_token), usage=usage, concurrency=3, policy=FAST) as dl:
        results = await dl.fetch_all(jobs(fake, tmp_path))
    assert all(not isinstance(r, Exception) for r in results), results
    for r in results:
        data = r.path.read_bytes()
        assert len(data) == r.size > 0 and data[:2] in (b"\xff\xd8", b"\x00\x00")
    assert not list(tmp_path.glob("*.part"))
    assert usage.session["media"] == 12 + dl.retries
    assert sum(fake.faults.fired.get(k, 0) for k in ("429", "503", "drop")) >= 3


async def test_sized_url_and_missing_token(fake, tmp_path):
    fake.faults.clear()
    base = f"{fake.url}lr/{fake.store.items[0].record.external_id}"
    async with MediaDownloader(StaticToken(fake.static_token), policy=FAST) as dl:
        got = await dl.fetch(sized(base, 64, 48), tmp_path / "thumb.jpg")
    assert got.path.read_bytes()[:2] == b"\xff\xd8"
    async with MediaDownloader(StaticToken("ya29.wrong"), policy=FAST) as dl:
        with pytest.raises(errors.AuthError) as caught:
            await dl.fetch(sized(base, 64, 48), tmp_path / "never.jpg")
    assert "ya29" not in str(caught.value)
    assert not (tmp_path / "never.jpg").exists()


async def test_download_quota_exhausted_is_typed(fake, tmp_path):
    fake.faults.clear()
    fake.faults.add("429", times=None, path="/lr/")
    base = f"{fake.url}lr/{fake.store.items[0].record.external_id}"
    async with MediaDownloader(StaticToken(fake.static_token), policy=FAST) as dl:
        with pytest.raises(errors.QuotaExhausted):
            await dl.fetch(base + "=d", tmp_path / "x.jpg")
    fake.faults.clear()
