"""The gphotos-tui terminal app: four modes over one catalog, plus long-running jobs.

The catalog is opened before any mode screen mounts and closed on exit.
Jobs (today the demo fill; later Google sync, Picker and Takeout import)
run as App-level workers in the "sync" group; their progress arrives as
paced ``JobProgressed`` messages, and the screen in view reloads at most
once a second while pages land.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path, PurePath
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerError, WorkerState, get_current_worker

from gphotos_tui.analysis.stats_filters import Filters
from gphotos_tui.catalog import Catalog, CatalogError
from gphotos_tui.catalog.store import needs_check, quick_check
from gphotos_tui.demo.catalog import mark_as_demo, reset_demo_catalog
from gphotos_tui.demo.job import DEMO_LABEL, fill_demo
from gphotos_tui.engine.google_jobs import GoogleAccess, pick_photos, sync_library
from gphotos_tui.engine.lock import CatalogBusy, CatalogLock
from gphotos_tui.engine.takeout import demo_takeout_dir, final_progress, import_job
from gphotos_tui.gcpause import give_back_big_blocks
from gphotos_tui.progress import JobProgress, JobState, ProgressCallback
from gphotos_tui.sources.takeout.report import ImportReport
from gphotos_tui.ui import lifecycle
from gphotos_tui.ui.jobs import ProgressRelay
from gphotos_tui.ui.messages import JobProgressed, LogEntry
from gphotos_tui.ui.modals.help import HelpScreen, collect_bindings
from gphotos_tui.ui.modals.paths import PathsScreen, takeout_paths_screen
from gphotos_tui.ui.modals.picker import PickerScreen
from gphotos_tui.ui.modals.takeout_report import TakeoutReportScreen
from gphotos_tui.ui.screens.albums import AlbumsScreen
from gphotos_tui.ui.screens.base import CatalogScreen
from gphotos_tui.ui.screens.duplicates import DuplicatesScreen
from gphotos_tui.ui.screens.stats import StatsScreen, load_stats
from gphotos_tui.ui.screens.sync import SyncScreen
from gphotos_tui.ui.stylesheet import ParseOnceStylesheet

SYNC_GROUP = "sync"
DEMO_SEED = 42
DEMO_PAGE_SIZE = 100
RELOAD_EVERY = 1.0  # seconds between catalog-changed reloads of the screen in view
# A reload that took t seconds waits at least this many t before the next, so scanning a
# million-item catalog never takes more than a small share of the CPU a running job needs.
RELOAD_COST_FACTOR = 5.0
MODE_TITLES = {"sync": "Sync", "albums": "Albums", "stats": "Stats", "duplicates": "Duplicates"}

JobRunner = Callable[[ProgressCallback], Awaitable[JobProgress]]


UI_DIR = Path(__file__).parent


def stylesheets() -> list[str | PurePath]:  # App.CSS_PATH's type
    """Every .tcss of the UI package (each next to its screen or modal), the shared modal style first.

    All are read once, as the app starts: a screen's own CSS_PATH would be read on its first
    visit and restyle the whole app then.
    """
    shared = UI_DIR / "modals" / "modal.tcss"
    return [shared, *(path for path in sorted(UI_DIR.rglob("*.tcss")) if path != shared)]


def catalog_label(path: Path, demo: bool) -> str:
    if demo:
        return "demo"
    home = Path.home()
    try:
        return f"~/{path.relative_to(home)}"
    except ValueError:
        return str(path)


class GPhotosApp(App[None]):
    """Sync, Albums, Stats and Duplicates over one catalog; keys 1-4 switch modes."""

    TITLE = "gphotos-tui"
    CSS_PATH = stylesheets()
    MODES = {"sync": SyncScreen, "albums": AlbumsScreen, "stats": StatsScreen, "duplicates": DuplicatesScreen}
    # Shown by the ModeBar on every screen (it fits 80 columns), so kept out of the footer.
    BINDINGS = [
        Binding("1", "mode('sync')", "Sync", id="mode.sync", tooltip="Sources, live progress and log", show=False),
        Binding("2", "mode('albums')", "Albums", id="mode.albums", tooltip="Albums and their items", show=False),
        Binding("3", "mode('stats')", "Stats", id="mode.stats", tooltip="Charts of shooting habits", show=False),
        Binding(
            "4", "mode('duplicates')", "Dupes", id="mode.duplicates", tooltip="Duplicate groups to review", show=False
        ),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Every key of this screen", show=False),
        Binding("q", "quit", "Quit", id="app.quit", show=False),
    ]

    def __init__(
        self,
        db_path: str | Path,
        demo_size: int | None = None,
        *,
        label: str | None = None,
        start_demo: bool = True,
        demo_page_delay: float = 0.08,
        watch_terminal: bool = False,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__()
        self.stylesheet = ParseOnceStylesheet(variables=self.get_css_variables())
        give_back_big_blocks()  # freed columns of a screen's pass leave the process instead of piling up
        if "TEXTUAL_ANIMATIONS" not in os.environ:  # the user's choice wins; off saves SSH bandwidth
            self.animation_level = "none"
        self.db_path = Path(db_path)
        self.demo_size = demo_size
        self.start_demo = start_demo
        self.demo_page_delay = demo_page_delay
        self.watch_terminal = watch_terminal
        self.clock = clock
        self.sub_title = label or catalog_label(self.db_path, self.demo)
        self.catalog: Catalog | None = None
        self.current_job: JobProgress | None = None
        self.job_log: deque[LogEntry] = deque(maxlen=200)
        self._log_seq = 0
        self._catalog_changed = False
        self._next_reload = 0.0
        self._runs: dict[Worker[Any], ProgressRelay] = {}  # running jobs and their progress relays
        self._locks: dict[Worker[Any], CatalogLock] = {}  # ... and the catalog lock each holds
        self.google = GoogleAccess(demo_size)
        self.takeout_report: ImportReport | None = None  # the last Takeout import's diagnostics
        self.takeout_parts: list[str] = []  # ... and its parts, offered as the backup's source of originals
        self.catalog_damage: str | None = None  # what the start-up quick_check found, if the catalog is damaged

    @property
    def demo(self) -> bool:
        return self.demo_size is not None

    # -- lifecycle ----------------------------------------------------------------

    async def on_mount(self) -> None:
        try:
            if self.demo:
                reset_demo_catalog(self.db_path)
            check = not self.demo and needs_check(self.db_path)  # before opening: the stamp needs no -wal file
            self.catalog = await Catalog.open(self.db_path)
            if self.demo:
                await mark_as_demo(self.catalog)
        except (CatalogError, OSError) as exc:
            self.exit(return_code=1, message=f"gphotos-tui: {exc}")
            return
        if check:
            self._check_catalog(self.db_path)  # in a thread: start-up does not wait for it
        elif not self.demo:
            self.catalog.mark_checked()  # as a checked writer left it: a clean close vouches again
        self.set_interval(RELOAD_EVERY, self._reload_if_changed, name="catalog-reload")
        if self.watch_terminal:
            lifecycle.install_signal_handlers(self)
            if lifecycle.terminal_alive():  # watch only a terminal we had to begin with
                lifecycle.start_terminal_watchdog(self)
        await self.action_mode("sync")
        self._warm_stats()
        self.call_after_refresh(self._prebuild_stats)
        if self.demo and self.start_demo:
            self.action_start_demo()

    async def on_unmount(self) -> None:
        """Stop jobs first (each finishes its page or rolls it back), then close the catalog."""
        self.workers.cancel_group(self, "stats-warm")
        self.workers.cancel_group(self, "catalog-check")
        try:
            await self._cancel_jobs()
        finally:  # a failure while stopping jobs must not leave the catalog's thread running
            self.google.close()
            if self.catalog is not None:
                await self.catalog.close()
                self.catalog = None

    # -- modes and help -------------------------------------------------------------

    async def action_mode(self, mode: str) -> None:
        if self.catalog is None:
            return
        await self.switch_mode(mode)
        self.screen_stack[0].title = f"{self.title} · {MODE_TITLES[mode]}"

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(collect_bindings(self.screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, title in MODE_TITLES.items():
            yield SystemCommand(
                f"{title} screen", f"Switch to the {title} mode", lambda m=mode: self.run_action(f"mode('{m}')")
            )
        yield SystemCommand("Help: keys", "Every key of the current screen", self.action_help)
        yield SystemCommand(
            "Sync: Library API", "List the items this app created in Google Photos", self.action_sync_google
        )
        yield SystemCommand(
            "Import: Google Takeout", "Import Takeout parts (.zip, .tgz, folders)", self.action_import_takeout
        )
        yield SystemCommand(
            "Scan: local folder", "Index a local folder and link it to your Google items", self.action_scan_folder
        )
        yield SystemCommand(
            "Backup: originals", "Copy originals into a local folder, incrementally", self.action_backup
        )
        yield SystemCommand(
            "Sync: pick photos", "Pick photos in Google Photos (Picker API) and catalog them", self.action_pick_photos
        )
        if self.demo:
            yield SystemCommand("Demo: start", "Start or resume filling the demo library", self.action_start_demo)
            yield SystemCommand("Demo: stop", "Stop the demo fill (it resumes later)", self.action_stop_job)

    # -- jobs --------------------------------------------------------------------

    @property
    def job_running(self) -> bool:
        return any(w.group == SYNC_GROUP and not w.is_finished for w in self.workers)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start_demo", "restart_demo"):
            if not self.demo:
                return False
            return None if action == "start_demo" and self.job_running else True
        if action in ("sync_google", "pick_photos", "import_takeout", "scan_folder", "backup"):
            return None if self.job_running else True
        if action == "takeout_report":
            return True if self.takeout_report is not None else None
        if action == "stop_job":
            if self.job_running:
                return True
            return None if self.demo else False  # greyed in the demo, hidden until a job exists
        return True

    def start_job(self, job: str, label: str, run: JobRunner) -> Worker[Any] | None:
        """Run ``run(progress_callback)`` as the one job of the "sync" group.

        The job holds the catalog's lock, as the CLI's commands do, so a sync from cron and one
        from the app never write the same catalog at once; the second one is refused, clearly.
        """
        if self.job_running:
            self.log_line(f"{label}: another job is running; stop it first", error=True)
            return None
        if self.catalog_damage is not None:
            self.log_line(f"{label}: {self.catalog_damage}", error=True)
            self.notify(f"{label} not started: {self.catalog_damage}", severity="error", timeout=15)
            return None
        lock = self._acquire(CatalogLock(self.db_path, f"the app's {job} job"), label, "not started")
        if lock is None:
            return None
        self.log_line(f"{label}: started")
        relay = ProgressRelay(self)

        async def locked() -> JobProgress:
            try:
                if self.catalog is not None:
                    await self.catalog.end_stale_runs()  # holding the lock: a run still "running" was cut off
                return await run(relay)
            finally:
                lock.release()

        worker = self.run_worker(
            locked(), name=job, group=SYNC_GROUP, description=label, exclusive=True, exit_on_error=False
        )
        self._runs[worker] = relay
        self._locks[worker] = lock
        self.refresh_bindings()
        return worker

    def action_start_demo(self) -> None:
        if not self.demo or self.catalog is None:
            return
        catalog, size, delay = self.catalog, self.demo_size, self.demo_page_delay
        assert size is not None  # self.demo

        def run(progress: ProgressCallback) -> Awaitable[JobProgress]:
            return fill_demo(catalog, size, DEMO_SEED, page_size=DEMO_PAGE_SIZE, page_delay=delay, progress=progress)

        self.start_job("demo", DEMO_LABEL, run)

    def _signed_in_or_ask(self, then: Callable[[], None]) -> bool:
        """True when Google credentials exist; otherwise open the sign-in modal (or explain)."""
        if self.demo:
            return True
        from gphotos_tui.google.auth import load_client_secret
        from gphotos_tui.google.errors import GoogleError
        from gphotos_tui.google.tokens import ACCESS_TOKEN_ENV
        from gphotos_tui.paths import locations

        if os.environ.get(ACCESS_TOKEN_ENV) or locations().tokens.exists():
            return True
        secret = locations().config_dir / "client_secret.json"
        try:
            client = load_client_secret(secret)
        except (GoogleError, OSError):
            self.notify(
                "Not signed in to Google. Run `gphotos-tui auth --client-secret FILE` once "
                "(see the README for the Cloud Console steps).",
                severity="warning",
                timeout=12,
            )
            return False
        from gphotos_tui.ui.modals.signin import SignInScreen

        self.push_screen(SignInScreen(client), lambda tokens: then() if tokens else None)
        return False

    def action_sync_google(self) -> None:
        if self.catalog is None or not self._signed_in_or_ask(self.action_sync_google):
            return
        catalog = self.catalog
        label = "Library API sync" + (" (demo: loopback fake Google)" if self.demo else "")
        self.start_job("library", label, lambda progress: sync_library(self.google.clients(catalog), catalog, progress))

    def action_pick_photos(self) -> None:
        if self.catalog is None or not self._signed_in_or_ask(self.action_pick_photos):
            return
        catalog = self.catalog

        def show_link(uri: str, expires_in: float | None) -> None:
            self.log_line(f"Picker: open {uri} to pick photos")
            self.push_screen(PickerScreen(uri, expires_in))

        label = "Pick photos" + (" (demo: the fake user picks after a few polls)" if self.demo else "")
        self.start_job(
            "picker", label, lambda progress: pick_photos(self.google.clients(catalog), catalog, progress, show_link)
        )

    def action_import_takeout(self) -> None:
        if self.catalog is None:
            return
        catalog = self.catalog
        suggestion = str(demo_takeout_dir()) if self.demo else ""

        def start(paths: list[str] | None) -> None:
            if not paths:
                return

            async def run(progress: ProgressCallback) -> JobProgress:
                report, parts = await import_job(catalog, paths, progress, demo_size=self.demo_size)
                self.takeout_report, self.takeout_parts = report, parts
                final = final_progress(report)
                if report.unmatched_media or report.orphan_sidecars or report.errors:
                    self.log_line(
                        f"Takeout: {len(report.unmatched_media):,} unmatched media, "
                        f"{len(report.orphan_sidecars):,} orphan sidecars, {len(report.errors):,} errors "
                        "(press u for the list)",
                        error=bool(report.errors),
                    )
                return final

            self.start_job("takeout", "Google Takeout import", run)

        self.push_screen(takeout_paths_screen(suggestion), start)

    def action_scan_folder(self) -> None:
        if self.catalog is None:
            return
        catalog = self.catalog

        def start(paths: list[str] | None) -> None:
            if not paths:
                return
            from gphotos_tui.sources.folder import scan_folder

            async def run(progress: ProgressCallback) -> JobProgress:
                report = await scan_folder(catalog, paths[0], progress=progress)
                from gphotos_tui.backup.status import backup_status

                status = await backup_status(catalog)
                return JobProgress(
                    "folder",
                    f"Folder {paths[0]}",
                    state=JobState.DONE,
                    items=getattr(report, "files", 0) or 0,
                    message=status.one_line(),
                )

            self.start_job("folder", "Local folder scan", run)

        self.push_screen(
            PathsScreen(
                "Scan a local folder",
                "Index photos and videos under a folder (EXIF, size, content hash) and link them to your Google items.",
                "",
                "~/Pictures",
            ),
            start,
        )

    def action_backup(self) -> None:
        if self.catalog is None:
            return
        catalog = self.catalog
        from gphotos_tui.paths import locations

        dest = str(locations().cache_dir / "demo-backup") if self.demo else ""
        suggestion = " ".join([dest, *self.takeout_parts]).strip()

        def start(paths: list[str] | None) -> None:
            if not paths:
                return
            from gphotos_tui.backup.run import run_backup

            async def run(progress: ProgressCallback) -> JobProgress:
                library, _picker, usage = (
                    self.google.clients(catalog) if self._signed_in_quietly() else (None, None, None)
                )
                tokens = library.client.caller.tokens if library else None
                report = await run_backup(
                    catalog, paths[0], takeout=paths[1:], library=library, tokens=tokens, usage=usage, progress=progress
                )
                return JobProgress("backup", f"Backup to {paths[0]}", state=JobState.DONE, message=report.one_line())

            self.start_job("backup", "Backup of originals", run)

        self.push_screen(
            PathsScreen(
                "Back up originals",
                "First the destination folder, then (optional) the Takeout parts to copy originals "
                "from; items without a Takeout copy are downloaded through Google (lower fidelity: no GPS, transcoded "
                "videos). Files go to DEST/YYYY/MM/, albums become folders of links; a second run is incremental.",
                suggestion,
                "~/PhotoBackup ~/Downloads/takeout-*.zip",
            ),
            start,
        )

    def _signed_in_quietly(self) -> bool:
        from gphotos_tui.google.tokens import ACCESS_TOKEN_ENV
        from gphotos_tui.paths import locations

        return self.demo or bool(os.environ.get(ACCESS_TOKEN_ENV)) or locations().tokens.exists()

    def action_takeout_report(self) -> None:
        if self.takeout_report is not None:
            self.push_screen(TakeoutReportScreen(self.takeout_report))

    async def action_stop_job(self) -> None:
        await self._cancel_jobs()

    async def _cancel_jobs(self) -> None:
        """Cancel every job and wait until each has rolled back or finished its page."""
        for worker in [w for w in self.workers if w.group == SYNC_GROUP]:
            worker.cancel()
            try:
                await worker.wait()
            except WorkerError:  # cancelled or failed: either way it has stopped
                pass
            self._job_ended(worker)

    async def action_restart_demo(self) -> None:
        await self._cancel_jobs()
        self.action_start_demo()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The app's own workers; screens and widgets forward their workers' errors (AppAccess)."""
        if event.worker.group == SYNC_GROUP:
            if event.state in (WorkerState.SUCCESS, WorkerState.CANCELLED, WorkerState.ERROR):
                self._job_ended(event.worker)
        elif event.state is WorkerState.ERROR:
            self.report_worker_error(event.worker)

    def report_worker_error(self, worker: Worker[Any]) -> None:
        """Any failed worker (but a job, which reports its own end): a notification and a log line."""
        what = worker.description or worker.name or worker.group
        error = worker.error
        reason = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
        self.log_line(f"{what} failed: {reason}", error=True)
        self.notify(f"{what} failed: {reason}", title="Background work failed", severity="error", timeout=15)

    def _job_ended(self, worker: Worker[Any]) -> None:
        """Log how a job ended and show its final state; once per job."""
        lock = self._locks.pop(worker, None)
        if lock is not None:
            lock.release()  # also when the worker was cancelled before it started
        relay = self._runs.pop(worker, None)
        if relay is None:
            return
        relay.stop()
        label = worker.description or worker.name
        last = relay.latest or JobProgress(worker.name, label)
        if worker.state is WorkerState.SUCCESS and isinstance(worker.result, JobProgress):
            final = worker.result
            self.log_line(
                f"{label}: finished: {final.message}"
                if final.message
                else f"{label}: finished, {final.items:,} items in {final.pages:,} pages"
            )
        elif worker.state is WorkerState.ERROR:
            final = last.advanced(state=JobState.FAILED, errors=last.errors + 1, message=str(worker.error))
            self.log_line(f"{label}: failed: {worker.error}", error=True)
            self.notify(f"{label} failed: {worker.error}", severity="error", timeout=10)
        else:
            final = last.advanced(state=JobState.CANCELLED, message="stopped; start again to resume")
            self.log_line(f"{label}: stopped at {last.items:,} items (resumable)")
        relay.finish(final)
        self._catalog_changed = True
        self._warm_stats()
        if self.screen_stack:  # empty while shutting down
            self.refresh_bindings()

    async def _prebuild_stats(self) -> None:
        """Build the Stats screen (widgets, styles) right after the first paint, off screen.

        Mounting it is most of a first visit's cost (about 0.5 s at 120x40 on a small VM);
        done here, pressing 3 only switches to it and draws the statistics the warm-up computed.
        """
        if self.catalog is None or self.current_mode != "sync" or len(self.screen_stack) != 1:
            return  # the user is already elsewhere: build it when they go there
        with self.batch_update():
            await self.switch_mode("stats")
            # Styles the mounted screen now; else Textual restyles the whole app on the first visit.
            self.refresh_css(animate=False)
            await self.switch_mode("sync")

    def _warm_stats(self) -> None:
        """Compute the Stats screen's default view in the background, so visiting it is immediate.

        One scan of the catalog into the stats snapshot (cached on disk by the catalog's
        fingerprint: nothing is read again while the catalog is unchanged).
        """
        if self.catalog is None or not self.screen_stack or self.job_running:
            return
        self._warm_stats_worker(self.db_path)  # exclusive: a newer warm-up replaces a running one

    @work(thread=True, group="catalog-check", exit_on_error=False, description="Catalog check")
    def _check_catalog(self, path: Path) -> None:
        """``PRAGMA quick_check`` of the catalog the app opened, as the CLI's writers do (issue 11). Skipped
        when the ``<catalog>.checked`` stamp says a checked writer left it as it is."""
        cancelled = get_current_worker().cancelled_event
        try:
            passed = quick_check(path, stop=cancelled)  # quitting abandons it
        except CatalogError as exc:
            self.call_from_thread(self._catalog_damaged, str(exc))
        else:
            catalog = self.catalog
            if passed and catalog is not None:
                catalog.mark_checked()

    def _catalog_damaged(self, message: str) -> None:
        self.catalog_damage = message
        self.log_line(message, error=True)
        self.notify(
            f"{message}. Jobs that write the catalog are refused until it is recovered.",
            title="The catalog is damaged",
            severity="error",
            timeout=60,
        )

    def lock_for_write(self, what: str) -> CatalogLock | None:
        """The catalog lock for a write a screen makes itself (Duplicates decisions), taken as the app's jobs
        and every CLI writer take it; release it when the write is done. None, after a notification, when
        another run holds it or the catalog is damaged. While one of the app's own jobs holds the lock, the
        process already owns the catalog: the lock returned is not taken (releasing it does nothing)."""
        if self.catalog_damage is not None:
            self.notify(f"{what} not saved: {self.catalog_damage}", severity="error", timeout=15)
            return None
        lock = CatalogLock(self.db_path, f"the app's {what}")
        if any(held.held for held in self._locks.values()):
            return lock
        return self._acquire(lock, what, "not saved")

    def _acquire(self, lock: CatalogLock, label: str, refused: str) -> CatalogLock | None:
        """``lock`` taken (one writer per catalog: a CLI import or sync may hold it), or None after saying
        why in the log and a notification ("<label> <refused>: <why>")."""
        try:
            lock.acquire()
        except (CatalogBusy, OSError) as exc:
            self.log_line(f"{label}: {exc}", error=True)
            self.notify(f"{label} {refused}: {exc}", severity="error", timeout=15)
            return None
        return lock

    @work(thread=True, group="stats-warm", exclusive=True, exit_on_error=False, description="Stats warm-up")
    def _warm_stats_worker(self, path: Path) -> None:
        try:
            load_stats(path, Filters(), stop=get_current_worker().cancelled_event)
            from gphotos_tui.analysis.stats_cache import release_snapshot

            # The screen shows the cached result; the column arrays go (a filter maps them from disk).
            release_snapshot(path)
        except Exception:  # only a head start: the screen computes and reports errors itself
            pass

    def on_job_progressed(self, message: JobProgressed) -> None:
        previous = self.current_job
        progress = message.progress
        if (
            previous is not None
            and previous.job == progress.job
            and (
                progress.started < previous.started
                or (progress.started == previous.started and previous.state is not JobState.RUNNING)
            )
        ):
            return  # a late report of a run that already ended
        self.current_job = progress
        if not self.screen_stack:  # shutting down
            return
        if previous is None or progress.pages != previous.pages or progress.state is not previous.state:
            self._catalog_changed = True
        screen: Screen[Any] = self.screen
        if isinstance(screen, PickerScreen) and progress.job == "picker":
            screen.progressed(progress)
            screen = self.screen_stack[0] if len(self.screen_stack) > 1 else screen
        if isinstance(screen, SyncScreen):
            screen.job_changed(progress)
        self.refresh_bindings()

    def log_line(self, text: str, *, error: bool = False) -> None:
        stamp = time.strftime("%H:%M:%S", time.gmtime(self.clock()))
        self._log_seq += 1
        self.job_log.append(LogEntry(self._log_seq, stamp, text, error))
        # During shutdown the screen stack is already empty.
        if self.screen_stack and isinstance(self.screen, SyncScreen):
            self.screen.show_new_log_entries()

    def _reload_if_changed(self) -> None:
        if not self.screen_stack:
            return
        screen = self.screen
        if not self._catalog_changed or not isinstance(screen, CatalogScreen):
            return
        if time.monotonic() < self._next_reload or screen.reloading:
            return  # still changed: a later tick reloads
        self._catalog_changed = False
        screen.refresh_data()

    def reload_took(self, seconds: float) -> None:
        """A screen's reload ended after ``seconds``: the next one waits in proportion."""
        self._next_reload = time.monotonic() + RELOAD_COST_FACTOR * seconds


def make_app(db_path: str | Path, demo_size: int | None = None, **options: Any) -> GPhotosApp:
    """The app, for cli.py, tests and benchmarks; ``options`` go to GPhotosApp."""
    return GPhotosApp(db_path, demo_size, **options)


def run_app(db_path: str | Path, demo_size: int | None = None) -> int:
    app = make_app(db_path, demo_size, watch_terminal=True)
    try:
        app.run()
    finally:
        if app.catalog is not None:  # the app died before closing it: stop the connection threads
            app.catalog.reader.stop()
            app.catalog.writer.stop()
    code = app.return_code or 0
    if not lifecycle.terminal_alive():
        # Textual's input thread can spin on a hung-up terminal and block interpreter exit;
        # the catalog is closed, so leave now.
        os._exit(code)
    return code
