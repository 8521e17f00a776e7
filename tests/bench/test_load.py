"""`zhaoshang bench --only load`: the generator's pieces work end to end.

A short, slow run at a low rate over the real server (demo data, gunicorn on
loopback). Only that it completes, reports its numbers and meets no error is
checked; the timings are a benchmark's business (docs/performance.md).
Skip it with ``-m "not load"``.
"""

from __future__ import annotations

import re

import pytest

from zhaoshang.bench.load import Phase, run_load

pytestmark = pytest.mark.load


def test_percentiles_are_nearest_rank():
    phase = Phase("x", 1, 1, latencies=[i / 1000 for i in range(1, 101)])  # 1 … 100 ms
    assert phase.percentile(50) == pytest.approx(50.0)
    assert phase.percentile(95) == pytest.approx(95.0)
    assert phase.percentile(99) == pytest.approx(99.0)


def test_a_short_run_reports_rate_latency_cpu_and_no_errors(capsys):
    assert run_load(rate=4, duration=2, reporters=2) == 0
    out = capsys.readouterr().out
    assert "未能完成" not in out and "预热时的错误" not in out
    mixed = re.search(
        r"混合负载：.*发出 (\d+)，成功 (\d+).*错误 (\d+)；服务端 CPU ([\d.]+) 秒", out
    )
    bare = re.search(r"基线（登录页）：.*发出 (\d+)，成功 (\d+).*错误 (\d+)；", out)
    assert mixed and bare, out
    sent, answered, errors, cpu = mixed.groups()
    assert int(sent) == 8 and int(answered) == 8 and int(errors) == 0
    assert float(cpu) > 0  # the gunicorn processes were found and did the work
    assert bare.group(1) == bare.group(2) and bare.group(3) == "0"
    assert re.search(r"p95 [\d.]+ ms", out) and "比值 混合负载 / 基线" in out
