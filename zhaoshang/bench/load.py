"""`zhaoshang bench --only load`: a bounded, open-loop web load on the demo data.

The run is self-contained and leaves nothing behind:

1. a throwaway data directory (SQLite) gets the demo data (`zhaoshang demo`);
2. `zhaoshang serve` (gunicorn, 3 workers, no background worker) starts on a
   free loopback port over it;
3. several personas log in (administrator, leader, county reporters);
4. requests are sent at a fixed arrival rate (open loop: the schedule does not
   wait for answers, so a slow server shows as latency, not as a lower rate),
   a realistic mix of pages and follow-up posts, for a fixed time;
5. the bare login page is sent at the same rate for a shorter time, as the
   baseline of the same server in the same run;
6. the server is stopped and the directory removed.

Latency is measured from the moment a request was due, so queueing in the
generator counts too. Server CPU comes from /proc (utime + stime of the
gunicorn master and its workers) before and after each phase, divided by the
requests answered in it. Only 127.0.0.1 is ever contacted; every loop is
bounded by the request count and a deadline.
"""

from __future__ import annotations

import http.client
import os
import queue
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
TIMEOUT = 30.0  # seconds one request may take before it counts as a timeout
SENDERS = 48  # threads sending requests; more than the server can hold at once
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _server_env(data_dir: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["ZHAOSHANG_DATA_DIR"] = data_dir
    return env


def _children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(name))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (their own, not their children's), in seconds."""
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)
    return ticks / CLK_TCK


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    data_dir: str

    def pids(self) -> list[int]:
        return [self.process.pid, *_children(self.process.pid)]

    def cpu(self) -> float:
        return _cpu_seconds(self.pids())


def prepare_data(data_dir: str) -> None:
    """The demo data in the throwaway directory.

    Static files already collected for this installation are copied in, so the
    server's collectstatic only checks them (0.5 s instead of about 45 s).
    """
    from django.conf import settings

    collected = str(settings.STATIC_ROOT)
    if os.path.isdir(collected):
        shutil.copytree(collected, os.path.join(data_dir, "static"), dirs_exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "zhaoshang", "demo"],
        env=_server_env(data_dir),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def start_server(data_dir: str, workers: int = 3) -> Server:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "zhaoshang", "serve", "--host", HOST, "--port", str(port)]
        + ["--workers", str(workers), "--no-worker"],
        env=_server_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(process, port, data_dir)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"服务进程已退出（退出码 {process.returncode}）")
        try:
            status, _, _ = request(server.port, "GET", "/login/")
            if status == 200 and len(server.pids()) > workers:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("服务在 90 秒内没有开始应答")


def stop_server(server: Server) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


# ------------------------------------------------------------------ http


def request(port, method, path, *, cookies=None, body=None, headers=None):
    """One request on a new connection (gunicorn's sync workers close it anyway)."""
    conn = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        all_headers = dict(headers or {})
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        jar = SimpleCookie()
        for value in response.headers.get_all("Set-Cookie") or []:
            jar.load(value)
        return response.status, data, {k: m.value for k, m in jar.items()}
    finally:
        conn.close()


CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Persona:
    username: str
    cookies: dict = field(default_factory=dict)
    form_token: str = ""
    unit_pk: str = ""


def log_in(port: int, username: str, password: str) -> Persona:
    status, page, cookies = request(port, "GET", "/login/")
    token = CSRF_INPUT.search(page)
    if status != 200 or token is None:
        raise RuntimeError(f"登录页异常（{status}）")
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    status, _, more = request(port, "POST", "/login/", cookies=cookies, body=body)
    cookies.update(more)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"账号 {username} 登录未成功（{status}）")
    return Persona(username, cookies)


def _prepare_follow_ups(port: int, persona: Persona) -> None:
    """The reporter's own unit and a form token, read from the quick-entry form."""
    status, page, more = request(port, "GET", "/ledger/follow-ups/new/", cookies=persona.cookies)
    persona.cookies.update(more)
    token = CSRF_INPUT.search(page)
    unit = re.search(rb'<option value="(\d+)"[^>]*selected', page)
    if status != 200 or token is None or unit is None:
        raise RuntimeError(f"账号 {persona.username} 的跟踪记录表单异常（{status}）")
    persona.form_token = token.group(1).decode()
    persona.unit_pk = unit.group(1).decode()


# ------------------------------------------------------------------ the mix


@dataclass(frozen=True)
class Call:
    kind: str  # the name reported
    persona: str
    path: str
    post: bool = False


def build_mix(port: int, personas: dict[str, Persona], campaign: str) -> list[tuple[Call, int]]:
    """Weighted calls over the demo data: what people actually open, in rough proportion."""
    admin = personas["admin"]
    _, page, _ = request(port, "GET", "/projects/", cookies=admin.cookies)
    projects = sorted(set(re.findall(rb'href="/projects/([A-Za-z0-9_-]+)/"', page)))[:6]
    if not projects:
        raise RuntimeError("项目台账中没有项目链接")
    reporters = [name for name in personas if name.startswith("r")]
    viewers = ["admin", "leader", *reporters]
    mix: list[tuple[Call, int]] = []
    for who in viewers:
        mix.append((Call("首页", who, "/"), 3))
        mix.append((Call("项目台账", who, "/projects/"), 2))
        mix.append((Call("台账筛选", who, "/projects/?stage=4"), 2))
        mix.append((Call("拼音搜索", who, "/projects/?q=" + random.choice(["xny", "zn", "cy"])), 2))
        mix.append((Call("跟踪动态", who, "/ledger/follow-ups/"), 1))
    for code in projects:
        mix.append((Call("项目页", "admin", f"/projects/{code.decode()}/"), 2))
    mix.append((Call("排名", "leader", f"/assessment/{campaign}/"), 3))
    mix.append((Call("调度通报", "admin", f"/dispatch/{campaign}/bulletins/"), 2))
    mix.append((Call("通报草稿", "admin", f"/dispatch/{campaign}/bulletins/draft/"), 1))
    for who in reporters:
        mix.append((Call("记录跟踪", who, "/ledger/follow-ups/new/", post=True), 1))
    return mix


# ------------------------------------------------------------------ the run


@dataclass
class Phase:
    name: str
    rate: float
    duration: float
    sent: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    by_kind: Counter = field(default_factory=Counter)
    cpu: float = 0.0
    wall: float = 0.0

    @property
    def answered(self) -> int:
        return len(self.latencies)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(1, int(-(-p * len(ordered) // 100)))  # nearest rank
        return ordered[rank - 1] * 1000

    @property
    def cpu_ms(self) -> float:
        return self.cpu / self.answered * 1000 if self.answered else float("nan")


def _send(port: int, call: Call, persona: Persona) -> str | None:
    """Send one call; None when it was answered as expected, else the kind of error."""
    if call.post:
        body = urlencode(
            {
                "csrfmiddlewaretoken": persona.form_token,
                "kind": "电话联系",
                "on": date.today().isoformat(),
                "unit": persona.unit_pk,
                "content": "负载基准：电话回访，对方确认下周来访。",
            }
        )
        headers = {"Referer": f"http://{HOST}:{port}{call.path}"}
        status, page, _ = request(
            port, "POST", call.path, cookies=persona.cookies, body=body, headers=headers
        )
        if status == 302:
            return None
        return f"{call.kind} {status}" + (" 表单未通过" if status == 200 else "")
    status, _, _ = request(port, "GET", call.path, cookies=persona.cookies)
    return None if status == 200 else f"{call.kind} {status}"


def run_phase(server: Server, phase: Phase, calls: list[Call], personas: dict) -> Phase:
    """Send len = rate × duration calls at fixed arrival times; wait for the answers."""
    total = max(1, int(phase.rate * phase.duration))
    jobs: queue.Queue = queue.Queue()
    lock = threading.Lock()

    def sender():
        while True:
            item = jobs.get()
            if item is None:
                return
            due, call = item
            try:
                error = _send(server.port, call, personas[call.persona])
            except TimeoutError:
                error = "超时"
            except OSError as exc:
                error = f"连接错误 {type(exc).__name__}"
            elapsed = time.monotonic() - due
            with lock:
                phase.by_kind[call.kind] += 1
                if error is None:
                    phase.latencies.append(elapsed)
                else:
                    phase.errors[error] += 1

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(SENDERS)]
    for t in threads:
        t.start()
    cpu_before = server.cpu()
    start = time.monotonic() + 0.05
    for i in range(total):
        due = start + i / phase.rate
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        jobs.put((due, calls[i]))
        phase.sent += 1
    for _ in threads:
        jobs.put(None)
    deadline = time.monotonic() + TIMEOUT + 5
    for t in threads:
        t.join(timeout=max(0.1, deadline - time.monotonic()))
    phase.wall = time.monotonic() - start
    phase.cpu = server.cpu() - cpu_before
    return phase


def _line(phase: Phase) -> str:
    achieved = phase.answered / phase.wall if phase.wall else 0.0
    errors = sum(phase.errors.values())
    return (
        f"{phase.name}：目标 {phase.rate:g} 次/秒 × {phase.duration:g} 秒，发出 {phase.sent}，"
        f"成功 {phase.answered}，实际 {achieved:.1f} 次/秒；"
        f"p50 {phase.percentile(50):.1f} ms，p95 {phase.percentile(95):.1f} ms，"
        f"p99 {phase.percentile(99):.1f} ms；错误 {errors}；"
        f"服务端 CPU {phase.cpu:.2f} 秒，每次请求 {phase.cpu_ms:.2f} ms"
    )


def run_load(
    rate: float = 50.0,
    duration: float = 60.0,
    *,
    baseline_duration: float | None = None,
    reporters: int = 4,
    data_dir: str | None = None,
    seed: int = 2026,
) -> int:
    """The whole run, printed; 0 once it has completed (errors are reported, not fatal)."""
    from zhaoshang.demo.workbook import CAMPAIGN_CODE, REPORTING_UNITS

    rate = max(0.1, rate)
    duration = max(1.0, duration)
    baseline_duration = baseline_duration or max(2.0, duration / 4)
    password = os.environ.get("ZHAOSHANG_DEMO_PASSWORD", "zhaoshang-demo")
    own_dir = data_dir is None
    data_dir = data_dir or tempfile.mkdtemp(prefix="zhaoshang-load-")
    print()
    print(f"负载基准（演示数据，gunicorn 3 个进程，{HOST}）")
    print(f"机器：{os.cpu_count()} 核，开始时平均负载 {_loadavg()}")
    server = None
    warm_errors: Counter = Counter()
    try:
        began = time.monotonic()
        prepare_data(data_dir)
        loaded = time.monotonic()
        server = start_server(data_dir)
        print(
            f"准备：演示数据 {loaded - began:.1f} 秒，服务启动 {time.monotonic() - loaded:.1f} 秒"
        )
        names = ["admin", "leader", *(f"r{u.code}" for u in REPORTING_UNITS[: max(1, reporters)])]
        personas = {name: log_in(server.port, name, password) for name in names}
        for name in names[2:]:
            _prepare_follow_ups(server.port, personas[name])
        mix = build_mix(server.port, personas, CAMPAIGN_CODE)
        rng = random.Random(seed)
        population = [call for call, _ in mix]
        weights = [w for _, w in mix]
        # One warm-up pass over every call, so the first timed requests do not pay for imports.
        for call in population:
            error = _send(server.port, call, personas[call.persona])
            if error:
                warm_errors[error] += 1
        total = int(rate * duration) + 1
        calls = rng.choices(population, weights, k=total)
        mixed = run_phase(server, Phase("混合负载", rate, duration), calls, personas)
        bare = Call("登录页", "admin", "/login/")
        base_total = int(rate * baseline_duration) + 1
        anonymous = {"admin": Persona("anonymous")}
        baseline = run_phase(
            server, Phase("基线（登录页）", rate, baseline_duration), [bare] * base_total, anonymous
        )
    except (RuntimeError, subprocess.CalledProcessError) as exc:
        print(f"负载基准未能完成：{exc}")
        return 2
    finally:
        if server is not None:
            stop_server(server)
        if own_dir:
            shutil.rmtree(data_dir, ignore_errors=True)

    for error, count in warm_errors.most_common():
        print(f"预热时的错误 {error}：{count}")
    print(_line(mixed))
    for kind, count in sorted(mixed.by_kind.items(), key=lambda kv: -kv[1]):
        print(f"　{kind}：{count}")
    for error, count in mixed.errors.most_common():
        print(f"　错误 {error}：{count}")
    print(_line(baseline))
    for error, count in baseline.errors.most_common():
        print(f"　错误 {error}：{count}")
    if baseline.answered and mixed.answered:
        print(
            f"比值 混合负载 / 基线：p95 {mixed.percentile(95) / baseline.percentile(95):.1f} 倍，"
            f"每次请求 CPU {mixed.cpu_ms / baseline.cpu_ms:.1f} 倍"
        )
    print(f"结束时平均负载 {_loadavg()}")
    return 0


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "—"
