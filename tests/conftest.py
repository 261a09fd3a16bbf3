import pytest

from gphotos_tui.catalog import Catalog


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test gets its own GPHOTOS_TUI_HOME: nothing touches the real user dirs."""
    home = tmp_path / "home"
    monkeypatch.setenv("GPHOTOS_TUI_HOME", str(home))
    # The loopback OAuth stand-in speaks http; oauthlib sends codes only over https unless told.
    # Only tests say so: the app never sets this.
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    return home


@pytest.fixture
async def catalog(tmp_path):
    cat = await Catalog.open(tmp_path / "catalog.sqlite")
    try:
        yield cat
    finally:
        await cat.close()


@pytest.fixture(scope="session")
def dupes_demo_db(tmp_path_factory):
    """A 1,500-item demo catalog scanned once (hashes stored), shared by the duplicates tests in unit/ and
    system/ so that later scans only regroup."""
    import asyncio

    from gphotos_tui.analysis.duplicates import scan
    from gphotos_tui.demo.job import fill_demo
    from gphotos_tui.engine.byte_sources import default_providers

    path = tmp_path_factory.mktemp("dupes") / "catalog.sqlite"

    async def build():
        catalog = await Catalog.open(path)
        try:
            await fill_demo(catalog, 1500, 42, page_size=500)
            result = await scan(catalog, providers=default_providers(), workers=2)
            assert result.hashed > 1000 and not result.hash_errors
        finally:
            await catalog.close()

    asyncio.run(build())
    return path
