"""The outbox: background work written with the data it is about, handed to Celery later."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """One Celery task owed: written in the caller's transaction, published after commit.

    `claimed_at` is set by whoever is publishing it right now (the request's on-commit
    hook or the replay), `sent_at` once the broker took it. A run of the task itself
    marks `done_at` when the task asks for it (e-mails: see `astep.outbox.queue.run_once`).
    """

    task_name = models.CharField(_("tâche"), max_length=200)
    args = models.JSONField(_("arguments"), default=list)
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("prise le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("confiée au courtier le"), null=True, blank=True)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)

    class Meta:
        verbose_name = _("tâche en attente")
        verbose_name_plural = _("tâches en attente")
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent",
            ),
            # The replay deletes the rows sent a week ago, every minute.
            models.Index(fields=["sent_at"], name="outbox_sent_at"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
