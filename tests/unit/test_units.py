from fractions import Fraction

from gphotos_tui import units


def test_aperture():
    assert units.aperture(2.8) == "f/2.8"
    assert units.aperture(11.0) == "f/11"
    assert units.aperture(1.45) == "f/1.45"
    assert units.aperture(None) == "" and units.aperture(0) == ""


def test_exposure():
    assert units.exposure(1 / 250) == "1/250 s"
    assert units.exposure(0.004) == "1/250 s"
    assert units.exposure(float(Fraction(10, 2500))) == "1/250 s"
    assert units.exposure(0.5) == "0.5 s"
    assert units.exposure(30.0) == "30 s"
    assert units.exposure(2.5) == "2.5 s"
    assert units.exposure(None) == ""


def test_focal_lengths_and_iso():
    assert units.focal_length(4.7) == "4.7 mm"
    assert units.focal_length(4.7, 26) == "4.7 mm (26 mm eq.)"
    assert units.focal_length(24.0, 24) == "24 mm"
    assert units.focal_length_35mm(24) == "24 mm (35 mm eq.)"
    assert units.iso(400) == "ISO 400"
    assert units.iso(None) == ""


def test_other_formats():
    assert units.utc_offset(60) == "UTC+01:00"
    assert units.utc_offset(-210) == "UTC-03:30"
    assert units.utc_offset(0) == "UTC"
    assert units.duration(7.4) == "0:07"
    assert units.duration(3723) == "1:02:03"
    assert units.size_bytes(1_234_567) == "1.2 MB"
    assert units.size_bytes(12) == "12 B"
    assert units.megapixels(4032, 3024) == "12.2 MP"
    assert units.coordinates(52.52, -13.405) == "52.5200° N, 13.4050° W"
