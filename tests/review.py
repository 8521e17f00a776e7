"""The reviewer's one command (``make review``): every reliability check at full size,
on SQLite and — when ``DATABASE_URL`` points at PostgreSQL — on PostgreSQL too,
then one summary table. Exit status 0 only when every part is green.

Parts: the permission matrix and stale-edit checks, the scope property test, the
security findings (each has a test), fuzzing of the API against its OpenAPI
schema (the tests that use schemathesis), concurrency (8 processes × 300
read-modify-write transactions during an import; 8 API editors), backup under
load with the restore drill, and the load benchmark when ``zhaoshang bench``
offers one (``--only load``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

FULL_SIZE = {
    "ZHAOSHANG_CONCURRENCY_TXNS": "300",
    "ZHAOSHANG_CONCURRENCY_API": "50",
    "ZHAOSHANG_CONCURRENCY_IMPORT_ROWS": "5000",
    "ZHAOSHANG_SCOPE_EXAMPLES": "200",
    "ZHAOSHANG_FUZZ_EXAMPLES": "50",
}


def _fuzz_tests() -> list[str]:
    """The API fuzzing tests: those that use schemathesis, directly or through a helper."""
    found = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        text = path.read_text()
        if re.search(r"^\s*(import|from)\s+(schemathesis|\.fuzz\b)", text, re.M):
            found.append(str(path.relative_to(ROOT)))
    return found


PARTS: list[tuple[str, list[str]]] = [
    ("权限矩阵 permission matrix", ["tests/reliability/test_permission_matrix.py"]),
    ("过期编辑 stale edits", ["tests/reliability/test_stale_edits.py"]),
    ("范围属性测试 scope property", ["tests/reliability/test_scope_property.py"]),
    (
        "安全问题回归 findings",
        ["tests/security", "-m", "not browser", "--ignore=tests/security/test_backup.py"],
    ),
    ("接口模糊测试 fuzzing", _fuzz_tests()),
    ("并发 concurrency", ["tests/reliability/test_concurrency.py"]),
    (
        "备份与恢复 backup",
        ["tests/security/test_backup.py", "tests/reliability/test_backup_under_load.py"],
    ),
]


def _pytest(args: list[str], env: dict, report: Path) -> dict:
    command = [str(BIN / "pytest"), "-q", "-p", "no:randomly", f"--junitxml={report}", *args]
    started = time.monotonic()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    if report.exists():
        suite = ET.parse(report).getroot()
        suite = suite.find("testsuite") if suite.tag == "testsuites" else suite
        tests = int(suite.get("tests", 0))
        failed = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        counts = {"passed": tests - failed - skipped, "failed": failed, "skipped": skipped}
    ok = done.returncode == 0 or (done.returncode == 5 and not counts["failed"])
    if not ok:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-2000:])
    return {"ok": ok, "seconds": seconds, **counts}


def _load(env: dict) -> dict | None:
    """The load benchmark, when this version of ``zhaoshang bench`` has one."""
    helptext = subprocess.run(
        [str(BIN / "zhaoshang"), "bench", "--help"], env=env, capture_output=True, text=True
    ).stdout
    if not re.search(r"\bload\b", helptext):
        return None
    started = time.monotonic()
    done = subprocess.run(
        [str(BIN / "zhaoshang"), "bench", "--only", "load"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    sys.stdout.write(done.stdout[-3000:])
    if done.returncode:
        sys.stdout.write(done.stderr[-2000:])
    return {"ok": done.returncode == 0, "seconds": time.monotonic() - started}


def main() -> int:
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    base.update(FULL_SIZE)
    engines = [("SQLite", base)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        engines.append(("PostgreSQL", {**base, "DATABASE_URL": url}))
    reports = ROOT / "var" / "review"
    reports.mkdir(parents=True, exist_ok=True)
    rows = []
    for engine, env in engines:
        for n, (name, args) in enumerate(PARTS):
            if not args:
                rows.append((engine, name, None))
                continue
            print(f"== {engine} · {name}", flush=True)
            rows.append((engine, name, _pytest(args, env, reports / f"{engine}-{n}.xml")))
        print(f"== {engine} · 负载 load", flush=True)
        rows.append((engine, "负载基准 load", _load(env)))

    print("\n安全评审汇总 (review summary)")
    print(f"{'数据库':<12}{'检查':<34}{'结果':<8}{'通过/失败/跳过':<18}耗时")
    green = True
    for engine, name, result in rows:
        if result is None:
            print(f"{engine:<12}{name:<34}{'未提供':<8}")
            continue
        green &= result["ok"]
        counts = (
            f"{result['passed']}/{result['failed']}/{result['skipped']}"
            if "passed" in result
            else ""
        )
        verdict = "通过" if result["ok"] else "失败"
        print(f"{engine:<12}{name:<34}{verdict:<8}{counts:<18}{result['seconds']:.0f} s")
    if len(engines) == 1:
        print("（未设置指向 PostgreSQL 的 DATABASE_URL：只检查了 SQLite）")
    print("全部通过" if green else "有检查未通过，详见上方输出")
    return 0 if green else 1


if __name__ == "__main__":
    sys.exit(main())
