"""The admin shows dispatch records to the superuser but changes none of them."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.dispatch.conftest import AS_OF
from zhaoshang.dispatch.models import Bulletin, ReportingRound, Submission
from zhaoshang.dispatch.services import do_publish_bulletin

pytestmark = pytest.mark.django_db


@pytest.fixture
def root_client(world):
    user = get_user_model().objects.create_superuser("root", password="x-123456789")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", [Bulletin, ReportingRound, Submission])
def test_superuser_reads_dispatch_records(root_client, world, model):
    do_publish_bulletin(world["campaign"], AS_OF)
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    assert root_client.get(url).status_code == 200
    obj = model.objects.first()
    change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    assert root_client.get(change).status_code == 200
    assert root_client.post(change, {}).status_code == 403
    add = reverse(f"admin:{meta.app_label}_{meta.model_name}_add")
    assert root_client.get(add).status_code == 403
