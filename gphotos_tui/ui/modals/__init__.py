"""The app's modal dialogs, one per module, sharing one look (modal.tcss, the ``Modal`` base)."""
