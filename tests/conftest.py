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
