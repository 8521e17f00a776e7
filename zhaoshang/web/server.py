"""`zhaoshang serve`: the Django WSGI app on gunicorn, static files through whitenoise.

The command line has already migrated the database. Before accepting requests
this checks the SQLite settings (refusing to start when concurrent writes would
fail), collects static files, and warns while demo passwords are still in use.
"""

from __future__ import annotations

import subprocess
import sys

from gunicorn.app.base import BaseApplication


class _GunicornApp(BaseApplication):
    """gunicorn run from Python, so `zhaoshang serve` needs no config file."""

    def __init__(self, application, options: dict):
        self.application = application
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def demo_password_users() -> list[str]:
    """Usernames whose password is still the one the demo set.

    The demo stores the hash it set; equality with the current hash means the
    well-known password has not been changed. Plain string comparison: no
    hashing, so this costs one query however many accounts there are.
    """
    from django.db.models import F

    from zhaoshang.org.models import Account

    return list(
        Account.objects.exclude(demo_password_hash="")
        .filter(user__password=F("demo_password_hash"))
        .order_by("user__username")
        .values_list("user__username", flat=True)
    )


def _collect_static() -> None:
    """Collect static files so whitenoise serves compressed copies; finders remain the fallback."""
    from django.core.management import call_command

    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except Exception as exc:  # a read-only data directory must not stop the site
        print(f"提示：静态文件收集失败（{exc}），将直接从程序目录提供静态文件。", file=sys.stderr)


def _url(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
    if ":" in shown and not shown.startswith("["):
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def _bind(host: str, port: int) -> str:
    if ":" in host and not host.startswith("["):
        return f"[{host}]:{port}"
    return f"{host}:{port}"


def start_worker() -> subprocess.Popen:
    """The background worker (`zhaoshang worker`) as a child process of the server."""
    return subprocess.Popen([sys.executable, "-m", "zhaoshang", "worker", "--quiet"])


def stop_worker(process: subprocess.Popen) -> None:
    """Let the worker finish its current job (it stops on SIGTERM), then make sure it is gone."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def serve(host: str, port: int, workers: int, worker: bool = True) -> int:
    """Run the site until stopped; returns the exit status.

    With ``worker`` the background worker runs beside the web workers and stops with them.
    """
    from django.core.wsgi import get_wsgi_application
    from django.db import connections

    from zhaoshang.org.checks import check_sqlite_now

    problems = check_sqlite_now()
    if problems:
        print("无法启动：数据库配置不满足并发写入要求。", file=sys.stderr)
        for message in problems:
            print(f"  - {message}", file=sys.stderr)
        return 1

    _collect_static()

    demo_users = demo_password_users()
    if demo_users:
        print(
            "警告：以下账号仍在使用演示密码，任何人都可能登录："
            + "、".join(demo_users)
            + "。请登录后在“修改密码”中更改，或由管理员重置。",
            file=sys.stderr,
        )

    application = get_wsgi_application()
    # Workers are forked from this process: none may inherit its database connection.
    connections.close_all()

    url = _url(host, port)

    def when_ready(_server):
        # Printed once the socket is bound, so the line is only shown when the site is up.
        print(f"招商调度平台已启动：{url}（{workers} 个工作进程，按 Ctrl+C 停止）", flush=True)

    options = {
        "bind": _bind(host, port),
        "workers": max(1, workers),
        "worker_class": "sync",
        # Bulletins and imports can take a while on a large province.
        "timeout": 120,
        "graceful_timeout": 20,
        "loglevel": "warning",
        "proc_name": "zhaoshang",
        "when_ready": when_ready,
    }
    background = start_worker() if worker else None
    try:
        _GunicornApp(application, options).run()
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    finally:
        if background is not None:
            stop_worker(background)
    return 0
