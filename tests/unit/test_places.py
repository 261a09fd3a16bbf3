"""Places named offline: grid cells clustered into the city they are in, from the shipped gazetteer."""

from __future__ import annotations

from gphotos_tui.analysis.places import CLUSTER_RADIUS_KM, cluster_cells, gazetteer, name_points


def _named(lat: float, lon: float) -> str:
    ((city, _),) = name_points([lat], [lon])
    g = gazetteer()
    return f"{g.names[city]}, {g.countries[city]}"


def test_the_gazetteer_is_offline_and_large():
    g = gazetteer()
    assert len(g) > 30_000  # GeoNames cities of 15,000 people or more
    assert len(g.names) == len(g.countries) == len(g.population) == len(g.vectors)


def test_points_are_named_after_the_biggest_city_nearby():
    assert _named(52.52, 13.405) == "Berlin, Germany"
    assert _named(48.8049, 2.1204) == "Paris, France"  # Versailles is 17 km from Paris: people say Paris
    assert _named(35.68, 139.69) == "Tokyo, Japan"
    assert _named(-33.87, 151.21) == "Sydney, Australia"
    assert _named(64.15, -21.94) == "Reykjavík, Iceland"


def test_cells_of_one_city_are_one_place_with_its_mean_position():
    places = cluster_cells([(104, 26, 4, 52.49, 13.40), (105, 26, 6, 52.53, 13.41), (97, 4, 3, 48.85, 2.35)])
    assert [(p["label"], p["count"], p["cells"]) for p in places] == [
        ("Berlin, Germany", 10, [[104, 26], [105, 26]]),
        ("Paris, France", 3, [[97, 4]]),
    ]
    berlin = places[0]
    assert berlin["latitude"] == round((52.49 * 4 + 52.53 * 6) / 10, 4) and berlin["country_code"] == "DE"
    assert berlin["distance_km"] < 5


def test_far_from_any_city_is_said_near():
    (ocean,) = cluster_cells([(0, -60, 2, 0.2, -30.0)])  # the middle of the Atlantic
    assert ocean["label"].startswith("near ") and ocean["distance_km"] > 2 * CLUSTER_RADIUS_KM
    assert cluster_cells([]) == [] and name_points([], []) == []


def test_the_compact_copy_in_the_cache_dir_is_the_same_table(monkeypatch):
    import numpy as np

    from gphotos_tui.analysis import places

    monkeypatch.setattr(places, "_gazetteer", None)
    from_package = places.gazetteer()  # this test's own home: read from the package, then the copy written
    assert places._compact_file().exists()
    monkeypatch.setattr(places, "_gazetteer", None)
    monkeypatch.setattr(places, "_from_package", lambda: (_ for _ in ()).throw(AssertionError("not the copy")))
    from_copy = places.gazetteer()
    assert from_copy.names == from_package.names and from_copy.countries == from_package.countries
    assert np.array_equal(from_copy.vectors, from_package.vectors)
    places._compact_file().write_text("{broken", "utf-8")  # damaged: read the package again
    monkeypatch.undo()
    monkeypatch.setattr(places, "_gazetteer", None)
    assert places.gazetteer().names == from_package.names


def test_the_package_cities_read_one_at_a_time_are_json_loads_of_the_file():
    import json

    from gphotos_tui.analysis import places

    path = places._data_dir() / "cities15000.json"
    whole = sorted(json.loads(path.read_text("utf-8")).values(), key=lambda c: c["geonameid"])
    keys = ("geonameid", "name", "countrycode", "latitude", "longitude", "population")
    assert sorted(places._cities(path)) == [tuple(c[k] for k in keys) for c in whole]


def test_cities_of_a_small_or_malformed_file(tmp_path):
    import json

    import pytest

    from gphotos_tui.analysis import places

    def city(gid, name, population):
        fields = {"geonameid": gid, "name": name, "countrycode": "FR", "latitude": 1.5, "longitude": -2}
        return json.dumps({**fields, "population": population, "alternatenames": ["x", {"y": [1, "}"]}]})

    path = tmp_path / "cities.json"
    town = city(2, 'A "quoted" town, {1}', 7)
    path.write_text(f' \n{{ "2" : {town} ,"1":{city(1, "B", 5)} }}\n')
    assert list(places._cities(path)) == [(2, 'A "quoted" town, {1}', "FR", 1.5, -2, 7), (1, "B", "FR", 1.5, -2, 5)]
    path.write_text("{}")
    assert list(places._cities(path)) == []
    for bad in ("[1, 2]", f'{{"1" {city(1, "B", 5)}}}', f'{{"1": {city(1, "B", 5)}', f'{{"1": {city(1, "B", 5)};'):
        path.write_text(bad)
        with pytest.raises(ValueError):
            list(places._cities(path))
