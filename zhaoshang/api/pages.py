"""The user's own page of API tokens: make one (shown once), see them with last use, revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from zhaoshang.api.models import ApiToken
from zhaoshang.api.tokens import do_create_token, do_revoke_token
from zhaoshang.web.forms import DateInput


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("用途"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("如：省平台对接、县里的统计表"),
    )
    access = forms.ChoiceField(
        label=gettext_lazy("权限"),
        choices=[("read", gettext_lazy("只读")), ("write", gettext_lazy("读写"))],
        initial="read",
        widget=forms.RadioSelect,
    )
    expires_on = forms.DateField(
        label=gettext_lazy("有效期至"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("留空为长期有效"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    new_key = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                _token, new_key = do_create_token(
                    request.user,
                    read_only=d["access"] == "read",
                    expires_on=d["expires_on"],
                    name=d["name"],
                    actor=request.user,
                )
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                form = TokenForm()
    else:
        form = TokenForm()
    rows = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": rows, "new_key": new_key}
    )
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke(request, pk: int):
    token = ApiToken.objects.filter(pk=pk, user=request.user).first()
    if token is None:
        raise Http404
    if do_revoke_token(token, actor=request.user):
        messages.success(request, _("接口令牌 %(prefix)s… 已吊销。") % {"prefix": token.prefix})
    return redirect("api_tokens")
