from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import path

from casebook.accounts.models import User
from casebook.accounts.security import client_address
from casebook.accounts.services import invitation_issue, invitation_path

admin.site.site_header = "Casebook administration"
admin.site.site_title = "Casebook"


@admin.register(User)
class CasebookUserAdmin(UserAdmin):
    """Users, with an invitation to enrol an authenticator one button away.

    A password an administrator sets (for a new user, or a reset) is theirs, not the user's:
    the user must choose their own at the next sign-in.
    """

    change_form_template = "admin/accounts/user/change_form.html"
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Sign-in", {"fields": ("must_change_password", "may_enrol_without_invitation")}),
    )
    readonly_fields = ("may_enrol_without_invitation",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.must_change_password = True
        super().save_model(request, obj, form, change)

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and str(request.user.pk) != id:
            User.objects.filter(pk=id).update(must_change_password=True)
        return response

    def get_urls(self):
        invite = path(
            "<path:object_id>/invite/",
            self.admin_site.admin_view(self.invite_view),
            name="accounts_user_invite",
        )
        return [invite, *super().get_urls()]

    def invite_view(self, request, object_id):
        """Confirm, then issue an invitation and show its code and link this once."""
        user = get_object_or_404(User, pk=object_id)
        if not self.has_change_permission(request, user):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": user,
            "title": f"Invite {user.get_username()} to set up an authenticator app",
        }
        if request.method == "POST":
            invitation, code = invitation_issue(
                user=user, issued_by=request.user, ip_address=client_address(request)
            )
            context |= {
                "invitation": invitation,
                "code": code,
                "link": request.build_absolute_uri(invitation_path(code)),
            }
            messages.warning(request, "The code is shown only now: copy it before leaving.")
        return render(request, "admin/accounts/user/invite.html", context)


def _administrators_only(request) -> bool:
    from casebook.accounts.roles import Role, has_role

    return request.user.is_active and has_role(request.user, Role.ADMINISTRATOR)


# Only administrators manage users and the codebook; other roles never reach the admin.
admin.site.has_permission = _administrators_only  # type: ignore[method-assign]
