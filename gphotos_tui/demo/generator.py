"""A deterministic synthetic Google Photos library.

Seeded and streaming, so any size from 100 to 1,000,000 items costs the same
memory. It models what a real library looks like to the catalog: phones and
cameras owned over the years, lenses with focal lengths and apertures that
belong to them, exposures that follow the light of the hour, daily and
weekly rhythms, trips in other time zones with their own GPS clusters and
albums, favourites, ~10% videos, and planted duplicates of every kind the
duplicates screen looks for.

Each item carries a ``scene`` (what the picture shows) and a ``variant``
(how this copy differs), so image bytes, a Takeout archive or the data of a
fake Google server can all be derived from the same library.
"""

from __future__ import annotations

import bisect
import calendar
import functools
import hashlib
import itertools
import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from gphotos_tui.model import AlbumRecord, MediaRecord

START = datetime(2016, 1, 1, tzinfo=UTC)
START_EPOCH = calendar.timegm(START.utctimetuple())
DAYS = 3653  # ~10 years: 2016-01-01 .. 2025-12-31

# Duplicate kinds planted, with the share of originals that get one.
PLANTED_RATES: dict[str, float] = {
    "exact": 0.008,
    "resized": 0.008,
    "thumbnail": 0.005,
    "raw_jpeg": 0.010,
    "heic_jpeg": 0.007,
    "edited": 0.010,
    "burst": 0.005,
    "near": 0.004,
}
DUPLICATE_KINDS = tuple(PLANTED_RATES)


@dataclass(frozen=True, slots=True)
class Lens:
    model: str | None
    focal_min: float
    focal_max: float
    aperture: float  # widest f-number
    crop: float  # 35 mm equivalent factor


@dataclass(frozen=True, slots=True)
class Camera:
    make: str
    model: str
    lenses: tuple[Lens, ...]
    size: tuple[int, int]  # landscape pixels
    owned: tuple[int, int]  # years, inclusive
    weight: float  # how much it is used while owned
    kind: str  # phone | camera
    name_style: str  # iphone | pixel | sony | fuji | canon
    video_share: float
    gps_share: float
    raw: str | None = None  # RAW extension shot alongside JPEG, if any


CAMERAS: tuple[Camera, ...] = (
    Camera(
        "Apple",
        "iPhone 6s",
        (Lens("iPhone 6s back camera 4.15mm f/2.2", 4.15, 4.15, 2.2, 7.2),),
        (4032, 3024),
        (2016, 2018),
        1.0,
        "phone",
        "iphone",
        0.10,
        0.9,
    ),
    Camera(
        "Google",
        "Pixel 3",
        (Lens(None, 4.44, 4.44, 1.8, 6.1),),
        (4032, 3024),
        (2018, 2021),
        1.0,
        "phone",
        "pixel",
        0.12,
        0.92,
    ),
    Camera(
        "Apple",
        "iPhone 13 Pro",
        (
            Lens("iPhone 13 Pro back triple camera 5.7mm f/1.5", 5.7, 5.7, 1.5, 4.6),
            Lens("iPhone 13 Pro back triple camera 1.57mm f/1.8", 1.57, 1.57, 1.8, 8.9),
            Lens("iPhone 13 Pro back triple camera 9mm f/2.8", 9.0, 9.0, 2.8, 8.6),
        ),
        (4032, 3024),
        (2021, 2025),
        1.1,
        "phone",
        "iphone",
        0.11,
        0.93,
    ),
    Camera(
        "SONY",
        "ILCE-7M3",
        (
            Lens("FE 24-70mm F2.8 GM", 24, 70, 2.8, 1.0),
            Lens("FE 85mm F1.8", 85, 85, 1.8, 1.0),
            Lens("FE 16-35mm F4 ZA OSS", 16, 35, 4.0, 1.0),
        ),
        (6000, 4000),
        (2018, 2025),
        0.18,
        "camera",
        "sony",
        0.04,
        0.05,
        raw="ARW",
    ),
    Camera(
        "FUJIFILM",
        "X100V",
        (Lens(None, 23, 23, 2.0, 1.5),),
        (6240, 4160),
        (2020, 2025),
        0.12,
        "camera",
        "fuji",
        0.02,
        0.0,
        raw="RAF",
    ),
    Camera(
        "Canon",
        "Canon EOS 6D",
        (
            Lens("EF24-105mm f/4L IS USM", 24, 105, 4.0, 1.0),
            Lens("EF50mm f/1.8 STM", 50, 50, 1.8, 1.0),
        ),
        (5472, 3648),
        (2016, 2019),
        0.25,
        "camera",
        "canon",
        0.03,
        0.02,
        raw="CR2",
    ),
)


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    lat: float
    lon: float
    offset_min: int  # standard offset; home also observes summer time
    dst: bool = False


HOME = Place("Berlin", 52.52, 13.405, 60, dst=True)
PLACES: tuple[Place, ...] = (
    Place("Tokyo", 35.68, 139.69, 540),
    Place("New York", 40.71, -74.01, -300, dst=True),
    Place("Lisbon", 38.72, -9.14, 0, dst=True),
    Place("Cape Town", -33.92, 18.42, 120),
    Place("Reykjavik", 64.15, -21.94, 0),
    Place("Sydney", -33.87, 151.21, 600),
    Place("Rome", 41.90, 12.50, 60, dst=True),
    Place("Mexico City", 19.43, -99.13, -360),
)

THEME_ALBUMS = ("Family", "Garden", "Food")
APERTURE_STOPS = (1.4, 1.8, 2.0, 2.2, 2.8, 3.5, 4.0, 5.6, 8.0, 11.0, 16.0)
ISO_STEPS = (
    50,
    64,
    100,
    125,
    160,
    200,
    250,
    320,
    400,
    500,
    640,
    800,
    1000,
    1250,
    1600,
    2000,
    2500,
    3200,
    4000,
    5000,
    6400,
    12800,
)
SHUTTER_STEPS = tuple(
    sorted(
        {1 / d for d in (8000, 4000, 2000, 1000, 500, 250, 125, 60, 30, 15, 8, 4, 2)}
        | {0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0}
    )
)


@dataclass(frozen=True, slots=True)
class Trip:
    place: Place
    start_day: int
    days: int
    album_key: str
    title: str


@dataclass(slots=True)
class SyntheticItem:
    record: MediaRecord  # everything a complete source (Takeout) would know
    album_keys: list[str] = field(default_factory=list)
    scene: int = 0  # what the picture shows; copies share it
    variant: str = "original"  # original | copy | resized | thumbnail | raw | jpeg | heic | edited | burst | near
    planted: str | None = None  # the duplicate kind this item was planted as
    group: int | None = None  # planted group: the original and its duplicates share it
    place: str = HOME.name


def _standard(value: float, steps: tuple[float, ...]) -> float:
    i = bisect.bisect_left(steps, value)
    if i == 0:
        return steps[0]
    if i == len(steps):
        return steps[-1]
    return steps[i] if steps[i] - value < value - steps[i - 1] else steps[i - 1]


def _home_offset(day: int) -> int:
    month = (START + timedelta(days=day)).month
    return HOME.offset_min + (60 if 4 <= month <= 10 else 0)


def _offset(place: Place, day: int) -> int:
    if not place.dst:
        return place.offset_min
    month = (START + timedelta(days=day)).month
    north = place.lat > 0
    summer = 4 <= month <= 10 if north else (month <= 3 or month >= 11)
    return place.offset_min + (60 if summer else 0)


class SyntheticLibrary:
    """``SyntheticLibrary(size, seed).items()`` yields exactly ``size`` items, deterministically."""

    def __init__(self, size: int = 2000, seed: int = 42):
        if not 1 <= size <= 5_000_000:
            raise ValueError("size must be between 1 and 5,000,000")
        self.size = size
        self.seed = seed
        rng = random.Random(seed)
        self.trips = self._plan_trips(rng)
        self._trip_of_day: dict[int, Trip] = {
            d: t for t in self.trips for d in range(t.start_day, t.start_day + t.days)
        }
        weights = []
        for day in range(DAYS):
            date = START + timedelta(days=day)
            w = 0.6 + 0.12 * (date.year - 2016)  # more photos every year
            if date.weekday() >= 5:
                w *= 1.8
            if day in self._trip_of_day:
                w *= 7.0
            if date.month == 12 and date.day in (24, 25, 26, 31):
                w *= 3.0
            weights.append(w)
        self._cum_days = list(itertools.accumulate(weights))
        self._dates = [START + timedelta(days=d) for d in range(DAYS)]

    # -- public ---------------------------------------------------------------

    def albums(self) -> list[AlbumRecord]:
        albums = [AlbumRecord(t.album_key, t.title, created_at=_epoch(t.start_day)) for t in self.trips]
        albums += [AlbumRecord(f"theme-{name.lower()}", name) for name in THEME_ALBUMS]
        albums += [AlbumRecord(f"best-{year}", f"Best of {year}") for year in range(2016, 2026)]
        return albums

    def items(self) -> Iterator[SyntheticItem]:
        rng = random.Random(self.seed * 7919 + 1)
        counters: dict[str, int] = {}
        emitted = 0
        group = 0
        while emitted < self.size:
            original = self._original(rng, counters, emitted)
            batch = [original]
            kind = self._pick_duplicate_kind(rng, original)
            if kind:
                group += 1
                original.group = group
                batch += self._duplicates(rng, counters, original, kind, group)
            for item in batch[: self.size - emitted]:
                yield item
                emitted += 1

    def records(self) -> Iterator[MediaRecord]:
        for item in self.items():
            yield item.record

    # -- planning -------------------------------------------------------------

    def _plan_trips(self, rng: random.Random) -> list[Trip]:
        trips = []
        day = 40
        while day < DAYS - 30:
            place = rng.choice(PLACES)
            length = rng.randint(3, 14)
            year = (START + timedelta(days=day)).year
            title = f"{place.name} {year}"
            key = f"trip-{place.name.lower().replace(' ', '-')}-{year}-{day}"
            trips.append(Trip(place, day, length, key, title))
            day += length + rng.randint(60, 200)
        return trips

    # -- one photo or video ---------------------------------------------------------

    def _original(self, rng: random.Random, counters: dict[str, int], index: int) -> SyntheticItem:
        day = bisect.bisect_right(self._cum_days, rng.random() * self._cum_days[-1])
        day = min(day, DAYS - 1)
        trip = self._trip_of_day.get(day)
        place = trip.place if trip else HOME
        offset = _offset(place, day) if trip else _home_offset(day)
        hour = _hour(rng, trip is not None)
        date = self._dates[day]
        local = date.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))
        taken_at = START_EPOCH + day * 86400 + hour * 3600 + local.minute * 60 + local.second - offset * 60
        year = date.year
        camera = self._camera(rng, year, trip is not None or date.weekday() >= 5)
        is_video = rng.random() < camera.video_share
        scene = rng.getrandbits(48)
        record = MediaRecord(
            external_id="",
            filename="",
            taken_at=taken_at,
            utc_offset_min=offset,
            camera_make=camera.make,
            camera_model=camera.model,
            time_source="sidecar",
        )
        self._name(record, camera, counters, local, is_video)
        if is_video:
            self._video(rng, record, camera)
        else:
            self._photo(rng, record, camera, hour)
        if rng.random() < camera.gps_share:
            record.latitude = round(place.lat + rng.gauss(0, 0.03), 6)
            record.longitude = round(place.lon + rng.gauss(0, 0.03), 6)
        record.favorite = rng.random() < (0.08 if trip else 0.03)
        record.archived = rng.random() < 0.02
        record.trashed = rng.random() < 0.005
        if rng.random() < 0.03:
            record.description = rng.choice(
                ("At the beach", "Birthday cake", "First snow", "Sunset from the balcony", "Market day", "Old town")
            )
        self._identify(record, rng)
        albums = []
        if trip:
            albums.append(trip.album_key)
        elif rng.random() < 0.05:
            albums.append(f"theme-{rng.choice(THEME_ALBUMS).lower()}")
        if record.favorite and rng.random() < 0.6:
            albums.append(f"best-{year}")
        return SyntheticItem(record, albums, scene, "original", None, None, place.name)

    def _camera(self, rng: random.Random, year: int, outing: bool) -> Camera:
        owned, cum = _cameras_of(year, outing)
        return owned[bisect.bisect_right(cum, rng.random() * cum[-1])]

    def _name(
        self, record: MediaRecord, camera: Camera, counters: dict[str, int], local: datetime, video: bool
    ) -> None:
        n = counters[camera.model] = counters.get(camera.model, 0) + 1
        style = camera.name_style
        if style == "pixel":
            stamp = local.strftime("%Y%m%d_%H%M%S") + f"{n % 1000:03d}"
            record.filename = (
                f"PXL_{stamp}.{'mp4' if video else 'jpg'}"
                if local.year >= 2020
                else f"IMG_{stamp}.{'mp4' if video else 'jpg'}"
            )
            record.mime_type = "video/mp4" if video else "image/jpeg"
        elif style == "iphone":
            heic = camera.model.startswith("iPhone 13") and not video
            ext = "MOV" if video else ("HEIC" if heic else "JPG")
            record.filename = f"IMG_{n % 10000:04d}.{ext}"
            record.mime_type = "video/quicktime" if video else ("image/heif" if heic else "image/jpeg")
        else:
            prefix = {"sony": "DSC", "fuji": "DSCF", "canon": "IMG_"}[style]
            digits = 5 if style == "sony" else 4
            ext = "MP4" if video else "JPG"
            record.filename = f"{prefix}{n % 10**digits:0{digits}d}.{ext}"
            record.mime_type = "video/mp4" if video else "image/jpeg"
        record.media_type = "video" if video else "photo"

    def _photo(self, rng: random.Random, record: MediaRecord, camera: Camera, hour: int) -> None:
        lens = rng.choice(camera.lenses)
        focal = lens.focal_min if lens.focal_max == lens.focal_min else _zoom(rng, lens)
        record.lens_model = lens.model
        record.focal_length_mm = round(focal, 2)
        record.focal_length_35mm = round(focal * lens.crop)
        # Light: bright midday, dim evenings, dark nights (EV at ISO 100).
        ev = {True: 13.5, False: 7.0}[7 <= hour <= 18] + rng.gauss(0, 1.5) - (2.5 if hour in (6, 19, 20) else 0)
        if camera.kind == "phone" or ev < 10:
            aperture = lens.aperture  # wide open when the light is low
        else:
            aperture = _standard(max(lens.aperture, rng.choice(APERTURE_STOPS[:9])), APERTURE_STOPS)
        iso = 100 if camera.kind == "camera" else 50
        t = aperture**2 / 2**ev
        while t > 1 / 60 and iso < 6400:
            iso *= 2
            t /= 2
        record.aperture_f = aperture
        record.iso = int(_standard(iso, ISO_STEPS))
        record.exposure_s = _standard(t, SHUTTER_STEPS)
        w, h = camera.size
        portrait = rng.random() < (0.55 if camera.kind == "phone" else 0.2)
        record.width, record.height = (h, w) if portrait else (w, h)
        record.orientation = 1
        record.size_bytes = int(w * h * rng.uniform(0.22, 0.45))

    def _video(self, rng: random.Random, record: MediaRecord, camera: Camera) -> None:
        duration = round(min(600.0, rng.lognormvariate(2.6, 0.9)), 2)
        uhd = rng.random() < 0.4
        w, h = (3840, 2160) if uhd else (1920, 1080)
        if camera.kind == "phone" and rng.random() < 0.6:
            w, h = h, w
        record.width, record.height = w, h
        record.duration_s = duration
        record.size_bytes = int(duration * (6_000_000 if uhd else 2_000_000))

    def _identify(self, record: MediaRecord, rng: random.Random) -> None:
        record.external_id = (
            "AF1Qip" + hashlib.blake2b(rng.getrandbits(64).to_bytes(8, "big"), digest_size=18).hexdigest()
        )
        record.product_url = f"https://photos.google.com/lr/photo/{record.external_id}"

    # -- duplicates --------------------------------------------------------------

    def _pick_duplicate_kind(self, rng: random.Random, item: SyntheticItem) -> str | None:
        r = rng.random()
        for kind, rate in PLANTED_RATES.items():
            if r < rate:
                return kind if _applies(kind, item.record) else None
            r -= rate
        return None

    def _duplicates(
        self, rng: random.Random, counters: dict[str, int], original: SyntheticItem, kind: str, group: int
    ) -> list[SyntheticItem]:
        o = original.record
        # Every generated original has its dimensions, size and capture time (only copies drop fields).
        assert o.width is not None and o.height is not None and o.size_bytes is not None and o.taken_at is not None

        def copy(variant: str, **changes: Any) -> SyntheticItem:
            rec = MediaRecord(**{f: getattr(o, f) for f in o.__slots__})
            for key, value in changes.items():
                setattr(rec, key, value)
            self._identify(rec, rng)
            return SyntheticItem(rec, list(original.album_keys), original.scene, variant, kind, group, original.place)

        stem, _, ext = o.filename.rpartition(".")
        if kind == "exact":
            return [copy("copy", favorite=False)]
        if kind == "resized":
            scale = rng.choice((0.5, 0.375, 0.25))
            return [
                copy(
                    "resized",
                    width=int(o.width * scale),
                    height=int(o.height * scale),
                    size_bytes=int(o.size_bytes * scale * scale * 0.8),
                    favorite=False,
                    lens_model=None,
                )
            ]
        if kind == "thumbnail":
            side = rng.choice((256, 512, 1024))
            scale = side / max(o.width, o.height)
            raw = rng.random() < 0.4
            name = str(uuid.UUID(int=rng.getrandbits(128), version=4)).upper()
            return [
                copy(
                    "thumbnail",
                    filename=f"{name}.{'dng' if raw else 'jpg'}",
                    mime_type="image/x-adobe-dng" if raw else "image/jpeg",
                    width=int(o.width * scale),
                    height=int(o.height * scale),
                    size_bytes=int(o.width * o.height * scale * scale * 0.3),
                    favorite=False,
                )
            ]
        if kind == "raw_jpeg":
            cam = next(c for c in CAMERAS if c.model == o.camera_model)
            assert cam.raw is not None, f"{cam.model} has no raw format"
            return [
                copy(
                    "raw",
                    filename=f"{stem}.{cam.raw}",
                    mime_type=f"image/x-{cam.make.lower()}-{cam.raw.lower()}",
                    size_bytes=o.size_bytes * 4,
                    favorite=False,
                )
            ]
        if kind == "heic_jpeg":
            return [
                copy(
                    "jpeg",
                    filename=f"{stem}.JPG",
                    mime_type="image/jpeg",
                    size_bytes=int(o.size_bytes * 1.6),
                    favorite=False,
                )
            ]
        if kind == "edited":
            crop = rng.uniform(0.8, 0.97)
            return [
                copy(
                    "edited",
                    filename=f"{stem}-edited.{ext}",
                    width=int(o.width * crop),
                    height=int(o.height * crop),
                    size_bytes=int(o.size_bytes * crop),
                    favorite=False,
                )
            ]
        if kind == "burst":
            shots = []
            model = o.camera_model or ""
            for frame in range(1, rng.randint(3, 7)):
                counters[model] = n = counters[model] + 1
                name = f"{stem[:-4]}{n % 10000:04d}.{ext}" if stem[-4:].isdigit() else f"{stem}_{frame}.{ext}"
                shot = copy(
                    "burst", filename=name, taken_at=o.taken_at + frame // 2 + rng.randint(0, 1), favorite=False
                )
                shot.scene = original.scene  # the same scene, a few frames on
                shots.append(shot)
            return shots
        if kind == "near":
            return [
                copy(
                    "near",
                    filename=f"received_{rng.randrange(10**15):015d}.jpeg",
                    mime_type="image/jpeg",
                    taken_at=o.taken_at + rng.randint(3600, 30 * 86400),
                    utc_offset_min=None,
                    camera_make=None,
                    camera_model=None,
                    lens_model=None,
                    focal_length_mm=None,
                    focal_length_35mm=None,
                    aperture_f=None,
                    iso=None,
                    exposure_s=None,
                    latitude=None,
                    longitude=None,
                    width=1600 if o.width > o.height else 1200,
                    height=1200 if o.width > o.height else 1600,
                    size_bytes=rng.randint(150_000, 400_000),
                    favorite=False,
                    time_source="sidecar",
                )
            ]
        raise AssertionError(kind)


@functools.cache
def _cameras_of(year: int, outing: bool) -> tuple[tuple[Camera, ...], list[float]]:
    owned = tuple(c for c in CAMERAS if c.owned[0] <= year <= c.owned[1])
    weights = [c.weight * (2.0 if outing and c.kind == "camera" else 1.0) for c in owned]
    return owned, list(itertools.accumulate(weights))


def _applies(kind: str, r: MediaRecord) -> bool:
    if r.media_type != "photo":
        return kind == "exact"
    if kind == "raw_jpeg":
        return any(c.model == r.camera_model and c.raw for c in CAMERAS)
    if kind == "heic_jpeg":
        return r.mime_type == "image/heif"
    return True


def _zoom(rng: random.Random, lens: Lens) -> float:
    # Zooms are mostly used at their ends.
    r = rng.random()
    if r < 0.4:
        return lens.focal_min
    if r < 0.7:
        return lens.focal_max
    return round(rng.uniform(lens.focal_min, lens.focal_max))


_HOUR_WEIGHTS = [
    0.2,
    0.1,
    0.05,
    0.03,
    0.03,
    0.1,
    0.4,
    0.8,
    1.2,
    1.6,
    2.0,
    2.3,
    2.6,
    2.4,
    2.2,
    2.2,
    2.4,
    2.7,
    2.9,
    2.6,
    2.0,
    1.4,
    0.9,
    0.5,
]
_HOUR_CUM = list(itertools.accumulate(_HOUR_WEIGHTS))
_TRIP_HOUR_CUM = list(itertools.accumulate(w * (1.6 if 9 <= h <= 17 else 1.0) for h, w in enumerate(_HOUR_WEIGHTS)))


def _hour(rng: random.Random, trip: bool) -> int:
    cum = _TRIP_HOUR_CUM if trip else _HOUR_CUM
    return min(23, bisect.bisect_right(cum, rng.random() * cum[-1]))


def _epoch(day: int) -> int:
    return calendar.timegm((START + timedelta(days=day)).utctimetuple())
