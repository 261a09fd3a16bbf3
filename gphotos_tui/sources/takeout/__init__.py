"""Google Takeout import: stream archive parts, match sidecars, write the catalog.

``import_takeout(catalog, paths, progress=...)`` is the job the sync engine
and the ``import-takeout`` command run; see ``importer`` for the flow and
``matching`` for the sidecar rules.
"""

from gphotos_tui.sources.takeout.archive import ArchiveError
from gphotos_tui.sources.takeout.importer import import_takeout
from gphotos_tui.sources.takeout.report import ImportReport

__all__ = ["ArchiveError", "ImportReport", "import_takeout"]
