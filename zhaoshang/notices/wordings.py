"""The wordings the notice intake recognises: every rule is a regular expression here.

To teach the intake a new wording, add a pattern to the right list below and a
test in tests/notices/test_wordings.py with a sentence that uses it (docs/notices.md).
All patterns run on the cleaned, simplified text.
"""

from __future__ import annotations

# Chinese numerals as they are written in official documents (〇 and 零 both occur).
CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMBER = f"[{CN_DIGITS}十百点]+"

# ---------------------------------------------------------------- dates
# A day of the year, with or without its year, in Arabic or Chinese numerals:
# 11月15日, 2026年11月15日, 十一月十五日, 二〇二六年十一月十五日, 11月15号.
NUMBER = rf"(?:\d{{1,4}}|{CN_NUMBER})"
DAY = rf"(?:(?P<year>\d{{4}}|[{CN_DIGITS}]{{4}})\s*年\s*)?(?P<month>{NUMBER})\s*月\s*(?P<day>{NUMBER})\s*[日号]"
# The end of a month: 11月底, 11月末, 11月底前.
MONTH_END = (
    rf"(?:(?P<year>\d{{4}}|[{CN_DIGITS}]{{4}})\s*年\s*)?(?P<month>{NUMBER})\s*月\s*(?:底|末|份前)"
)
# The end of the year: 年底前, 年内, 年末.
YEAR_END = r"(?:今年|本年|全年)?(?:年底|年末|年内)"

# ---------------------------------------------------------------- shares of the target
# A share written as a number; each pattern has one group, the number (or words).
PERCENT = [
    r"(\d{1,3}(?:\.\d+)?)\s*[%％]",  # 80%, 80％
    rf"百分之({CN_NUMBER}|\d{{1,3}}(?:\.\d+)?)",  # 百分之七十, 百分之80
    rf"({CN_NUMBER})\s*成(?![效果立为绩])",  # 七成 (not 完成, 成效)
]
# A fraction: 三分之一, 2/3 is not used in notices.
FRACTION = rf"({CN_NUMBER}|\d+)分之({CN_NUMBER}|\d+)"
# Words that mean a fixed share.
HALF = r"一半|半数|过半|50%以上"
# Words that mean all of the target (100 %).
ALL = [
    r"完成或超额完成",
    r"超额完成",
    r"全面完成",
    r"全部完成",
    r"足额完成",
    r"圆满完成",
    r"全额完成",
    r"如期完成",
    r"完成(?:全年|年度|全部)?(?:目标)?任务(?!的)",
    r"完成(?:全年|年度)目标(?![任的])",
]

# ---------------------------------------------------------------- problems (三大三少)
# Each bulletin diagnosis code with the wordings that name it.
PROBLEMS: dict[str, list[str]] = {
    "effort_gap": [
        r"(?:工作|推进|招商)?力度[^，。；、]{0,4}?(?:差距大|差距较大|不够|不足|不大|偏弱|较弱|偏小)",
        r"工作力度差距",
    ],
    "target_gap": [
        r"(?:工作)?目标[^，。；、]{0,6}?差距(?:大|较大|明显)",
        r"落后(?:于)?序时进度",
        r"低于序时进度",
        r"未达到?序时进度",
    ],
    "information_gap": [
        r"信息(?:交流|报送|沟通|共享|对接)[^，。；、]{0,4}?(?:差距大|差距较大|不畅|不及时|不足|滞后|不够|不到位)",
        r"信息交流差距",
    ],
    "few_contract_projects": [
        r"合同项目[^，。；、]{0,4}?(?:少|偏少|较少|不多|不足)",
    ],
    "few_top500": [
        r"(?:500|五百)强(?:企业)?[^，。；、]{0,4}?(?:少|偏少|较少|不多|不足)",
    ],
    "few_park_industrial": [
        r"(?:园区|工业)(?:项目)?[^，。；、]{0,8}?(?:少|偏少|较少|不多|不足)",
    ],
}

# ---------------------------------------------------------------- units
# The phrase before these words names sub-venues: 各县（市、区）、示例高新区设分会场.
SUB_VENUE = r"(?:设|设立|设置|为)(?:分会场|视频分会场)"
# An addressee line of a notice: a short line ending with a colon (各县市人民政府，…：).
ADDRESSEE_LINE = r"^(?P<names>[^。：:！？]{2,200})[：:]$"
# Words an addressee name ends with (so that 现将有关事项通知如下： is not one).
UNIT_SUFFIX = (
    r"(?:政府|管委会|委员会|部门|单位|局|委|办|办公室|中心|县|市|区|州|镇|乡|街道|园区|"
    r"\)|）|开发区|高新区|经开区)$"
)

# ---------------------------------------------------------------- tasks
# A sentence is a required action when one of these occurs in it …
TASK_MARKERS = [
    r"(?<![重主需纪必只])要(?![求点素闻])",
    r"务必",
    r"必须",
    r"应当",
    r"(?<![必无])须(?!知)",
    r"实行",
    r"开展",
    r"报送",
    r"抓紧",
    r"限期",
]
# … unless it is one of these (a preamble, a heading, a report of what happened).
NOT_TASK = [
    r"通知如下",
    r"现将",
    r"^[一二三四五六七八九十]+、[^，。]{0,12}[。：:]?$",
    r"存在[^。]*问题",
]
# Words stripped from the start of a task's content.
TASK_LEAD_INS = [
    r"^[（(][一二三四五六七八九十\d]+[）)]",
    r"^\d+[.、．]",
    r"^[一二三四五六七八九十]+、",
    r"^(?:会议|会上|讲话|文件)?(?:要求|强调|指出)[，,：:]",
    r"^各级各部门",
    r"^要",
]
# A deadline inside a task: 于11月10日前, 11月10日前, 在11月底前.
DEADLINE_AFTER = r"前|之前|以前|为止"
