from django.apps import AppConfig


class PropagationConfig(AppConfig):
    """Change propagation: a change's events go into a durable outbox (django-tasks with
        the django-tasks-db backend) in the change's own transaction, and the worker
        (``manage.py db_worker``) delivers them: signed webhooks to frontends, CDN invalidations
    batched across changes, re-warming of the hottest invalidated responses."""

    name = "propagation"
    verbose_name = "Change propagation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from propagation.cdn_purge import page_purge_receivers_connect
        from propagation.events import event_receivers_connect

        event_receivers_connect()
        page_purge_receivers_connect()
