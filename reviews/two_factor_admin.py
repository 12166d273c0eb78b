"""Two-factor sign-in in the admin: one audited action to reset a lost factor, and no page that shows a secret.

django-otp's own admin pages would show each authenticator's secret key and each recovery code to any superuser;
they are removed, so the only thing the admin can do to a second factor is reset it, which is recorded.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor

User = get_user_model()

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.action(description="Reset two-factor sign-in (a lost phone): the account sets up a new app at next sign-in")
def reset_two_factor(modeladmin, request, queryset):
    people = list(queryset)
    for user in people:
        two_factor.reset(user, by=request.user)
    modeladmin.message_user(
        request,
        f"Two-factor sign-in reset for {', '.join(user.get_username() for user in people)}. "
        "Each is asked to set up a new authenticator app when they next sign in. The reset is in each "
        "account's history.",
        messages.SUCCESS,
    )


class PeopleAdmin(UserAdmin):
    actions = [*UserAdmin.actions, reset_two_factor]
    list_display = [*UserAdmin.list_display, "two_factor"]

    @admin.display(description="Two-factor sign-in", boolean=True)
    def two_factor(self, user) -> bool:
        return user.has_app

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(has_app=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        )


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, PeopleAdmin)
