"""MPEG-2 transport streams (AVCHD .mts/.m2ts, HDV .m2t, .ts) and MPEG-1/2 program streams (.mpg, .mod, .tod).

Read the way exiftool's M2TS, H264 and MPEG modules read them, so the two agree
value for value:

* Transport stream: the packet grid (188 bytes, or 192 with the BDAV time code),
  the PAT and PMT for the elementary streams, then the start of the video stream.
  For H.264 the first 1 KiB of the first (and, without camera data, the second)
  PES packet: the sequence parameter set gives the picture size, the SEI's
  unregistered user data "MDPM" (modified digital video pack metadata, written
  by AVCHD camcorders and cameras) the capture time with its UTC offset, make,
  Sony's model, exposure, f-number, 35 mm focal length and GPS. For MPEG-2
  video the sequence header gives the size. The duration is the last program
  clock reference (found by stepping back from the end, at most 500 KB) less
  the first. The forward scan stops after the first few MB.
* Program stream: the first 256 KiB give the sequence header (size) and the
  first audio frame header; the duration is exiftool's estimate from the file
  size and the two bit rates.

No whole-file read: a few reads at the start and one near the end.
"""

from __future__ import annotations

import re

from gphotos_tui.exif.metadata import Metadata, set_stamp
from gphotos_tui.exif.source import Source
from gphotos_tui.units import rational

_FORWARD = 4 * 1024 * 1024  # the forward scan's bound: the streams' first packets sit at the start
_BACK = 512_000  # how far exiftool steps back from the end for the last clock reference
_MDPM = bytes.fromhex("17ee8c60f84d11d98cd60800200c9a66") + b"MDPM"
_MAKES = {0x0103: "Panasonic", 0x0108: "Sony", 0x1011: "Canon", 0x1104: "JVC"}  # exiftool's H264 convMake
_COMBINE = {0x18: 1, 0xB2: 2, 0xB6: 2, 0xBB: 2, 0xC7: 1, 0xCA: 2, 0xE4: 2}  # MDPM tags continued in the next
_KNOWN = frozenset({0x13, 0x18, 0x70, 0x71, 0x7F, 0xE0, 0xE1, 0xEE} | set(range(0xA0, 0xAB)) | set(range(0xB0, 0xCB)))
_SYNC = re.compile(rb"(.{0,190}?)\x47(.{187}|.{191})\x47", re.S)
_NAL_START = re.compile(rb"\0{2,3}\x01")
_ESCAPE = re.compile(rb"\0\0\x03")


# -- transport streams -------------------------------------------------------------------


class _Stream:
    """What the forward scan knows about the transport stream so far."""

    __slots__ = ("data", "done", "from_start", "got_sei", "got_sps", "h264_parsed", "meta", "types")

    def __init__(self, meta: Metadata) -> None:
        self.meta = meta
        self.types: dict[int, int] = {}  # elementary PID -> stream type (from the PMT)
        self.data: dict[int, bytearray] = {}  # PES payload gathered per PID
        self.from_start: set[int] = set()
        self.done: set[int] = set()
        self.got_sps = self.got_sei = self.h264_parsed = False


def read_m2ts(src: Source) -> Metadata:
    meta = Metadata("mts", "video/m2ts")
    found = _SYNC.match(src.read(0, 383))
    if not found:
        meta.note = "no MPEG transport stream packets found"
        return meta
    tc = len(found.group(2)) - 187  # 4: BDAV (.m2ts) packets start with a time code
    start = len(found.group(1)) - tc
    while True:
        if start < 0:
            start += 192
        plen = 188 + tc
        first = src.read(start, 64 * plen)
        if len(first) < 4 * plen:
            meta.note = "MPEG transport stream shorter than four packets"
            return meta
        if all(first[tc + plen * j] == 0x47 for j in (1, 2, 3)):
            break
        if tc:
            meta.note = "MPEG transport stream packets out of step"
            return meta
        tc, start = 4, start - 4
    if not tc:
        meta.mime_type = "video/mpeg"  # exiftool's M2T: 188-byte packets
    first_pcr, last_pcr, scanned = _forward(src, start, plen, tc, meta)
    if src.fh is None:  # only the head was given: the last clock reference is at the file's end, unseen
        meta.truncated = True
        return meta
    if first_pcr is None:
        return meta
    grid = src.size // plen * plen  # exiftool steps back on packets counted from the file's start
    low = grid - _BACK // plen * plen
    end_pcr = _last_pcr(src, plen, tc, grid, max(low, scanned))
    if end_pcr is None and low <= scanned:  # stepped back to where the forward scan ended
        end_pcr = last_pcr
    if end_pcr is not None:
        if first_pcr > end_pcr:
            end_pcr += 0x80000000 * 1200  # the 33-bit clock wrapped
        meta.duration_s = round((end_pcr - first_pcr) / 27_000_000, 6) or None
    return meta


def _pcr(packet: bytes, pos: int) -> int | None:
    """The program clock reference (27 MHz) of the adaptation field at ``pos`` (its length byte), if any."""
    length = packet[pos]
    if length > 6 and packet[pos + 1] & 0x10:
        base = int.from_bytes(packet[pos + 2 : pos + 6], "big")
        ext = int.from_bytes(packet[pos + 6 : pos + 8], "big")
        return 300 * (2 * base + (ext >> 15)) + (ext & 0x01FF)
    return None


def _forward(src: Source, start: int, plen: int, tc: int, meta: Metadata) -> tuple[int | None, int | None, int]:
    """Scan from the start: tables, the video stream's first packets, the first clock reference.

    Returns the first and last clock references seen and the offset where the scan stopped."""
    stream = _Stream(meta)
    pmt: set[int] = set()
    need = {0}  # PIDs still to parse: the tables, then the video streams
    sections: dict[int, bytearray] = {}
    section_len: dict[int, int] = {}
    first_pcr = last_pcr = None
    pos = start
    limit = min(src.size, start + _FORWARD)
    stop = None
    while stop is None and pos + plen <= limit:
        chunk = src.read(pos, min(64 * plen, limit - pos))
        count = len(chunk) // plen
        if not count:
            break
        for i in range(count):
            p = i * plen + tc
            end = (i + 1) * plen
            prefix = int.from_bytes(chunk[p : p + 4], "big")
            if prefix >> 24 != 0x47:
                stop = pos + i * plen  # lost sync: what was read stands
                break
            pid = (prefix >> 8) & 0x1FFF
            unit_start = prefix & 0x400000
            p += 4
            if prefix & 0x20:  # adaptation field
                if p + 1 + chunk[p] > end:
                    stop = pos + i * plen
                    break
                pcr = _pcr(chunk, p)
                if pcr is not None:
                    last_pcr = pcr
                    if first_pcr is None:
                        first_pcr = pcr
                p += 1 + chunk[p]
            if prefix & 0x10 and p < end:
                if pid == 0 or pid in pmt:
                    table = _section(chunk, p, end, unit_start, pid, sections, section_len)
                    if table is not None and not _table(table, pid, pmt, need, stream):
                        need.discard(pid)
                        stream.done.add(pid)
                elif (
                    pid not in stream.done and pid in stream.types and not _pes(chunk, p, end, pid, unit_start, stream)
                ):
                    need.discard(pid)
            if not need and first_pcr is not None:  # tables and video read, the clock started
                stop = pos + end
                break
        else:
            pos += count * plen
    for pid in sorted(stream.data):  # what was gathered when the scan ended is read too, as exiftool does
        _parse(pid, bytes(stream.data.pop(pid)), stream)
    return first_pcr, last_pcr, pos if stop is None else stop


def _section(
    chunk: bytes,
    p: int,
    end: int,
    unit_start: int,
    pid: int,
    sections: dict[int, bytearray],
    section_len: dict[int, int],
) -> bytes | None:
    """A whole PAT/PMT section (table id first), gathered over packets when it is longer than one."""
    if unit_start:
        p += 1 + chunk[p]  # pointer field
        if p >= end:
            return None
        data = bytes(chunk[p:end])
    else:
        if pid not in section_len:
            return None
        sections[pid] += chunk[p:end]
        if len(sections[pid]) < section_len[pid]:
            return None
        data = bytes(sections.pop(pid))
        del section_len[pid]
    if len(data) < 8:
        return None
    length = int.from_bytes(data[1:3], "big") & 0x0FFF
    if data[0] in (0, 2) and len(data) < length + 3 and length <= 1021:
        sections[pid] = bytearray(data)
        section_len[pid] = length + 3
        return None
    return data


def _table(data: bytes, pid: int, pmt: set[int], need: set[int], stream: _Stream) -> bool:
    """Read a PAT (pid 0) or PMT section; False when it is some other table (done with that PID)."""
    if data[0] != (2 if pid else 0) or data[1] & 0xC0 != 0x80:
        return False
    length = int.from_bytes(data[1:3], "big") & 0x0FFF
    end = min(len(data), length + 3 - 4)  # without the CRC
    pos = 8
    if pid == 0:
        while pos <= end - 4:
            program_pid = int.from_bytes(data[pos + 2 : pos + 4], "big") & 0x1FFF
            if program_pid not in pmt:
                pmt.add(program_pid)
                need.add(program_pid)
            pos += 4
        need.discard(0)
        return True
    if pos + 4 > len(data):
        return True
    pos += 4 + (int.from_bytes(data[pos + 2 : pos + 4], "big") & 0x0FFF)  # PCR PID, program descriptors
    while pos <= end - 5:
        kind = data[pos]
        es_pid = int.from_bytes(data[pos + 1 : pos + 3], "big") & 0x1FFF
        info = int.from_bytes(data[pos + 3 : pos + 5], "big") & 0x0FFF
        if kind in _VIDEO_TYPES and es_pid not in stream.types:
            stream.types[es_pid] = kind
            if es_pid not in stream.done:
                need.add(es_pid)
        pos += 5 + info
    need.discard(pid)
    return True


# the streams read: MPEG-1/2 video and H.264. exiftool also waits for every audio stream (and for a
# subtitle stream it calls audio, which may never come: then it scans to the end); their values are
# not ours to export, so the scan ends once the video is read and a clock reference seen.
_VIDEO_TYPES = frozenset({0x01, 0x02, 0x1B})
_NO_SYNTAX = frozenset({0xBC, 0xBE, 0xBF, 0xF0, 0xF1, 0xF2, 0xF8, 0xFF})


def _pes(chunk: bytes, p: int, end: int, pid: int, unit_start: int, stream: _Stream) -> bool:
    """Gather a stream's PES payload and parse it once there is enough; False when done with the PID."""
    data = stream.data
    if unit_start:
        if pid in data:
            more = _parse(pid, bytes(data.pop(pid)), stream)
            stream.from_start.discard(pid)
            if not more:
                stream.done.add(pid)
                return False
        if p + 6 > end or chunk[p : p + 3] != b"\0\0\1":
            return True
        stream_id = chunk[p + 3]
        p += 6
        if stream_id not in _NO_SYNTAX:
            if p + 3 > end or chunk[p] & 0xC0 != 0x80:
                return True
            p += 3 + chunk[p + 2]
            if p >= end:
                return True
        data[pid] = bytearray(chunk[p:end])
        stream.from_start.add(pid)
    elif pid in data:
        data[pid] += chunk[p:end]
    else:
        return True
    kind = stream.types[pid]
    if len(data[pid]) >= (1024 if kind == 0x1B else 256):
        more = _parse(pid, bytes(data.pop(pid)), stream)
        if not more and pid not in stream.from_start:
            more = True
        stream.from_start.discard(pid)
        if not more:
            stream.done.add(pid)
            return False
    return True


def _parse(pid: int, data: bytes, stream: _Stream) -> bool:
    """One gathered stretch of a stream: True when exiftool would read the next one too."""
    kind = stream.types[pid]
    if kind == 0x1B:
        return _h264(data, stream)
    if kind in (0x01, 0x02):
        size = _mpeg_video_size(data)
        if size and not stream.meta.width:
            stream.meta.width, stream.meta.height = size
    return False


# -- H.264: sequence parameter set and the MDPM in the SEI ---------------------------------


def _h264(data: bytes, stream: _Stream) -> bool:
    found_user = False
    wanted = {6, 7}
    n = len(data)
    pos = search = 0
    while pos < n:
        match = _NAL_START.search(data, search)
        if match:
            next_pos, end = match.end(), match.start()
            if not pos:
                pos = search = next_pos
                continue
        else:
            if not pos:
                break
            next_pos = end = n
        if pos >= n:
            break
        nal = data[pos]
        pos += 1
        if nal & 0x80:
            break
        nal &= 0x1F
        if nal not in wanted:
            pos = search = next_pos
            continue
        body = bytearray()
        at = pos + 1
        while True:  # drop the emulation prevention bytes (00 00 03 -> 00 00)
            escape = _ESCAPE.search(data, at)
            if not escape or escape.end() > end:
                break
            body += data[pos : escape.end() - 1]
            pos = at = escape.end()
        body += data[pos:end]
        pos = search = next_pos
        if nal == 6:
            if stream.got_sei:
                continue
            found_user = _sei(bytes(body), stream.meta)
            if not found_user:
                continue
            stream.got_sei = True
        else:
            if stream.got_sps:
                continue
            stream.got_sps = True
            size = _sps_size(bytes(body))
            if size:
                stream.meta.width, stream.meta.height = size
        wanted.discard(nal)
    if found_user or stream.h264_parsed:
        return False
    stream.h264_parsed = True
    return True


class _Bits:
    __slots__ = ("bits", "pos", "value")

    def __init__(self, data: bytes) -> None:
        self.value = int.from_bytes(data, "big")
        self.bits = 8 * len(data)
        self.pos = 0

    def read(self, n: int) -> int:
        if self.pos + n > self.bits:
            raise ValueError("end of the parameter set")
        self.pos += n
        return (self.value >> (self.bits - self.pos)) & ((1 << n) - 1)

    def golomb(self) -> int:
        zeros = 0
        while not self.read(1):
            zeros += 1
            if zeros > 31:
                raise ValueError("bad Exp-Golomb code")
        return (1 << zeros) - 1 + (self.read(zeros) if zeros else 0)

    def signed(self) -> int:
        value = self.golomb() + 1
        return -(value >> 1) if value & 1 else value >> 1


def _sps_size(data: bytes) -> tuple[int, int] | None:
    """The cropped picture size of an H.264 sequence parameter set, with exiftool's bounds."""
    bits = _Bits(data)
    try:
        profile = bits.read(8)
        bits.read(16)  # constraint flags, level
        bits.golomb()  # seq_parameter_set_id
        if profile >= 100:
            if bits.golomb() == 3:  # chroma_format_idc
                bits.read(1)
            bits.golomb()
            bits.golomb()
            bits.read(1)
            if bits.read(1):  # scaling matrices, skipped as exiftool does (8 lists)
                for i in range(8):
                    if not bits.read(1):
                        continue
                    following = 8
                    for j in range(16 if i < 6 else 64):
                        if following:
                            following = (8 + bits.signed()) & 0xFF
                        if not j and not following:
                            break
        bits.golomb()  # log2_max_frame_num_minus4
        order = bits.golomb()
        if order == 0:
            bits.golomb()
        elif order == 1:
            bits.read(1)
            bits.signed()
            bits.signed()
            for _ in range(bits.golomb()):
                bits.signed()
        bits.golomb()  # num_ref_frames
        bits.read(1)
        width = (bits.golomb() + 1) * 16
        height = bits.golomb() + 1
        frames_only = bits.read(1)
        if not frames_only:
            bits.read(1)  # mb_adaptive_frame_field_flag
        bits.read(1)  # direct_8x8_inference_flag
        height *= (2 - frames_only) * 16
        if bits.read(1):  # frame cropping
            unit = 4 - frames_only * 2
            width -= 4 * bits.golomb()
            width -= 4 * bits.golomb()
            height -= unit * bits.golomb()
            height -= unit * bits.golomb()
    except ValueError:
        return None
    if bits.pos >= bits.bits:  # exiftool wants bits left after the cropping
        return None
    if 160 <= width <= 4096 and 120 <= height <= 3072:
        return width, height
    return None


def _sei(data: bytes, meta: Metadata) -> bool:
    """The first unregistered user data message of an SEI: True (and read) when it is an MDPM."""
    pos, end = 0, len(data)
    while True:
        kind = size = 0
        while True:
            if pos >= end:
                return False
            kind += data[pos]
            pos += 1
            if data[pos - 1] != 255:
                break
        if kind == 0x80:
            return False
        while True:
            if pos >= end:
                return False
            size += data[pos]
            pos += 1
            if data[pos - 1] != 255:
                break
        if pos + size > end:
            return False
        if kind == 5:
            break
        pos += size
    if size <= 20 or data[pos : pos + 20] != _MDPM:
        return False
    end = pos + size
    pos += 20
    count = data[pos]
    pos += 1
    entries: dict[int, bytes] = {}
    last = index = 0
    make = None
    while index < count and pos < end:
        tag = data[pos]
        if tag <= last:
            break  # out of order: exiftool stops here
        last = tag
        value = data[pos + 1 : pos + 5]
        known = tag in _KNOWN or (tag == 0xE4 and make == "Sony")
        combine = _COMBINE.get(tag, 0) if known else 0
        while combine and pos + 5 < end and data[pos + 5] == last + 1:
            pos += 5
            value += data[pos + 1 : pos + 5]
            index += 1
            last += 1
            combine -= 1
        if known:
            entries[tag] = value
            if tag == 0xE0 and len(value) >= 2:
                make = _MAKES.get(int.from_bytes(value[:2], "big"), "Unknown")
        pos += 5
        index += 1
    _apply_mdpm(meta, entries, make)
    return True


def _rationals(raw: bytes) -> list[float] | None:
    """exiftool's rational32u: 16-bit numerator and denominator, big-endian."""
    if not raw or len(raw) % 4:
        return None
    values = []
    for i in range(0, len(raw), 4):
        num, den = int.from_bytes(raw[i : i + 2], "big"), int.from_bytes(raw[i + 2 : i + 4], "big")
        if not den:
            return None
        values.append(num / den)
    return values


def _apply_mdpm(meta: Metadata, entries: dict[int, bytes], make: str | None) -> None:
    stamp = entries.get(0x18)
    if stamp and len(stamp) == 8:
        tz = stamp[0]
        text = "{:02x}{:02x}:{:02x}:{:02x} {:02x}:{:02x}:{:02x}".format(*stamp[1:])
        offset = f"{'-' if tz & 0x20 else '+'}{(tz >> 1) & 0x0F:02d}:{'30' if tz & 1 else '00'}"
        set_stamp(meta, text, offset)  # bit 0x40 (DST) is already in the offset, as exiftool prints it
    if make and make != "Unknown":
        meta.make = make
    model = entries.get(0xE4)
    if model:
        text = model.split(b"\0", 1)[0].decode("latin-1").strip()
        meta.model = text or None
    shutter = entries.get(0x7F)
    if shutter and len(shutter) == 4:
        raw = int.from_bytes(shutter[2:4], "little") & 0x7FFF
        if raw and raw != 0x7FFF:
            meta.exposure_s = rational(raw / 28125)
    for tag, field in ((0xA0, "exposure_s"), (0xA1, "aperture_f"), (0xA9, "focal_length_35mm")):
        values = _rationals(entries.get(tag, b""))
        if values and values[0] > 0:
            setattr(meta, field, rational(values[0]))
    lat, lon = _rationals(entries.get(0xB2, b"")), _rationals(entries.get(0xB6, b""))
    lat_ref, lon_ref = entries.get(0xB1, b"")[:1], entries.get(0xB5, b"")[:1]
    if lat and lon and len(lat) == 3 and len(lon) == 3 and lat_ref in (b"N", b"S") and lon_ref in (b"E", b"W"):
        latitude = lat[0] + lat[1] / 60 + lat[2] / 3600
        longitude = lon[0] + lon[1] / 60 + lon[2] / 3600
        if latitude <= 90 and longitude <= 180:
            meta.latitude = round(-latitude if lat_ref == b"S" else latitude, 6)
            meta.longitude = round(-longitude if lon_ref == b"W" else longitude, 6)


# -- MPEG-1/2 video and audio headers ------------------------------------------------------


def _mpeg_video_size(data: bytes) -> tuple[int, int] | None:
    """The picture size of the first valid MPEG-1/2 sequence header (00 00 01 B3) in ``data``."""
    for match in re.finditer(rb"\0\0\x01\xb3", data):
        word = data[match.end() : match.end() + 4]
        if len(word) < 4:
            return None
        value = int.from_bytes(word, "big")
        aspect, rate = (value >> 4) & 0x0F, value & 0x0F
        if aspect in (0, 15) or not 1 <= rate <= 8:
            continue
        return value >> 20, (value >> 8) & 0x0FFF
    return None


def _last_pcr(src: Source, plen: int, tc: int, grid: int, low: int) -> int | None:
    """The last clock reference before ``grid``, stepping back packet by packet down to ``low`` (as exiftool)."""
    pos = grid
    while pos > low:
        start = max(low, pos - 64 * plen)
        start = pos - (pos - start) // plen * plen
        if start >= pos:  # less than a packet left above ``low``
            return None
        chunk = src.read(start, pos - start)
        if len(chunk) < pos - start:
            return None
        for i in range((pos - start) // plen - 1, -1, -1):
            p = i * plen + tc
            if chunk[p] != 0x47:
                return None
            if chunk[p + 3] & 0x20:
                if p + 5 + chunk[p + 4] > (i + 1) * plen:
                    return None  # an adaptation field longer than its packet: exiftool stops too
                pcr = _pcr(chunk, p + 4)
                if pcr is not None:
                    return pcr
        pos = start
    return None


# -- program streams ------------------------------------------------------------------------

_MPEG_HEAD = 256 * 1024
_AUDIO_START = re.compile(rb"\0\0\x01(\xb3|\xc0)")
_FF = re.compile(rb"\xff...", re.S)
_BITRATES = {  # (version is MPEG-1, layer code) -> kbit/s by index (exiftool's MPEG Audio table)
    (True, 3): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (True, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (True, 1): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (False, 3): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (False, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (False, 1): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}


def _audio_bitrate(data: bytes) -> tuple[bool, int | None]:
    """exiftool's ParseMPEGAudio (not MP3): (a frame header was found, its bit rate in bit/s)."""
    pos = 0
    while True:
        match = _FF.search(data, pos)
        if not match:
            return False, None
        word = int.from_bytes(match.group(), "big")
        if word & 0xFFE00000 != 0xFFE00000:
            pos = match.end() - 2
            continue
        if (
            word & 0x180000 == 0x080000
            or word & 0x060000 == 0
            or word & 0x00F000 in (0, 0x00F000)
            or word & 0x000C00 == 0x000C00
            or word & 0x000003 == 0x000002
        ):
            return False, None
        version, layer, index = (word >> 19) & 3, (word >> 17) & 3, (word >> 12) & 0x0F
        table = _BITRATES.get((version == 3, layer))
        return True, (table[index] * 1000 if table and table[index] else None)


def read_mpeg(src: Source) -> Metadata:
    """An MPEG-1/2 program stream or elementary video stream, as exiftool's MPEG module reads it."""
    meta = Metadata("mpeg", "video/mpeg")
    data = src.read(0, _MPEG_HEAD)
    audio_rate = video_rate = None
    found_audio = found_video = did_head = variable = False
    for match in _AUDIO_START.finditer(data):
        video = match.group(1) == b"\xb3"
        if not did_head:
            found_audio, audio_rate = _audio_bitrate(data[: match.start()])
            did_head = True
        if found_video if video else found_audio:
            continue
        rest = data[match.end() : match.end() + 256]
        if len(rest) < 4:
            break
        if video:
            value = int.from_bytes(rest[:4], "big")
            aspect, rate = (value >> 4) & 0x0F, value & 0x0F
            if aspect in (0, 15) or not 1 <= rate <= 8:
                continue
            meta.width, meta.height = value >> 20, (value >> 8) & 0x0FFF
            video_rate = (int.from_bytes(rest[4:7], "big") >> 6) * 400 if len(rest) >= 7 else 0
            variable = video_rate == 0x3FFFF * 400  # exiftool's "Variable": no duration estimate
            found_video = True
        else:
            found_audio, audio_rate = _audio_bitrate(rest)
            if not found_audio:
                continue
        if found_audio and found_video:
            break
    total = (audio_rate or 0) + (video_rate or 0)
    if src.fh is None:  # only the head was given: the estimate needs the file's size
        meta.truncated = True
    elif total and not variable:
        meta.duration_s = round(8 * src.size / total, 6)
    return meta
