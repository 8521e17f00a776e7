from django.contrib import admin
from django.urls import include, path, register_converter

from zhaoshang.api import pages as api_pages
from zhaoshang.codes import CodeConverter

# <code:…> in every app's URLs: exactly the characters a record code may hold.
register_converter(CodeConverter, "code")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("ledger/", include("zhaoshang.ledger.urls")),
    path("campaigns/", include("zhaoshang.campaigns.urls")),
    path("org/", include("zhaoshang.org.urls")),
    path("dispatch/", include("zhaoshang.dispatch.urls")),
    path("events/", include("zhaoshang.events.urls")),
    path("tasks/", include("zhaoshang.supervision.urls")),
    path("api/v1/", include("zhaoshang.api.urls")),
    path("account/tokens/", api_pages.tokens, name="api_tokens"),
    path("account/tokens/<int:pk>/revoke/", api_pages.revoke, name="api_token_revoke"),
    path("reminders/", include("zhaoshang.notify.urls")),
    path("assessment/", include("zhaoshang.assessment.urls")),
    path("notices/", include("zhaoshang.notices.urls")),
    path("import/", include("zhaoshang.workbook.urls")),
    path("jobs/", include("zhaoshang.jobs.urls")),
    path("invest/", include("zhaoshang.events.public_urls")),
    path("", include("zhaoshang.web.urls")),
]
