"""Which files the ledger accepts as contracts and evidence, and how they are stored and served.

A file is accepted when its extension is on the list AND its first bytes are
what that format starts with, so a renamed script or HTML page is refused.
It is stored under a random name (the uploaded name is kept only as text),
never under MEDIA_URL, and handed out only by a view that has first found
the project inside the user's scope; the response always downloads
(``Content-Disposition: attachment``) with the type from this list, never the
uploader's.
"""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

_PDF = (b"%PDF-",)
_PNG = (b"\x89PNG\r\n\x1a\n",)
_JPEG = (b"\xff\xd8\xff",)
_ZIP = (b"PK\x03\x04",)
# Compound documents: .doc, .xls and WPS's .wps/.et.
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)

# extension → (content type served, accepted leading bytes)
ALLOWED = {
    "pdf": ("application/pdf", _PDF),
    "ofd": ("application/ofd", _ZIP),
    "jpg": ("image/jpeg", _JPEG),
    "jpeg": ("image/jpeg", _JPEG),
    "png": ("image/png", _PNG),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    "doc": ("application/msword", _OLE),
    "xls": ("application/vnd.ms-excel", _OLE),
    "wps": ("application/vnd.ms-works", _OLE),
    "et": ("application/vnd.ms-excel", _OLE),
}
ACCEPT_ATTR = ",".join(f".{ext}" for ext in ALLOWED)


def max_bytes() -> int:
    return int(getattr(settings, "LEDGER_UPLOAD_MAX_MB", 20)) * 1024 * 1024


def extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def check_upload(upload) -> str:
    """The content type to serve ``upload`` with; ValidationError (Chinese) when it is refused."""
    limit = max_bytes()
    if upload.size == 0:
        raise ValidationError(_("文件为空。"))
    if upload.size > limit:
        raise ValidationError(
            _("文件大小 %(size).1f MB，超过上限 %(limit)d MB。")
            % {"size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024}
        )
    ext = extension(upload.name)
    if ext not in ALLOWED:
        raise ValidationError(
            _("不接受 .%(ext)s 文件；可上传 %(list)s。")
            % {"ext": ext or "?", "list": "、".join(ALLOWED)}
        )
    content_type, signatures = ALLOWED[ext]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(_("文件内容与扩展名 .%(ext)s 不符，请上传原始文件。") % {"ext": ext})
    return content_type


def stored_name(original: str) -> str:
    """A random file name keeping only the (checked) extension."""
    return f"{uuid.uuid4().hex}.{extension(original)}"


def serve(field_file, download_name: str) -> FileResponse:
    """A download of a stored file; 404 when the file is gone from disk."""
    ext = extension(field_file.name)
    content_type = ALLOWED.get(ext, ("application/octet-stream", ()))[0]
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# A follow-up's photo: what a phone's camera gives (JPEG, or PNG for a screenshot).
PHOTO_TYPES = {"jpg": ("image/jpeg", _JPEG), "png": ("image/png", _PNG)}


def photo_max_bytes() -> int:
    return int(getattr(settings, "FOLLOW_UP_PHOTO_MAX_MB", 10)) * 1024 * 1024


def check_photo(upload) -> tuple[str, str]:
    """(extension, content type) of a photo; ValidationError (Chinese) when it is refused.

    The type is read from the first bytes, not the name: phones name files freely.
    """
    limit = photo_max_bytes()
    if upload.size == 0:
        raise ValidationError(_("照片文件为空，请重新拍摄或选择。"))
    if upload.size > limit:
        raise ValidationError(
            _("照片大小 %(size).1f MB，超过上限 %(limit)d MB；请在手机相机设置中降低分辨率后重拍。")
            % {"size": upload.size / 1024 / 1024, "limit": limit // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for ext, (content_type, signatures) in PHOTO_TYPES.items():
        if any(head.startswith(sig) for sig in signatures):
            return ext, content_type
    raise ValidationError(
        _("“%(name)s”不是 JPEG 或 PNG 照片；请用相机拍摄，或选择 JPG、PNG 图片。")
        % {"name": os.path.basename(upload.name or "")}
    )


def serve_inline_image(field_file, content_type: str) -> FileResponse:
    """A stored, checked photo shown in the page (a thumbnail); 404 when gone from disk."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
