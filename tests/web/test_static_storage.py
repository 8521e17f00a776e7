"""Starting the server again does not compress every static file again."""

import gzip
import os

from zhaoshang.web.storage import StaticStorage


def _compressed(storage, names):
    return sorted({done for _path, done, _flag in storage.post_process(dict.fromkeys(names))})


def test_only_new_or_changed_files_are_compressed_again(tmp_path):
    storage = StaticStorage(location=tmp_path, base_url="/static/")
    (tmp_path / "app.js").write_text("var dispatch = 1;\n" * 400)
    (tmp_path / "app.css").write_text("table.data { color: #333; }\n" * 400)

    first = _compressed(storage, ["app.js", "app.css"])
    assert "app.js.gz" in first and "app.css.gz" in first

    # A second start: nothing changed, nothing compressed.
    assert _compressed(storage, ["app.js", "app.css"]) == []

    # One file changes (collectstatic copies it, so it is newer than its .gz).
    (tmp_path / "app.js").write_text("var dispatch = 2;\n" * 400)
    later = os.path.getmtime(tmp_path / "app.js.gz") + 5
    os.utime(tmp_path / "app.js", (later, later))
    again = _compressed(storage, ["app.js", "app.css"])
    assert "app.js.gz" in again and "app.css.gz" not in again
    assert gzip.decompress((tmp_path / "app.js.gz").read_bytes()).startswith(b"var dispatch = 2;")
