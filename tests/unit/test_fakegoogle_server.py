"""The fake Google server speaks Google's shapes and rules over real loopback sockets."""

import base64
import hashlib

import httpx
import pytest

from gphotos_tui.demo.generator import SyntheticLibrary
from gphotos_tui.fakegoogle import FakeGoogle


@pytest.fixture(scope="module")
def fake():
    with FakeGoogle(SyntheticLibrary(120, seed=5), polls_until_picked=2) as server:
        yield server


@pytest.fixture
def http(fake):
    fake.faults.clear()
    with httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {fake.static_token}"}) as client:
        yield client


def test_media_items_use_google_shapes(http):
    body = http.get("/v1/mediaItems", params={"pageSize": 100}).json()
    assert len(body["mediaItems"]) == 100 and "nextPageToken" in body
    for item in body["mediaItems"]:
        meta = item["mediaMetadata"]
        assert isinstance(meta["width"], str) and meta["width"].isdigit()  # int64 as string
        assert meta["creationTime"].endswith("Z")
        assert None not in item.values()  # optional fields are left out, never null
        exposure = meta.get("photo", {}).get("exposureTime")
        if exposure:
            assert exposure.endswith("s") and float(exposure[:-1]) > 0
    assert {len(m["mediaMetadata"]["creationTime"]) for m in body["mediaItems"]} >= {20, 24, 27, 30}  # 0/3/6/9 digits


def test_page_sizes_are_coerced_to_documented_maxima(http):
    assert len(http.get("/v1/mediaItems", params={"pageSize": 500}).json()["mediaItems"]) == 100
    assert len(http.get("/v1/mediaItems").json()["mediaItems"]) == 25  # default
    assert len(http.get("/v1/albums", params={"pageSize": 3}).json()["albums"]) == 3
    bad = http.get("/v1/mediaItems", params={"pageSize": -1})
    assert bad.status_code == 400 and bad.json()["error"]["status"] == "INVALID_ARGUMENT"


def test_bearer_token_is_required(fake):
    resp = httpx.get(fake.url + "v1/mediaItems")
    assert resp.status_code == 401
    assert resp.json() == {
        "error": {
            "code": 401,
            "message": "Request is missing required authentication credential.",
            "status": "UNAUTHENTICATED",
        }
    }
    assert httpx.get(fake.url + "v1/albums", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_missing_scope_gives_googles_403(fake):
    token = fake.oauth.grant_static(frozenset({"https://www.googleapis.com/auth/photospicker.mediaitems.readonly"}))
    resp = httpx.get(fake.url + "v1/mediaItems", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 403
    assert resp.json()["error"]["message"] == "Request had insufficient authentication scopes."


def test_search_rules(http):
    both = http.post(
        "/v1/mediaItems:search", json={"albumId": "x", "filters": {"dateFilter": {"dates": [{"year": 2020}]}}}
    )
    assert both.status_code == 400
    assert http.post("/v1/mediaItems:search", json={"orderBy": "MediaMetadata.creation_time"}).status_code == 400
    year = {
        "filters": {"dateFilter": {"dates": [{"year": 2021, "month": 0, "day": 0}]}},
        "orderBy": "MediaMetadata.creation_time",
        "pageSize": 100,
    }
    items = http.post("/v1/mediaItems:search", json=year).json().get("mediaItems", [])
    times = [i["mediaMetadata"]["creationTime"] for i in items]
    assert times == sorted(times) and all(t[:4] in ("2020", "2021", "2022") for t in times)  # local-date year
    invalid = {"filters": {"dateFilter": {"dates": [{"year": 0, "month": 0, "day": 0}]}}}
    assert http.post("/v1/mediaItems:search", json=invalid).status_code == 400


def test_batch_get_keeps_order_and_reports_missing(http, fake):
    ids = [fake.store.items[3].record.external_id, "unknown", fake.store.items[1].record.external_id]
    results = http.get("/v1/mediaItems:batchGet", params=[("mediaItemIds", i) for i in ids]).json()["mediaItemResults"]
    assert results[0]["mediaItem"]["id"] == ids[0] and results[2]["mediaItem"]["id"] == ids[2]
    assert results[1]["status"]["code"] == 5
    assert http.get("/v1/mediaItems:batchGet", params=[("mediaItemIds", "a")] * 2).status_code == 400


def test_picker_precondition_then_items(http):
    session = http.post("/v1/sessions", json={"pickingConfig": {"maxItemCount": "7"}}).json()
    assert session["pollingConfig"]["pollInterval"].endswith("s") and "mediaItemsSet" not in session
    early = http.get("/v1/mediaItems", params={"sessionId": session["id"]})
    assert early.status_code == 400 and early.json()["error"]["status"] == "FAILED_PRECONDITION"
    polls = [http.get(f"/v1/sessions/{session['id']}").json() for _ in range(3)]
    assert [p.get("mediaItemsSet", False) for p in polls] == [False, True, True]
    assert "pollingConfig" not in polls[-1]
    picked = http.get("/v1/mediaItems", params={"sessionId": session["id"], "pageSize": 100}).json()["mediaItems"]
    assert len(picked) == 7 and isinstance(picked[0]["mediaFile"]["mediaFileMetadata"]["width"], int)
    assert http.delete(f"/v1/sessions/{session['id']}").status_code == 200
    assert http.get(f"/v1/sessions/{session['id']}").status_code == 404


def test_base_url_bytes(http, fake):
    photo = next(i for i in fake.store.items if i.record.media_type == "photo" and i.record.latitude is not None)
    video = next(i for i in fake.store.items if i.record.media_type == "video")
    small = http.get(f"/lr/{photo.record.external_id}=w64-h64")
    assert small.headers["content-type"] == "image/jpeg" and small.content[:2] == b"\xff\xd8"
    full = http.get(f"/lr/{photo.record.external_id}=d").content
    import io

    from PIL import Image

    exif = Image.open(io.BytesIO(full)).getexif()
    assert exif.get(0x0110) == photo.record.camera_model and not exif.get_ifd(0x8825)  # =d drops GPS only
    assert http.get(f"/lr/{video.record.external_id}=dv").content[4:8] == b"ftyp"
    assert http.get(f"/lr/{photo.record.external_id}=dv").status_code == 400


def test_faults_fire_as_configured(http, fake):
    fake.faults.add("429", every=2, times=1, retry_after=7)
    first, second, third = (http.get("/v1/albums") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (200, 429, 200)
    assert second.headers["retry-after"] == "7" and second.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    fake.faults.add("drop")
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/v1/albums")
    fake.faults.add("malformed")
    with pytest.raises(ValueError):
        http.get("/v1/albums").json()
    with pytest.raises(ValueError):
        fake.faults.add("gremlins")


def test_quota_exhaustion_and_reset(http, fake):
    fake.reset_quota()
    fake.quota["library"] = 2
    try:
        codes = [http.get("/v1/albums").status_code for _ in range(3)]
        assert codes == [200, 200, 429]
        fake.reset_quota()
        assert http.get("/v1/albums").status_code == 200
    finally:
        fake.quota["library"] = 10_000


def test_request_log_has_no_headers(http, fake):
    fake.clear_log()
    http.get("/v1/albums", params={"pageSize": 5})
    entry = fake.requests[-1]
    assert (entry.method, entry.path, entry.query, entry.status) == ("GET", "/v1/albums", {"pageSize": ["5"]}, 200)
    assert fake.static_token not in repr(fake.requests)


def test_oauth_stand_in_checks_pkce_and_redirect(fake):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    params = {
        "client_id": fake.oauth.client_id,
        "redirect_uri": "http://127.0.0.1:9/",
        "response_type": "code",
        "scope": "https://www.googleapis.com/auth/photospicker.mediaitems.readonly",
        "state": "s1",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    resp = httpx.get(fake.auth_uri, params=params)
    assert resp.status_code == 302
    location = httpx.URL(resp.headers["location"])
    assert location.params["state"] == "s1"
    form = {
        "grant_type": "authorization_code",
        "code": location.params["code"],
        "redirect_uri": "http://127.0.0.1:9/",
        "client_id": fake.oauth.client_id,
        "client_secret": fake.oauth.client_secret,
        "code_verifier": "wrong" * 10,
    }
    assert httpx.post(fake.token_uri, data=form).json()["error"] == "invalid_grant"  # code is now used up too
    resp = httpx.get(fake.auth_uri, params=params)
    form["code"] = httpx.URL(resp.headers["location"]).params["code"]
    form["code_verifier"] = verifier
    tokens = httpx.post(fake.token_uri, data=form).json()
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    refreshed = httpx.post(
        fake.token_uri,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": fake.oauth.client_id,
            "client_secret": fake.oauth.client_secret,
        },
    )
    assert refreshed.json()["access_token"] != tokens["access_token"]
    assert httpx.post(fake.revoke_uri, data={"token": tokens["refresh_token"]}).status_code == 200
    again = httpx.post(
        fake.token_uri,
        data={
            "grant_type": "refresh_token",
            "refresh_token": tokens["refresh_token"],
            "client_id": fake.oauth.client_id,
            "client_secret": fake.oauth.client_secret,
        },
    )
    assert again.json()["error"] == "invalid_grant"
    assert httpx.get(fake.auth_uri, params=params | {"redirect_uri": "https://evil.example/"}).status_code == 400
