"""Duplicates: typed classes found by metadata blocking and perceptual hashes, with keeper rules.

Flow: ``scan`` hashes what is new (``providers`` -> ``hashing``, stored in
``perceptual_hashes``), finds the metadata ``classes`` in linear time and the
``near`` class through a multi-index hash ``index``, then applies the
decisions stored in ``duplicate_decisions``. ``actions`` exports a plan and
moves local discards to a trash folder with an undo log.
"""

from gphotos_tui.analysis.duplicates.model import KINDS, DupItem, Group, Settings, group_key
from gphotos_tui.analysis.duplicates.scan import ScanResult, find_groups, scan

__all__ = ["KINDS", "DupItem", "Group", "ScanResult", "Settings", "find_groups", "group_key", "scan"]
