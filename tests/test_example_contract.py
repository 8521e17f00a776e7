"""The shared worked example: load example.xlsx, then `progress --json` must match the
figures worked out independently of the product (shared/examples/README.md).

Every field of the expected document must be present with the same value
(percentages within 0.01, strings exact); our document may carry more fields.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from zhaoshang.cli import main

# shared/ sits beside the repository checkout, wherever the checkout is.
EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "examples"

pytestmark = [
    pytest.mark.django_db,
    # In CI the shared folder is always there: a missing one must fail, not skip.
    pytest.mark.skipif(
        not EXAMPLES.is_dir() and not os.environ.get("CI"),
        reason=f"the shared examples folder {EXAMPLES} is absent (it sits beside the checkout)",
    ),
]

PCT_TOLERANCE = 0.01


def differences(expected, actual, path: str = "$") -> list[str]:
    """Where ``actual`` does not carry ``expected``: one line per differing field."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: expected an object, got {actual!r}"]
        found = []
        for key, value in expected.items():
            if key not in actual:
                found.append(f"{path}.{key}: missing (expected {value!r})")
            else:
                found += differences(value, actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [f"{path}: expected {len(expected)} items, got {actual!r}"]
        if all(isinstance(item, dict) and "code" in item for item in expected):
            # Rows are matched by unit code; their order is not what is being checked here.
            by_code = {item.get("code"): item for item in actual if isinstance(item, dict)}
            found = []
            for item in expected:
                other = by_code.get(item["code"])
                if other is None:
                    found.append(f"{path}[code={item['code']}]: missing")
                else:
                    found += differences(item, other, f"{path}[code={item['code']}]")
            return found
        found = []
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            found += differences(e, a, f"{path}[{index}]")
        return found
    if (
        isinstance(expected, float)
        and not isinstance(actual, bool)
        and isinstance(actual, int | float)
    ):
        if abs(expected - actual) > PCT_TOLERANCE:
            return [f"{path}: expected {expected}, got {actual}"]
        return []
    if type(expected) is not type(actual) or expected != actual:
        return [f"{path}: expected {expected!r}, got {actual!r}"]
    return []


def test_example_progress_matches_the_hand_worked_figures(capsys):
    assert main(["load", str(EXAMPLES / "example.xlsx"), "--json"]) == 0
    loaded = json.loads(capsys.readouterr().out)
    assert loaded["ok"] and loaded["errors"] == [], loaded

    status = main(["progress", "--campaign", "EX2026", "--as-of", "2026-11-20", "--json"])
    assert status == 0
    document = json.loads(capsys.readouterr().out)
    expected = json.loads(
        (EXAMPLES / "example-progress-2026-11-20.json").read_text(encoding="utf-8")
    )

    found = differences(expected, document)
    assert not found, "progress --json differs from the worked example:\n" + "\n".join(found)


def test_example_loads_twice_without_changes(capsys):
    path = str(EXAMPLES / "example.xlsx")
    assert main(["load", path]) == 0
    capsys.readouterr()
    assert main(["load", path, "--json"]) == 0
    counts = json.loads(capsys.readouterr().out)["counts"]
    assert all(c["created"] == 0 and c["updated"] == 0 for c in counts.values()), counts
