"""The base of every modal: the ``modal`` class that modal.tcss styles (centred, one framed box)."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

ResultT = TypeVar("ResultT")


class Modal(ModalScreen[ResultT]):
    """A modal screen with the shared look: put its content in a container with the ``dialog`` class."""

    DEFAULT_CLASSES = "modal"
