"""The bulletin benchmark runs on any database and reports, read-only."""

from __future__ import annotations

from zhaoshang.bench.dispatch_bench import run_dispatch_benchmarks

from .conftest import dispatch_rows


def test_dispatch_benchmark_times_every_format_without_writing(cycle, capsys):
    before = dispatch_rows()
    assert run_dispatch_benchmarks(repeat=1) == 0
    out = capsys.readouterr().out
    for label in ("引擎 compute()", "三大三少诊断", "通报 JSON", "Word .docx", "Excel .xlsx"):
        assert label in out
    assert "州级规模" in out and "查询" in out
    assert dispatch_rows() == before


def test_dispatch_benchmark_without_a_campaign(db, capsys):
    assert run_dispatch_benchmarks(repeat=1) == 2
