"""C2: the column's posts on the office's desk (registered on import from the app's
admin.py). The list is Django's; a post is written, previewed, published, unpublished and
exported on the desk's own pages (publishing/column_desk.py), mounted here. Only the office
works them (communities.access: viewer_of(user).is_office), inside the admin site's login
and second factor."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import viewer_of
from core.admin import AuditedAdmin
from publishing import column_desk
from publishing.models import Post, PostState


@admin.register(Post)
class PostAdmin(AuditedAdmin):
    list_display = ("title", "month_label", "state", "published_at", "desk_link")
    list_filter = ("state", "year", "month")
    list_select_related = ("published_by",)
    search_fields = ("title", "text")
    actions = None  # no bulk delete; a post is unpublished, a draft deleted on its own

    def _office(self, request):
        return viewer_of(request.user).is_office

    def has_module_permission(self, request):
        return self._office(request)

    def has_view_permission(self, request, obj=None):
        return self._office(request)

    def has_add_permission(self, request):
        return self._office(request)

    def has_change_permission(self, request, obj=None):
        return self._office(request)

    def has_delete_permission(self, request, obj=None):
        """Only a draft never published is deleted: what was public stays on record."""
        return self._office(request) and obj is not None and obj.state == PostState.DRAFT

    def add_view(self, request, form_url="", extra_context=None):
        return redirect("admin:publishing_post_new")

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not object_id.isdigit():
            return redirect("admin:publishing_post_changelist")
        return redirect("admin:publishing_post_desk", int(object_id))

    @admin.display(description=gettext_lazy("month"), ordering="month")
    def month_label(self, post):
        return post.month_label

    @admin.display(description=gettext_lazy("post's page"))
    def desk_link(self, post):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:publishing_post_desk", args=[post.pk]),
            _("Preview, publish, export"),
        )

    def get_urls(self):
        view, site = self.admin_site.admin_view, {"site": self.admin_site}
        return [
            path("new/", view(column_desk.new_post), site, name="publishing_post_new"),
            path("<int:pk>/desk/", view(column_desk.post_desk), site, name="publishing_post_desk"),
            path("<int:pk>/edit/", view(column_desk.edit_post), site, name="publishing_post_edit"),
            path("<int:pk>/publish/", view(column_desk.publish), name="publishing_post_publish"),
            path(
                "<int:pk>/unpublish/", view(column_desk.unpublish), name="publishing_post_unpublish"
            ),
            path(
                "<int:pk>/wechat/",
                view(column_desk.wechat_page),
                site,
                name="publishing_post_wechat",
            ),
            path(
                "<int:pk>/wechat.html",
                view(column_desk.wechat_html),
                name="publishing_post_wechat_html",
            ),
            *super().get_urls(),
        ]
