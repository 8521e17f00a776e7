"""A follow-up can carry a photo from the phone's camera: kept with scope, shown as a thumbnail."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from zhaoshang.ledger.models import FollowUp

from ..web.helpers import text
from .helpers import everything

HX = {"HX-Request": "true"}
# The first bytes are what decide: a PNG signature and a tiny body.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def _post(client, personas, photo, content="现场查看厂房进度"):
    data = {
        "kind": "考察",
        "on": "2026-11-27",
        "unit": personas.units["522601"].pk,
        "content": content,
    }
    if photo is not None:
        data["photo"] = photo
    return client.post("/ledger/follow-ups/new/", data, headers=HX)


def test_the_form_opens_the_camera_on_a_phone(client_for):
    html = client_for("r522601").get("/ledger/follow-ups/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="photo" accept="image/*" capture="environment"' in html


def test_a_photo_is_kept_and_shown_only_inside_scope(client_for, personas):
    client = client_for("r522601")
    response = _post(client, personas, SimpleUploadedFile("IMG_0001.JPG", JPEG, "image/jpeg"))
    assert response.status_code == 200
    follow_up = FollowUp.objects.get(content="现场查看厂房进度")
    # Stored under a random name, never the phone's.
    assert follow_up.photo.name.endswith(".jpg") and "IMG_0001" not in follow_up.photo.name
    assert follow_up.photo_type == "image/jpeg"
    url = f"/ledger/follow-ups/{follow_up.pk}/photo/"
    assert f'src="{url}"' in response.content.decode()  # 我最近记的 shows it

    feed = client.get("/ledger/follow-ups/").content.decode()
    assert f'<img class="thumb" src="{url}"' in feed
    shown = client.get(url)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == JPEG
    assert shown["X-Content-Type-Options"] == "nosniff"
    # The prefecture sees it; another county does not even learn it exists.
    assert client_for("leader").get(url).status_code == 200
    assert client_for("r522631").get(url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_in_chinese(client_for, personas):
    before = everything()
    response = _post(
        client_for("r522601"),
        personas,
        SimpleUploadedFile("现场.jpg", b"<html>not a photo</html>", "image/jpeg"),
    )
    assert "“现场.jpg”不是 JPEG 或 PNG 照片" in text(response.content.decode())
    assert everything() == before


def test_a_photo_over_the_limit_is_refused_with_its_size(client_for, personas, settings):
    settings.FOLLOW_UP_PHOTO_MAX_MB = 1
    before = everything()
    big = PNG + b"\x00" * (1024 * 1024 + 1)
    response = _post(client_for("r522601"), personas, SimpleUploadedFile("a.png", big, "image/png"))
    assert "照片大小 1.0 MB，超过上限 1 MB" in text(response.content.decode())
    assert everything() == before


def test_a_follow_up_without_photo_has_no_thumbnail(client_for, personas):
    client = client_for("r522601")
    _post(client, personas, None, content="电话联系投资方")
    assert FollowUp.objects.get(content="电话联系投资方").photo == ""
    assert 'class="thumb"' not in client.get("/ledger/follow-ups/").content.decode()
