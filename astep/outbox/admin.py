from django.contrib import admin

from astep.outbox.models import OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    list_display = ["task_name", "created_at", "sent_at", "done_at"]
    list_filter = ["task_name"]
    readonly_fields = ["task_name", "args", "created_at", "claimed_at", "sent_at", "done_at"]
