from django.shortcuts import redirect
from django.urls import reverse


class PasswordChangeRequiredMiddleware:
    """Sends a user whose account demands it to the password change page first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            account = getattr(user, "account", None) if hasattr(user, "account") else None
            if account is not None and account.must_change_password:
                allowed = {
                    reverse("password_change"),
                    reverse("password_change_done"),
                    reverse("logout"),
                }
                if request.path not in allowed and not request.path.startswith("/static/"):
                    return redirect("password_change")
        return self.get_response(request)
