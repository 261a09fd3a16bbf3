"""XMP sidecars (``NAME.EXT.xmp``) holding what the catalog knows about an item.

Generated here rather than with a library: the Python XMP writers are either
bindings to Exempi (a C library to install) or unmaintained, and the subset
we write is small, fixed and checked field by field with exiftool in the
tests. The output is a pure function of the facts (no write time inside), so
comparing its hash with the one recorded tells a backup whether the sidecar
needs rewriting.

Properties (the ones Immich, PhotoPrism, digiKam, darktable and Lightroom read):

- ``exif:DateTimeOriginal`` and ``xmp:CreateDate``: local time with its offset;
  UTC with ``Z`` when the time is Google's (true UTC) and no offset is known;
  no zone at all when the time is a wall clock read from a file name or
  folder; left out when the only time is the file's own EXIF clock without
  an offset (the file already says it, and a ``Z`` would be a lie).
- ``exif:GPSLatitude``/``exif:GPSLongitude`` in XMP's ``DDD,MM.mmmmk`` form.
- ``dc:description`` (x-default), ``xmp:Rating`` 5 for favourites (and
  F-Stop's ``fstop:favorite="1"``, the only favourite PhotoPrism reads),
  ``xmp:Label`` ``Trashed``/``Archived``.
- ``dc:subject`` album titles and ``lr:hierarchicalSubject`` ``Albums|<title>``.
- ``Iptc4xmpExt:PersonInImage`` people named in the Takeout sidecar.
- Camera fields (``tiff:Make``, ``tiff:Model``, ``exifEX:LensModel``,
  ``exif:FNumber``, ``exif:ExposureTime``, ``exif:FocalLength``,
  ``exif:FocalLengthIn35mmFilm``, ``exif:ISOSpeedRatings``) only when asked:
  for API downloads, whose files may have lost them.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from gphotos_tui.catalog.item_facts import ItemFacts

SUFFIX = ".xmp"

# Characters XML 1.0 forbids (C0 controls other than tab/LF/CR, surrogates, U+FFFE/U+FFFF): dropped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_NAMESPACES = (
    ("x", "adobe:ns:meta/"),
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("dc", "http://purl.org/dc/elements/1.1/"),
    ("xmp", "http://ns.adobe.com/xap/1.0/"),
    ("exif", "http://ns.adobe.com/exif/1.0/"),
    ("exifEX", "http://cipa.jp/exif/1.0/"),
    ("tiff", "http://ns.adobe.com/tiff/1.0/"),
    ("lr", "http://ns.adobe.com/lightroom/1.0/"),
    ("Iptc4xmpExt", "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"),
    ("fstop", "http://www.fstopapp.com/xmp/"),
)

ALBUM_ROOT = "Albums"


def sidecar_name(filename: str) -> str:
    """``IMG_1.jpg`` -> ``IMG_1.jpg.xmp`` (the name Immich, digiKam and darktable look for)."""
    return filename + SUFFIX


def xml_safe(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry (what a reader gets back)."""
    return _NOT_XML.sub("", value)


def xml_text(value: str) -> str:
    """``value`` as XML character data: forbidden characters dropped, markup and CR escaped."""
    value = xml_safe(value)
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\r", "&#13;")  # a raw CR would be read back as LF
    )


def xmp_date(facts: ItemFacts) -> str | None:
    """The capture time as an XMP date, or None when the sidecar should not claim one (see module doc)."""
    if facts.taken_at is None:
        return None
    try:
        return _xmp_date(facts)
    except (OverflowError, ValueError):  # a time outside years 1-9999: no date rather than a crash
        return None


def _xmp_date(facts: ItemFacts) -> str | None:
    assert facts.taken_at is not None
    base = datetime(1970, 1, 1, tzinfo=UTC)
    if facts.utc_offset_min is not None:
        local = base + timedelta(seconds=facts.taken_at + facts.utc_offset_min * 60)
        sign = "-" if facts.utc_offset_min < 0 else "+"
        minutes = abs(facts.utc_offset_min)
        return local.strftime("%Y-%m-%dT%H:%M:%S") + f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    stamp = (base + timedelta(seconds=facts.taken_at)).strftime("%Y-%m-%dT%H:%M:%S")
    if facts.time_source in ("filename", "folder"):
        return stamp  # a wall clock with no zone: XMP allows a date without one
    if facts.time_source == "exif":
        return None  # the camera's clock read as UTC: the file already has it, a Z would be wrong
    return stamp + "Z"  # Google's photoTakenTime and API creation times are UTC


def gps_coordinate(value: float, positive: str, negative: str) -> str:
    """Decimal degrees as XMP's ``DDD,MM.mmmmmmmmk`` (exif:GPSCoordinate)."""
    ref = positive if value >= 0 else negative
    value = abs(value)
    degrees = int(value)
    minutes = (value - degrees) * 60
    text = f"{minutes:.8f}".rstrip("0").rstrip(".")
    if text == "60":  # rounding up to a whole degree
        degrees, text = degrees + 1, "0"
    return f"{degrees},{text}{ref}"


def rational(value: float, limit: int = 100_000) -> str:
    fraction = Fraction(value).limit_denominator(limit)
    return f"{fraction.numerator}/{fraction.denominator}"


def exposure_rational(seconds: float) -> str:
    """1/250 for 0.004 s; 2/1 for two seconds (cameras write short times as 1/N)."""
    if 0 < seconds < 1:
        inverse = 1 / seconds
        if abs(inverse - round(inverse)) < 1e-6 * inverse:
            return f"1/{round(inverse)}"
    return rational(seconds)


def _simple(out: list[str], name: str, value: str | None) -> None:
    if value is not None and _NOT_XML.sub("", value) != "":
        out.append(f"   <{name}>{xml_text(value)}</{name}>")


def _array(out: list[str], name: str, kind: str, values: list[str]) -> None:
    values = [v for v in values if _NOT_XML.sub("", v).strip()]
    if not values:
        return
    out.append(f"   <{name}>\n    <rdf:{kind}>")
    out.extend(f"     <rdf:li>{xml_text(v)}</rdf:li>" for v in values)
    out.append(f"    </rdf:{kind}>\n   </{name}>")


def label(facts: ItemFacts) -> str | None:
    if facts.trashed:
        return "Trashed"
    if facts.archived:
        return "Archived"
    return None


def render(facts: ItemFacts, *, camera: bool = False) -> bytes:
    """The sidecar for ``facts`` as UTF-8 bytes (same facts, same bytes)."""
    props: list[str] = []
    when = xmp_date(facts)
    _simple(props, "exif:DateTimeOriginal", when)
    _simple(props, "xmp:CreateDate", when)
    if facts.latitude is not None and facts.longitude is not None:
        _simple(props, "exif:GPSVersionID", "2.3.0.0")
        _simple(props, "exif:GPSLatitude", gps_coordinate(facts.latitude, "N", "S"))
        _simple(props, "exif:GPSLongitude", gps_coordinate(facts.longitude, "E", "W"))
    if facts.description is not None and _NOT_XML.sub("", facts.description) != "":
        props.append(
            "   <dc:description>\n    <rdf:Alt>\n"
            f'     <rdf:li xml:lang="x-default">{xml_text(facts.description)}</rdf:li>\n'
            "    </rdf:Alt>\n   </dc:description>"
        )
    if facts.favorite:
        _simple(props, "xmp:Rating", "5")
    _simple(props, "xmp:Label", label(facts))
    _array(props, "dc:subject", "Bag", list(facts.albums))
    # "|" separates levels in a hierarchical keyword; a title's own "|" becomes "/" to stay one level.
    _array(props, "lr:hierarchicalSubject", "Bag", [f"{ALBUM_ROOT}|{t.replace('|', '/')}" for t in facts.albums])
    _array(props, "Iptc4xmpExt:PersonInImage", "Bag", list(facts.people))
    if camera:
        _simple(props, "tiff:Make", facts.camera_make)
        _simple(props, "tiff:Model", facts.camera_model)
        _simple(props, "exifEX:LensModel", facts.lens_model)
        if facts.aperture_f:
            _simple(props, "exif:FNumber", rational(facts.aperture_f, 1000))
        if facts.exposure_s:
            _simple(props, "exif:ExposureTime", exposure_rational(facts.exposure_s))
        if facts.focal_length_mm:
            _simple(props, "exif:FocalLength", rational(facts.focal_length_mm, 1000))
        if facts.focal_length_35mm:
            _simple(props, "exif:FocalLengthIn35mmFilm", str(round(facts.focal_length_35mm)))
        if facts.iso:
            _array(props, "exif:ISOSpeedRatings", "Seq", [str(facts.iso)])
    xmlns = "\n".join(f'    xmlns:{p}="{uri}"' for p, uri in _NAMESPACES[2:])
    # PhotoPrism takes a favourite only from F-Stop's attribute, not from xmp:Rating: say it both ways.
    favourite = '\n    fstop:favorite="1"' if facts.favorite else ""
    text = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="gphotos-tui">\n'
        ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        f'  <rdf:Description rdf:about=""\n{xmlns}{favourite}>\n'
        + "".join(p + "\n" for p in props)
        + "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>\n'
    )
    return text.encode("utf-8")


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
