"""Previews of RAW and HEIC items in the item screen: the embedded JPEG's picture, or one line saying why not."""

from __future__ import annotations

from gphotos_tui.catalog import Catalog
from gphotos_tui.sources.folder import scan_folder
from gphotos_tui.ui.app import make_app
from gphotos_tui.ui.screens.item_detail import ItemDetailScreen
from gphotos_tui.ui.widgets.preview import Preview
from tests.unit import preview_structures as ps

from .conftest import settle, wait_until


async def test_raw_and_heic_items_show_their_preview_or_say_why(tmp_path):
    root = tmp_path / "photos"
    root.mkdir()
    (root / "camera.arw").write_bytes(ps.arw(ps.picture(480, 320), ps.picture(160, 120), orientation=6))
    (root / "canon.cr3").write_bytes(ps.cr3(ps.picture(480, 320), ps.picture(160, 120)))
    (root / "phone.heic").write_bytes(ps.heif([(b"hvc1", b"\0" * 300)], 4032, 3024, thmb_of=1))
    path = tmp_path / "catalog.sqlite"
    catalog = await Catalog.open(path)
    try:
        report = await scan_folder(catalog, root)
        assert report.files == 3
        ids = dict(await catalog.reader.execute_fetchall("SELECT filename, id FROM items"))
    finally:
        await catalog.close()
    app = make_app(path)
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        shown = {}
        for name in ("camera.arw", "canon.cr3", "phone.heic"):
            app.push_screen(ItemDetailScreen(ids[name]))
            await settle(pilot)
            preview = app.screen.query_one(Preview)
            await wait_until(lambda preview=preview: "loading" not in str(preview.render()))
            shown[name] = str(preview.render())
            await pilot.press("escape")
            await settle(pilot)
    assert "\u2580" in shown["camera.arw"] and "\u2580" in shown["canon.cr3"], shown
    assert shown["phone.heic"].startswith("no preview: HEIC needs an HEVC decoder"), shown["phone.heic"]
    assert "\n" not in shown["phone.heic"].strip()  # one line, not a traceback
