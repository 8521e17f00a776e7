"""The `zhaoshang` command (contracts/cli.md).

Our own commands are parsed here; anything else is handed to Django's
management commands, so `zhaoshang migrate` or `zhaoshang createsuperuser` work.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import date

OWN_COMMANDS = {"serve", "demo", "load", "progress", "bulletin", "bench", "generate"}
OWN_COMMANDS |= {"event", "notice", "export", "assess", "remind"}
OWN_COMMANDS |= {"tasks", "backup", "restore"}
OWN_COMMANDS |= {"token", "forecast-backtest", "worker"}
# Django's own commands that need the tables, so they also work on a new, empty database.
MIGRATE_FIRST_DJANGO_COMMANDS = {"createsuperuser", "changepassword"}


class CommandError(Exception):
    """A one-line message for the user; exit status 2."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhaoshang.settings")
    from zhaoshang.env import SettingError

    try:
        import django

        django.setup()
    except SettingError as exc:
        print(f"配置错误：{exc}", file=sys.stderr)
        raise SystemExit(2) from None


_migrated = False


def _migrate(verbosity: int = 0) -> None:
    """Bring the schema up to date (contracts/cli.md: every database command does, first).

    Runs once per process, however many callers ask for it.
    """
    global _migrated
    if _migrated:
        return
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=verbosity)
    _migrated = True


def parse_date(value: str) -> date:
    from zhaoshang.workbook.values import ValueProblem, parse_date_value

    try:
        return parse_date_value(value)
    except ValueProblem as exc:
        raise argparse.ArgumentTypeError(f"日期「{value}」无法识别：{exc}") from None


def _campaign(code: str):
    from zhaoshang.campaigns.models import Campaign

    campaign = Campaign.objects.filter(code=code).select_related("unit").first()
    if campaign is None:
        raise CommandError(f"未找到行动编码为「{code}」的专项行动")
    return campaign


def _unit(code: str | None):
    if code is None:
        return None
    from zhaoshang.org.models import Unit

    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise CommandError(f"未找到单位编码为「{code}」的单位")
    return unit


def cmd_progress(args) -> int:
    from zhaoshang.engine.progress import UnknownUnit, compute
    from zhaoshang.engine.serialize import progress_document

    campaign = _campaign(args.campaign)
    unit = _unit(args.unit)
    try:
        progress = compute(campaign, args.as_of or date.today(), unit)
    except UnknownUnit as exc:
        raise CommandError(str(exc)) from None
    document = progress_document(progress)
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from zhaoshang.engine.text import progress_table

        sys.stdout.write(progress_table(progress))
    return 0


def cmd_load(args) -> int:
    from zhaoshang.workbook.loader import UnusableWorkbook, load_workbook

    if not os.path.exists(args.file):
        raise CommandError(f"文件「{args.file}」不存在")
    try:
        result = load_workbook(args.file, dry_run=args.dry_run, sheet=args.sheet)
    except UnusableWorkbook as exc:
        raise CommandError(str(exc)) from None
    if not args.dry_run:
        from zhaoshang.security import security_event

        security_event(
            "import", user="命令行", file=os.path.basename(args.file), errors=len(result.errors)
        )
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(result.report())
    return 1 if result.errors else 0


def cmd_export(args) -> int:
    from zhaoshang.org.scope import subtree_scope
    from zhaoshang.workbook.export import export_workbook, handlers_for

    unit = _unit(args.unit)
    names = None
    if args.sheets:
        names = [n.strip() for n in args.sheets.replace("，", ",").split(",") if n.strip()]
        try:
            handlers_for(names)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    if not args.output.lower().endswith(".xlsx"):
        raise CommandError(f"输出文件「{args.output}」应以 .xlsx 结尾")
    title = f"{unit.name} 数据工作簿" if unit else "数据工作簿"
    try:
        counts = export_workbook(args.output, subtree_scope(unit), names, title)
    except OSError as exc:
        raise CommandError(f"无法写入「{args.output}」：{exc.strerror or exc}") from None
    summary = "，".join(f"{name} {n} 行" for name, n in counts.items())
    from zhaoshang.security import security_event

    security_event(
        "export",
        user="命令行",
        scope=unit.code if unit else "全部",
        rows=sum(counts.values()),
        file=os.path.basename(args.output),
    )
    from pathlib import Path

    from zhaoshang.formatting import file_size

    size = file_size(Path(args.output).stat().st_size)
    print(f"已导出到 {Path(args.output).resolve()}（{size}）：{summary}", file=sys.stderr)
    return 0


def _confirmed(args, question: str) -> bool:
    """--yes, or the user types 是 (or yes) at a terminal; a script without --yes is refused."""
    if getattr(args, "yes", False):
        return True
    if not sys.stdin.isatty():
        return False
    print(question, file=sys.stderr)
    answer = input("请输入「是」确认：").strip().lower()
    return answer in {"是", "yes", "y"}


def cmd_demo(args) -> int:
    from zhaoshang.backup import BackupError, backup
    from zhaoshang.demo.scenario import DemoRefused, load_demo, non_demo_data

    _migrate()
    if args.reset:
        foreign = non_demo_data()
        if foreign:
            what = "；".join(f.describe() for f in foreign)
            if not _confirmed(
                args, f"数据库中有非演示数据：{what}。demo --reset 将清空全部数据（含账号）。"
            ):
                raise CommandError(
                    f"数据库中有非演示数据：{what}。未清空。如确需清空全部数据后载入演示数据，"
                    "请在终端运行 zhaoshang demo --reset 并确认，或加 --yes；清空前会先自动备份。"
                )
            try:
                saved = backup()
            except BackupError as exc:
                raise CommandError(f"清空前的备份未成功，未清空任何数据：{exc}") from None
            print(
                f"已备份到 {saved.folder}（{len(saved.tables)} 张表，{saved.rows} 行，已校验）；"
                f"可用 zhaoshang restore {saved.folder} 恢复。",
                file=sys.stderr,
            )
    try:
        outcome = load_demo(reset=args.reset, if_empty=args.if_empty)
    except DemoRefused as exc:
        raise CommandError(str(exc)) from None
    print(outcome)
    return 0


def cmd_backup(args) -> int:
    from pathlib import Path

    from zhaoshang.backup import BackupError, backup

    try:
        result = backup(Path(args.output) if args.output else None)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    from zhaoshang.security import security_event

    security_event("backup", folder=str(result.folder), rows=result.rows, files=result.files)
    print(
        f"已备份到 {result.folder}：{len(result.tables)} 张表，{result.rows} 行，"
        f"上传文件 {result.files} 个；副本已通过完整性检查。"
    )
    return 0


def cmd_restore(args) -> int:
    from pathlib import Path

    from zhaoshang.backup import BackupError, read_manifest, restore

    folder = Path(args.folder)
    try:
        manifest = read_manifest(folder)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    if not _confirmed(
        args,
        f"将用 {manifest['created']} 的备份替换当前数据库和上传文件，当前数据将被覆盖。",
    ):
        raise CommandError("未确认，未恢复。确需恢复请在终端确认，或加 --yes。")
    try:
        result = restore(folder)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    from zhaoshang.security import security_event

    security_event("restore", folder=str(folder), rows=result.rows, files=result.files)
    print(
        f"已从 {folder} 恢复：{len(result.tables)} 张表，{result.rows} 行与备份清单一致，"
        f"上传文件 {result.files} 个。"
    )
    return 0


def cmd_serve(args) -> int:
    from zhaoshang.web.server import serve

    _migrate()
    return serve(host=args.host, port=args.port, workers=args.workers, worker=args.worker)


def cmd_worker(args) -> int:
    """The background worker: runs queued jobs (bulletin files, reminders, imports)."""
    from django.core.management import call_command

    call_command(
        "db_worker",
        queue_name="*",
        interval=args.interval,
        batch=args.batch,
        reload=False,
        startup_delay=False,
        verbosity=0 if args.quiet else 1,
    )
    return 0


def cmd_bulletin(args) -> int:
    from zhaoshang.engine.progress import UnknownUnit

    campaign = _campaign(args.campaign)
    try:
        from zhaoshang.dispatch.render import write_bulletin
    except ImportError:
        raise CommandError("调度通报尚未启用") from None
    from pathlib import Path

    from zhaoshang.dispatch.render import file_name

    try:
        document = write_bulletin(campaign, args.as_of or date.today(), args.format, args.output)
    except UnknownUnit as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"无法写入「{args.output}」：{exc.strerror or exc}") from None
    target = Path(args.output)
    if target.is_dir():
        target = target / file_name(document, args.format)
    from zhaoshang.formatting import file_size

    kind = {"docx": "Word 文档", "xlsx": "Excel 工作簿", "json": "JSON 数据"}[args.format]
    print(f"已写入{kind} {target.resolve()}（{file_size(target.stat().st_size)}）", file=sys.stderr)
    return 0


def cmd_event(args) -> int:
    from zhaoshang.events.report import event_report

    document = event_report(args.code, args.as_of or date.today())
    if document is None:
        raise CommandError(f"未找到活动编码为「{args.code}」的招商活动")
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from zhaoshang.events.report import event_text

        sys.stdout.write(event_text(document))
    return 0


def cmd_notice(args) -> int:
    from zhaoshang.notices.intake import UnreadableNotice, read_file, read_notice

    if not os.path.exists(args.file):
        raise CommandError(f"文件「{args.file}」不存在")
    try:
        reading = read_notice(read_file(args.file), year=args.year)
    except UnreadableNotice as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        json.dump(reading.as_json(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from zhaoshang.notices.text import reading_text

        sys.stdout.write(reading_text(reading))
    return 0


def cmd_assess(args) -> int:
    from zhaoshang.assessment.document import assessment_document
    from zhaoshang.engine.assessment import NoScheme, compute_assessment
    from zhaoshang.engine.progress import UnknownUnit

    campaign = _campaign(args.campaign)
    try:
        assessment = compute_assessment(campaign, args.as_of or date.today())
    except (NoScheme, UnknownUnit) as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        json.dump(assessment_document(assessment), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from zhaoshang.assessment.text import assessment_table

        sys.stdout.write(assessment_table(assessment))
    return 0


def cmd_tasks(args) -> int:
    from zhaoshang.supervision.models import Task
    from zhaoshang.supervision.queries import listed, subtree_q, task_document, with_status

    as_of = args.as_of or date.today()
    qs = Task.objects.all()
    if args.campaign:
        qs = qs.filter(campaign=_campaign(args.campaign))
    unit = _unit(args.unit)
    if unit is not None:
        qs = qs.filter(subtree_q(unit))
    document = task_document(with_status(listed(qs).order_by("code"), as_of), as_of)
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from zhaoshang.supervision.text import tasks_table

        sys.stdout.write(tasks_table(document))
    return 0


def cmd_remind(args) -> int:
    from django.utils import timezone

    from zhaoshang.notify.services import run_reminders

    # With --as-of the day runs as in working hours; without, quiet hours hold it.
    as_of = args.as_of or timezone.localdate()
    result = run_reminders(as_of, dry_run=args.dry_run, hold=args.as_of is None)
    if args.json:
        json.dump(result.as_dict(), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        from zhaoshang.notify.text import run_text

        sys.stdout.write(run_text(result))
    return 1 if result.failed else 0


def cmd_forecast_backtest(args) -> int:
    from zhaoshang.engine.backtest import backtest, backtest_text

    campaign = _campaign(args.campaign)
    if args.every < 1:
        raise CommandError("--every 应为正整数（天）")
    result = backtest(campaign, until=args.until or date.today(), every=args.every)
    document = result.summary()
    if args.json:
        json.dump(document, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(backtest_text(document))
    return 0


def cmd_generate(args) -> int:
    from zhaoshang.bench.generate import generate

    _migrate()
    generate(scale=args.scale, seed=args.seed)
    return 0


def cmd_token(args) -> int:
    from django.contrib.auth import get_user_model
    from django.core.exceptions import ValidationError

    from zhaoshang.api.tokens import do_create_token

    user = get_user_model().objects.filter(username=args.username).first()
    if user is None:
        raise CommandError(f"未找到用户名为「{args.username}」的账号")
    try:
        token, key = do_create_token(
            user, read_only=args.read_only, expires_on=args.expires, name=args.name or "命令行创建"
        )
    except ValidationError as exc:
        raise CommandError("；".join(exc.messages)) from None
    kind = "只读" if token.read_only else "读写"
    until = f"，有效期至 {token.expires_on:%Y-%m-%d}" if token.expires_on else "，长期有效"
    print(f"已为 {user.username} 创建{kind}接口令牌（前缀 {token.prefix}{until}）。")
    print("令牌只显示这一次，请妥善保存；用法：Authorization: Bearer 令牌")
    print(key)
    return 0


def cmd_bench(args) -> int:
    from zhaoshang.bench.run import run_benchmarks

    _migrate()
    if args.only == "import":
        from zhaoshang.bench.import_bench import SIZES, run_import_benchmarks

        sizes = tuple(int(n) for n in args.sizes.split(",")) if args.sizes else SIZES
        return run_import_benchmarks(repeat=min(args.repeat, 3), sizes=sizes)
    if args.only == "ledger":
        from zhaoshang.bench.ledger_pages import run_ledger_pages

        return run_ledger_pages(repeat=args.repeat)
    if args.only == "load":
        from zhaoshang.bench.load import run_load

        return run_load(rate=args.rate, duration=args.duration)
    if args.only == "dispatch":
        from zhaoshang.bench.dispatch_bench import run_dispatch_benchmarks

        return run_dispatch_benchmarks(repeat=min(args.repeat, 5))
    return run_benchmarks(repeat=args.repeat)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zhaoshang", description="招商引资工作调度平台")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="运行网站（生产级 WSGI 服务器，启动前自动建库/迁移）")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=3)
    p.add_argument(
        "--no-worker",
        dest="worker",
        action="store_false",
        help="不在本机启动后台任务进程（已另行运行 zhaoshang worker 时）",
    )
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="运行后台任务进程（通报文件、提醒发送、大批量导入）")
    p.add_argument("--interval", type=float, default=1.0, help="队列为空时每隔几秒查看一次")
    p.add_argument("--batch", action="store_true", help="做完队列中的任务后退出")
    p.add_argument("--quiet", action="store_true", help="不输出每个任务的日志")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("demo", help="载入黔东南州演示数据")
    p.add_argument(
        "--reset", action="store_true", help="清空现有数据后载入（有非演示数据时先确认并备份）"
    )
    p.add_argument("--yes", action="store_true", help="不再询问，确认清空（供脚本使用）")
    p.add_argument("--if-empty", action="store_true", help="仅在数据库为空时载入")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("backup", help="备份数据库和上传文件（平台运行时也可进行，备份后自动校验）")
    p.add_argument("-o", "--output", help="备份目录；默认 数据目录/backups/zhaoshang-时间")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复数据库和上传文件（恢复后按清单核对行数）")
    p.add_argument("folder", help="zhaoshang backup 写出的备份目录")
    p.add_argument("--yes", action="store_true", help="不再询问，确认覆盖当前数据")
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("load", help="导入数据工作簿（全部成功或全部不写入）")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="只检查，不写入")
    p.add_argument("--json", action="store_true", help="以 JSON 输出结果")
    p.add_argument("--sheet", help="CSV 文件所载的工作表（如 项目）；默认按文件名判断")
    p.set_defaults(func=cmd_load)

    p = sub.add_parser("export", help="导出一个单位及其下级的全部数据（可再导入的数据工作簿）")
    p.add_argument("--unit", help="单位编码；默认导出全部")
    p.add_argument("--sheets", help="只导出这些工作表，用逗号分隔，如 项目,客商")
    p.add_argument("-o", "--output", required=True, help="输出的 .xlsx 文件")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("progress", help="计算一个单位下级的进度")
    p.add_argument("--campaign", required=True)
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--unit")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_progress)

    p = sub.add_parser("bulletin", help="生成调度通报")
    p.add_argument("--campaign", required=True)
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--format", choices=["docx", "xlsx", "json"], required=True)
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_bulletin)

    p = sub.add_parser("event", help="招商活动的邀约、签约名单与履约情况")
    p.add_argument("code")
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_event)

    p = sub.add_parser("assess", help="专项行动的考核得分与排名")
    p.add_argument("--campaign", required=True)
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_assess)

    p = sub.add_parser("notice", help="读取会议通知或新闻稿，提出节点、单位、问题和任务（不写入）")
    p.add_argument("file", help=".txt 或 .docx 文件")
    p.add_argument("--year", type=int, help="未写年份的日期所在年份（默认取通知落款日期的年份）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_notice, migrate=False)

    p = sub.add_parser("tasks", help="督办事项及其截至某日的状态与督办等级")
    p.add_argument("--campaign")
    p.add_argument("--unit")
    p.add_argument("--as-of", type=parse_date)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tasks)
    p = sub.add_parser(
        "remind", help="发送当天的提醒（督办事项、调度报送），同一天重复运行不重复发送"
    )
    p.add_argument("--as-of", type=parse_date, help="按该日的工作时间运行")
    p.add_argument("--dry-run", action="store_true", help="只列出将发送的提醒，不发送")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser(
        "forecast-backtest", help="用历史日期回测完成预测，报告实际结果落在预测区间内的比例"
    )
    p.add_argument("--campaign", required=True)
    p.add_argument("--until", type=parse_date, help="检验到哪一天的实际结果（默认今天）")
    p.add_argument("--every", type=int, default=7, help="每隔多少天做一次预测（默认 7）")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_forecast_backtest)

    p = sub.add_parser("generate", help="生成省级规模的基准测试数据")
    p.add_argument(
        "--scale", type=float, default=1.0, help="1.0 = 约3000个单位、10万个项目、100万条跟踪记录"
    )
    p.add_argument("--seed", type=int, default=2026)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("token", help="接口令牌")
    token_sub = p.add_subparsers(dest="token_command", required=True)
    t = token_sub.add_parser("create", help="为账号创建接口令牌（只显示一次）")
    t.add_argument("username")
    t.add_argument("--read-only", action="store_true", help="只读令牌（默认可读写）")
    t.add_argument("--expires", type=parse_date, help="有效期至（含当天）")
    t.add_argument("--name", help="用途说明")
    t.set_defaults(func=cmd_token)

    p = sub.add_parser("bench", help="对当前数据库运行性能基准")
    p.add_argument("--repeat", type=int, default=20)
    p.add_argument(
        "--only",
        choices=["import", "ledger", "dispatch", "load"],
        help="只运行这一项基准（import：导入与导出；ledger：台账页面与跟踪记录动态；"
        "dispatch：调度通报；load：演示数据上的网站混合负载）",
    )
    p.add_argument("--rate", type=float, default=50.0, help="负载基准每秒发出的请求数（默认 50）")
    p.add_argument("--duration", type=float, default=60.0, help="负载基准持续的秒数（默认 60）")
    p.add_argument("--sizes", help="导入基准的行数，逗号分隔（默认 1000,10000,50000）")
    p.set_defaults(func=cmd_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in OWN_COMMANDS and not argv[0].startswith("-"):
        _setup_django()
        if argv[0] in MIGRATE_FIRST_DJANGO_COMMANDS:
            _migrate()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["zhaoshang", *argv])
        return 0
    parser = build_parser()
    args = parser.parse_args(argv)
    _setup_django()
    try:
        # Every command of ours uses the database unless it says otherwise
        # (set_defaults(migrate=False)); a new, empty database is created first.
        if getattr(args, "migrate", True):
            _migrate()
        return args.func(args)
    except CommandError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
