"""The unit's 提醒渠道 page: administrators set the channels and send a test; the secret never shows."""

from __future__ import annotations

from zhaoshang.notify.models import ChannelSet
from zhaoshang.notify.services import do_set_channels

SECRET = "SECpage-secret-value"


def test_admin_sets_channels_and_the_secret_is_never_shown(client_for, personas, hooks):
    client = client_for("admin")
    url = "/reminders/units/522631/"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "emails": "a@liping.gov.cn； b@liping.gov.cn",
            "wecom_webhook": hooks.url("/wecom/liping"),
            "dingtalk_webhook": hooks.url("/dingtalk/liping?access_token=T"),
            "dingtalk_secret": SECRET,
        },
        follow=True,
    )
    page = response.content.decode()
    assert "已保存黎平县的提醒渠道" in page and "已保存加签密钥" in page
    assert SECRET not in page
    stored = ChannelSet.objects.get(unit__code="522631")
    assert (stored.emails, stored.dingtalk_secret) == ("a@liping.gov.cn;b@liping.gov.cn", SECRET)
    history = stored.history.first()
    assert history.history_user == personas.user("admin")
    assert history.history_change_reason == "设置提醒渠道"

    # Saving again with the secret left empty keeps it.
    client.post(
        url,
        {
            "emails": "a@liping.gov.cn",
            "wecom_webhook": hooks.url("/wecom/liping"),
            "dingtalk_webhook": hooks.url("/dingtalk/liping?access_token=T"),
        },
    )
    stored.refresh_from_db()
    assert (stored.emails, stored.dingtalk_secret) == ("a@liping.gov.cn", SECRET)


def test_test_button_reaches_each_robot(client_for, personas, hooks, mailbox):
    do_set_channels(
        personas.unit("522631"),
        wecom_webhook=hooks.url("/wecom/liping"),
        emails="a@liping.gov.cn",
    )
    hooks.answers["/wecom/liping"] = (200, {"errcode": 93000, "errmsg": "invalid webhook url"})
    response = client_for("admin").post("/reminders/units/522631/", {"action": "test"}, follow=True)
    page = response.content.decode()
    assert "电子邮件：测试消息已发出" in page
    assert "企业微信机器人：机器人拒收：93000 invalid webhook url" in page
    assert len(hooks.at("/wecom/liping")) == 1 and len(mailbox.messages) == 1


def test_bad_address_is_a_clear_error(client_for, personas):
    response = client_for("admin").post("/reminders/units/522631/", {"emails": "abc"})
    assert "「abc」不是有效的邮箱地址" in response.content.decode()
    assert not ChannelSet.objects.exists()


def test_only_the_units_administrators_see_the_page(client_for, personas):
    assert client_for("r522601").get("/reminders/units/522601/").status_code == 403
    assert client_for("r522601").get("/reminders/units/522631/").status_code == 404
    assert (
        client_for("leader").post("/reminders/units/522631/", {"emails": "x@y.cn"}).status_code
        == 403
    )
    assert not ChannelSet.objects.exists()


def test_a_persons_own_channels(client_for, personas):
    wang = personas.unit("522601").people.get(name="王明")
    client = client_for("admin")
    people = client.get("/org/units/522601/people/").content.decode()
    assert f"/reminders/people/{wang.pk}/" in people
    response = client.post(
        f"/reminders/people/{wang.pk}/", {"emails": "wangming@kaili.gov.cn"}, follow=True
    )
    assert "王明的提醒渠道" in response.content.decode()
    assert ChannelSet.objects.get(person=wang).emails == "wangming@kaili.gov.cn"
    assert client_for("r522631").get(f"/reminders/people/{wang.pk}/").status_code == 404


def test_admin_site_never_shows_the_secret(client_for, personas):
    channels, _changed = do_set_channels(
        personas.unit("522631"),
        dingtalk_webhook="https://oapi.example.gov.cn/robot/send?access_token=T",
        dingtalk_secret=SECRET,
    )
    page = client_for("root").get(f"/admin/notify/channelset/{channels.pk}/change/")
    assert page.status_code == 200 and SECRET not in page.content.decode()
    listing = client_for("root").get("/admin/notify/channelset/").content.decode()
    assert SECRET not in listing
