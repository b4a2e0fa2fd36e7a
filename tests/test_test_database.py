"""The suite's own ground: serialized rollback reloads the migrations' rows whatever
state a previous test left (tests/conftest.py)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import GroupApprovalTask, Page, Site


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migrations_rows_reload_with_a_cold_content_type_cache_over_leftover_rows():
    # A row written after the last flush, and a cache emptied by a test that rebuilt
    # Wagtail's roots: each once made the next reload fail on a unique name.
    ContentType.objects.filter(app_label="wagtailcore", model="groupapprovaltask").delete()
    ContentType.objects.clear_cache()
    ContentType.objects.get_for_model(GroupApprovalTask)  # made again, under a new id
    ContentType.objects.clear_cache()

    connection.creation.deserialize_db_from_string(connection._test_serialized_contents)

    task = GroupApprovalTask.objects.get()
    assert task.content_type == ContentType.objects.get_for_model(GroupApprovalTask)
    assert Site.objects.get(is_default_site=True).root_page_id == Page.objects.get(depth=2).pk
