"""The dispatch settings page in the campaign settings: thresholds once only in the admin site."""

import pytest

from tests.web.helpers import text
from zhaoshang.dispatch.models import DispatchSettings
from zhaoshang.dispatch.services import settings_for

pytestmark = pytest.mark.django_db
URL = "/dispatch/MQDH2026/settings/"

VALUES = {
    "effort_window_days": "21",
    "effort_median_share": "0.40",
    "on_time_min_pct": "75",
    "stale_ledger_days": "10",
    "stuck_key_days": "45",
    "task_due_soon_workdays": "2",
    "task_blue_max_workdays": "3",
    "task_orange_max_workdays": "8",
    "issuing_office": "州招商引资工作领导小组办公室",
    "number_style": "document",
    "number_prefix": "黔东南招商办",
    "forecast_in_bulletin": "on",
    "reason": "调度会议定",
}


def test_the_office_changes_the_thresholds_with_history(client_for, personas):
    client = client_for("admin")
    page = text(client.get("/campaigns/MQDH2026/").content.decode())
    assert "调度设置" in page
    assert "蓝色督办上限" in text(client.get(URL).content.decode())
    response = client.post(URL, VALUES)
    assert response.status_code == 302
    saved = settings_for(personas.campaign)
    assert (
        saved.effort_window_days,
        saved.task_blue_max_workdays,
        saved.task_orange_max_workdays,
    ) == (
        21,
        3,
        8,
    )
    assert (saved.number_style, saved.number_prefix, saved.forecast_in_bulletin) == (
        "document",
        "黔东南招商办",
        True,
    )
    row = saved.history.latest()
    assert (row.history_user, row.history_change_reason) == (personas.user("admin"), "调度会议定")


def test_orange_below_blue_is_refused_and_nothing_saved(client_for, personas):
    response = client_for("admin").post(
        URL, {**VALUES, "task_blue_max_workdays": "9", "task_orange_max_workdays": "4"}
    )
    assert response.status_code == 200
    assert "橙色督办上限不能小于蓝色督办上限" in response.content.decode()
    assert not DispatchSettings.objects.exists()


def test_others_read_but_cannot_change(client_for, personas):
    for name in ("leader", "r522601"):
        client = client_for(name)
        page = client.get(URL).content.decode()
        assert "只有组织单位的管理员可以修改调度设置" in page
        assert client.post(URL, VALUES).status_code == 403
    assert client_for("outsider").get(URL).status_code == 404
    assert not DispatchSettings.objects.exists()
