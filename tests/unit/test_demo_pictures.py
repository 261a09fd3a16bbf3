"""Demo previews draw from the recipe the demo job keeps in the catalog, not from a replay of the generator."""

from __future__ import annotations

import pytest

from gphotos_tui.catalog import Catalog
from gphotos_tui.demo import pictures
from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.demo.job import fill_demo
from gphotos_tui.demo.pictures import demo_picture, parse_recipe
from gphotos_tui.engine.byte_sources import DemoLoader, DemoProvider

SIZE, SEED = 120, 7


async def test_demo_items_keep_their_picture_recipe_and_previews_need_no_replay(tmp_path):
    catalog = await Catalog.open(tmp_path / "c.sqlite")
    try:
        await fill_demo(catalog, SIZE, SEED, page_size=50)
        truth = {i.record.external_id: i for i in SyntheticLibrary(SIZE, SEED).items()}
        rows = await catalog.reader.execute_fetchall("SELECT item_id, kind, external_id FROM item_sources")
        pictures._replayed_recipes.cache_clear()
        jobs = await DemoProvider().jobs(catalog.reader, [(r[0], r[1], r[2]) for r in rows])
    finally:
        await catalog.close()
    assert len(jobs) == SIZE
    for job in jobs:
        loader = job.load
        assert isinstance(loader, DemoLoader) and loader.recipe is not None
        item = truth[loader.external_id]
        assert loader.recipe == (item.record.width, item.record.height, item.scene, item.variant)
    burst = next(j.load for j in jobs if j.load.recipe[3] == "burst")  # type: ignore[attr-defined]
    drawn = burst()
    assert pictures._replayed_recipes.cache_info().currsize == 0  # drawn without replaying the generator
    assert drawn == demo_picture(SEED, SIZE, burst.external_id)  # the replay (older catalogs) draws the same


@pytest.mark.parametrize(
    "detail",
    [None, "", "not json", '{"path": "Takeout/x.jpg"}', '{"picture": [1, 2, 3]}', '{"picture": [1, 2, "3", "copy"]}'],
)
def test_a_missing_or_malformed_recipe_means_replay(detail):
    assert parse_recipe(detail) is None
