"""PostgreSQL can answer the API's hot queries from the project's indexes.

The test database is small, so the planner would pick sequential scans anyway; with
``enable_seqscan`` off it still must find an index for the exact SQL the API sends, which
is what fails when an expression index no longer matches the query (PostgreSQL uses an
expression index only for the identical expression).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL query plans")


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return [query["sql"] for query in queries.captured_queries]


def test_search_matches_through_the_title_and_body_index(client, posts):
    sql = [
        q
        for q in _queries(client, "/api/v2/pages/?type=blog.BlogPostPage&search=post")
        if "@@" in q and "ts_rank" in q
    ]
    assert sql, "the search query was not sent"
    # The match itself, as Wagtail's backend writes it (a tiny table hides it in the join).
    match = re.search(
        r'\("wagtailsearch_indexentry"\."title" \|\| "wagtailsearch_indexentry"\."body"\)'
        r" @@ \(to_tsquery\([^)]*\)\)",
        sql[0],
    )
    assert match, sql[0]
    plan = _plan(f"SELECT id FROM wagtailsearch_indexentry WHERE {match.group(0)}")  # noqa: S608
    assert "blog_search_title_body" in plan


def test_hidden_branch_lookup_reads_the_parents_index(client, posts):
    sql = [
        q
        for q in _queries(client, "/api/v2/pages/?type=blog.BlogPostPage")
        if '"numchild" > 0' in q
    ]
    assert sql, "the hidden-branch query was not sent"
    assert "blog_page_parents_path" in _plan(sql[0])
