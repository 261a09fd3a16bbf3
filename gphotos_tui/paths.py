"""Where gphotos-tui keeps its files.

Everything lives under one root when ``GPHOTOS_TUI_HOME`` is set (handy for
tests, demos and several libraries side by side); otherwise the platform's
usual config, data and cache directories are used.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "gphotos-tui"
HOME_ENV = "GPHOTOS_TUI_HOME"


@dataclass(frozen=True, slots=True)
class Locations:
    config_dir: Path
    data_dir: Path
    cache_dir: Path

    @property
    def catalog(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def demo_catalog(self) -> Path:
        return self.cache_dir / "demo" / "demo-catalog.sqlite"

    @property
    def tokens(self) -> Path:
        return self.data_dir / "token.json"

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.toml"

    @property
    def thumbnails(self) -> Path:
        return self.cache_dir / "thumbnails"


def locations(env: Mapping[str, str] | None = None) -> Locations:
    if env is None:
        env = os.environ
    home = env.get(HOME_ENV)
    if home:
        root = Path(home).expanduser()
        return Locations(root / "config", root / "data", root / "cache")
    import platformdirs

    return Locations(
        platformdirs.user_config_path(APP_NAME),
        platformdirs.user_data_path(APP_NAME),
        platformdirs.user_cache_path(APP_NAME),
    )


def private_dir(path: Path) -> Path:
    """Create ``path`` readable by the owner only (it may hold tokens), tightening it when it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    tighten_dir(path)
    return path


def tighten_dir(path: Path) -> None:
    """Owner-only access to one of the app's own folders that already exists (created 0755 by an older version)."""
    try:
        st = os.stat(path)
        if st.st_mode & 0o077 and st.st_uid == os.getuid():
            os.chmod(path, 0o700)
    except OSError:
        pass


def tighten_app_dirs(loc: Locations | None = None) -> None:
    """The data, config and cache folders (and the catalog's folder inside them) 0700 where they exist."""
    loc = loc or locations()
    for folder in (loc.data_dir, loc.config_dir, loc.cache_dir):
        tighten_dir(folder)
