"""Browser tests run in the system Chromium (Playwright cannot download browsers here)."""

import os
import shutil

import pytest

# Playwright's sync API keeps an event loop running in the test thread; Django
# would otherwise refuse database access from it (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # These stop Chromium from trying hosts it cannot reach on this network.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        if _in_ci():
            # A skipped browser test in CI would hide a broken pipeline.
            pytest.fail("CI 中未找到 chromium，浏览器测试不能跳过", pytrace=False)
        pytest.skip("未安装 chromium（apt-get install chromium fonts-noto-cjk），跳过浏览器测试")
    return {
        **browser_type_launch_args,
        "executable_path": executable,
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # Chinese users: date inputs and number formats as they see them.
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}
