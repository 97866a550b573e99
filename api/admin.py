from django.contrib import admin, messages

from .models import ApiToken
from .services import api_token_create, api_token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """An admin sees and revokes tokens; a new one is made with its secret shown once, in a message."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user", "name"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        token, text = api_token_create(user=obj.user, name=obj.name, actor=request.user)
        obj.pk = token.pk
        obj.refresh_from_db()
        messages.warning(request, f"新令牌（只显示这一次，请立即复制）：{text}")

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(token_id=token.pk, actor=request.user)
        messages.success(request, "已吊销")
