"""Run in its own process on a file SQLite database: sign in, then save a project edit.

Prints one JSON line: the status of the save and whether the page says 正在导入.
Argument: "setup" builds the personas first; "save" only saves.
"""

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
os.environ.setdefault("ZHAOSHANG_ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.ALLOWED_HOSTS = ["testserver"]

if sys.argv[1] == "setup":
    call_command("migrate", verbosity=0)
    from tests.conftest import build_personas

    build_personas()
    print(json.dumps({"ready": True}))
    sys.exit(0)

from django.contrib.auth import get_user_model  # noqa: E402

from tests.web.helpers import edit_payload  # noqa: E402
from zhaoshang.ledger.models import Project  # noqa: E402

client = Client()
client.force_login(get_user_model().objects.get(username="r522601"))
payload = edit_payload(Project.objects.get(code="KL-001"), note="锁表时保存")
# Tell the parent that the session is written: from here on only the save writes.
print(json.dumps({"signed_in": True}), flush=True)
sys.stdin.readline()
response = client.post("/projects/KL-001/edit/", payload)
print(
    json.dumps(
        {
            "status": response.status_code,
            "busy": "正在导入，请稍后再试" in response.content.decode(),
            "note": Project.objects.get(code="KL-001").note,
        }
    ),
    flush=True,
)
