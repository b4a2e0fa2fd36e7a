from django.apps import AppConfig


class PropagationConfig(AppConfig):
    """Change propagation: a change's events go into a durable outbox (django-tasks with
    the django-tasks-db backend) in the change's own transaction, and the worker
    (``manage.py db_worker``) delivers them: signed webhooks to frontends."""

    name = "propagation"
    verbose_name = "Change propagation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from propagation.events import event_receivers_connect

        event_receivers_connect()
