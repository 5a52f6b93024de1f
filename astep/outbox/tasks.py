from celery import shared_task


@shared_task
def outbox_replay_run() -> int:
    """Publish the work the broker missed while it was down (celery beat, every minute)."""
    from astep.outbox.queue import outbox_replay

    return outbox_replay()
