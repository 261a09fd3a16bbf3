"""Typed access to the app and its catalog from screens and widgets.

``self.app`` is typed as a plain ``App``; reaching ``self.app.catalog`` is untyped and fails late
when the catalog is not open. Screens and widgets mix in ``AppAccess`` and use ``self.gphotos``
(the typed GPhotosApp) and ``self.catalog`` (its open Catalog, or a clear error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from gphotos_tui.catalog import Catalog

if TYPE_CHECKING:
    from gphotos_tui.ui.app import GPhotosApp


class CatalogNotOpen(RuntimeError):
    """The app has no open catalog (before mount, or after close)."""


def gphotos_app(node: DOMNode) -> GPhotosApp:
    """The GPhotosApp ``node`` belongs to."""
    from gphotos_tui.ui.app import GPhotosApp  # the app imports the screens: resolved at call time

    app = node.app
    if not isinstance(app, GPhotosApp):
        raise TypeError(f"{type(node).__name__} runs only inside GPhotosApp, not {type(app).__name__}")
    return app


def open_catalog(node: DOMNode) -> Catalog:
    """The app's open catalog; CatalogNotOpen when there is none."""
    catalog = gphotos_app(node).catalog
    if catalog is None:
        raise CatalogNotOpen("the catalog is not open")
    return catalog


class AppAccess:
    """Mixin for screens and widgets of GPhotosApp.

    It also sends the errors of the workers the screen or widget owns to the app (a worker's
    StateChanged does not bubble), which notifies, then calls ``work_failed`` so the owner clears
    a "loading…" it shows. Textual dispatches handlers along the MRO, so a subclass's own
    ``on_worker_state_changed`` runs as well.
    """

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR:
            self.gphotos.report_worker_error(event.worker)
            self.work_failed(event.worker)

    def work_failed(self, worker: Worker[Any]) -> None:
        """Called when a worker of this node failed: replace any "loading…" it left on screen."""

    @property
    def gphotos(self) -> GPhotosApp:
        return gphotos_app(cast(DOMNode, self))

    @property
    def catalog(self) -> Catalog:
        return open_catalog(cast(DOMNode, self))
