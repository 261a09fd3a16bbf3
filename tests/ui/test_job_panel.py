"""The progress panel says what each job counts, and nothing it does not."""

from __future__ import annotations

from gphotos_tui.progress import JobProgress, JobState
from gphotos_tui.ui.widgets.job_panel import describe


def test_a_running_sync_shows_every_counter_its_speed_and_quota():
    p = JobProgress(
        "library-media",
        "Library",
        items=500,
        pages=5,
        total=1000,
        requests=6,
        retries=1,
        quota_used=6,
        quota_limit=10_000,
    )
    text = describe(p, items_per_second=100.0)
    assert "Items 500 of 1,000   Pages 5   100/s   ETA" in text
    assert "Requests 6   Retries 1   Errors 0   Quota today 6/10,000" in text


def test_a_finished_takeout_import_shows_its_items_but_no_requests_or_pages():
    p = JobProgress("takeout", "Google Takeout", state=JobState.DONE, items=300, total=300, message="300 items")
    lines = describe(p).splitlines()
    assert lines == ["[b]Google Takeout[/b]: done — 300 items", "Items 300 of 300"]


def test_a_finished_backup_says_it_in_its_message_without_zero_counters():
    p = JobProgress("backup", "Backup to /x", state=JobState.DONE, message="347 copied, 0 errors")
    assert describe(p) == "[b]Backup to /x[/b]: done — 347 copied, 0 errors"


def test_errors_show_even_without_requests():
    p = JobProgress("takeout", "Google Takeout", state=JobState.FAILED, items=10, errors=2)
    assert describe(p).splitlines()[-1] == "Errors 2"
