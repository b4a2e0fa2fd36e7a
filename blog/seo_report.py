"""The SEO report (Reports → SEO): live pages whose search and social metadata needs work.

Marketing finds gaps here without a developer: each row says which rules a page breaks and
links to its editor (the Promote tab holds every SEO field). The rules follow the API's
own fallbacks (``blog.seo``): a field left empty that the API fills from elsewhere is
noted as a fallback, never reported as missing. Labels name the Promote tab's fields
("Title tag", "Meta description", "Social image"). Checked in the database so filtering,
ordering and paging stay cheap on a large site.

Problems (a page with any of them is listed by default):

- **Title tag over 60 characters**: the title search results show (title tag, else page
  title) is longer than Google displays (``blog.seo.TITLE_LENGTH``);
- **No meta description**: empty, and no intro for the API to fall back on;
- **Meta description over 160 characters**: search results cut it off;
- **No social image**: no Promote-tab image, no featured image and no site default;
- **Duplicate title tag**: another live page shows the same title (ignoring case), which
  makes search engines pick one of them.

Fallbacks (shown on the row, and each a filter of its own):

- **Title tag empty: page title used**;
- **Meta description empty: intro used** (the intro cut near 155 characters);
- **Social image: site default used** (Settings → SEO's default social image).

Built on Wagtail's ``ReportView``, which brings filters, paging and CSV/XLSX export:
https://docs.wagtail.org/en/7.4/extending/adding_reports.html
"""

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, Length, Lower, NullIf, Trim
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_filters import ChoiceFilter
from wagtail.admin.filters import ContentTypeFilter, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.admin.views.reports import PageReportView
from wagtail.coreutils import get_content_type_label
from wagtail.models import Page, get_page_content_types, get_page_models
from wagtail.permissions import page_permission_policy
from wagtailseo.models import SeoMixin, SeoSettings

from blog.frontend import page_frontend_url
from blog.seo import DESCRIPTION_LENGTH, DESCRIPTION_MAX_LENGTH, TITLE_LENGTH
from blog.services import truncate_at_word

# Rule name → label, in the order a row lists them.
SEO_ISSUES = {
    "title_too_long": _("Title tag over %(length)d characters") % {"length": TITLE_LENGTH},
    "description_missing": _("No meta description (and no intro to fall back on)"),
    "description_too_long": _("Meta description over %(length)d characters")
    % {"length": DESCRIPTION_MAX_LENGTH},
    "social_image_missing": _("No social image"),
    "duplicate_title": _("Duplicate title tag"),
}
SEO_FALLBACKS = {
    "title_fallback": _("Title tag empty: page title used"),
    "description_fallback": _("Meta description empty: intro used"),
    "social_image_fallback": _("Social image: site default used"),
}
SEO_FLAGS = {**SEO_ISSUES, **SEO_FALLBACKS}


def _effective_title_key():
    """The title search results show, lower-cased: the SEO title, else the page title."""
    return Lower(Coalesce(NullIf(Trim("seo_title"), Value("")), "title"))


def _seo_models() -> list:
    return [
        model
        for model in get_page_models()
        if issubclass(model, SeoMixin) and not model._meta.abstract
    ]


def _has_social_image() -> Q:
    """True where the page's own model has a Promote-tab image or a featured image."""
    condition = Q(pk__in=[])  # always false: a site with no SEO page types has no images
    for model in _seo_models():
        images = Q(og_image__isnull=False)
        if any(field.name == "featured_image" for field in model._meta.get_fields()):
            images |= Q(featured_image__isnull=False)
        condition |= Exists(model.objects.filter(images, pk=OuterRef("pk")))
    return condition


def _intro_text():
    """The page's intro (the API's description fallback), from whichever model has one."""
    intros = [
        Subquery(model.objects.filter(pk=OuterRef("pk")).values("intro")[:1])
        for model in _seo_models()
        if any(field.name == "intro" for field in model._meta.get_fields())
    ]
    if not intros:
        return Value("", output_field=CharField())
    return Coalesce(*intros, Value(""), output_field=CharField())


def seo_report_pages(*, pages: QuerySet) -> QuerySet:
    """Live pages (not the tree root) annotated with ``issue_<rule>`` booleans and lengths.

    ``description_length`` is the length of the description the API serves: the one
    written, else the intro's excerpt (capped here at the excerpt's length for ordering;
    rows show the exact excerpt's length, ``seo_report_row_decorate``).
    """
    live = pages.live().filter(depth__gt=1)
    # Titles shared by two or more live pages, found once with GROUP BY: an uncorrelated
    # subquery the database hashes, where a per-row EXISTS would compare every pair.
    duplicated_titles = (
        Page.objects.live()
        .filter(depth__gt=1)
        .annotate(title_key=_effective_title_key())
        .values("title_key")
        .annotate(pages=Count("pk"))
        .filter(pages__gt=1)
        .values("title_key")
    )
    site_default_image = Exists(SeoSettings.objects.filter(og_image_default__isnull=False))
    return live.annotate(
        title_key=_effective_title_key(),
        seo_title_trimmed=Trim("seo_title"),
        title_length=Length(Coalesce(NullIf(Trim("seo_title"), Value("")), "title")),
        written_description_length=Coalesce(Length(Trim("search_description")), 0),
        intro_text=Trim(_intro_text()),
        intro_length=Length("intro_text"),
        description_length=Case(
            When(written_description_length__gt=0, then="written_description_length"),
            default=Least("intro_length", Value(DESCRIPTION_LENGTH + 1)),
        ),
        has_own_social_image=ExpressionWrapper(_has_social_image(), output_field=BooleanField()),
        has_site_default_image=ExpressionWrapper(site_default_image, output_field=BooleanField()),
        issue_title_fallback=ExpressionWrapper(
            Q(seo_title_trimmed="") | Q(seo_title__isnull=True),
            output_field=BooleanField(),
        ),
        issue_title_too_long=ExpressionWrapper(
            Q(title_length__gt=TITLE_LENGTH), output_field=BooleanField()
        ),
        issue_description_missing=ExpressionWrapper(
            Q(written_description_length=0, intro_length=0), output_field=BooleanField()
        ),
        issue_description_fallback=ExpressionWrapper(
            Q(written_description_length=0, intro_length__gt=0), output_field=BooleanField()
        ),
        issue_description_too_long=ExpressionWrapper(
            Q(written_description_length__gt=DESCRIPTION_MAX_LENGTH),
            output_field=BooleanField(),
        ),
        issue_social_image_missing=ExpressionWrapper(
            Q(has_own_social_image=False, has_site_default_image=False),
            output_field=BooleanField(),
        ),
        issue_social_image_fallback=ExpressionWrapper(
            Q(has_own_social_image=False, has_site_default_image=True),
            output_field=BooleanField(),
        ),
        issue_duplicate_title=ExpressionWrapper(
            Q(title_key__in=duplicated_titles), output_field=BooleanField()
        ),
    )


def seo_report_filter(*, pages: QuerySet, issue: str = "") -> QuerySet:
    """Pages flagged ``issue`` (a key of ``SEO_FLAGS``), or with any problem when empty."""
    if issue in SEO_FLAGS:
        return pages.filter(**{f"issue_{issue}": True})
    any_issue = Q()
    for name in SEO_ISSUES:
        any_issue |= Q(**{f"issue_{name}": True})
    return pages.filter(any_issue)


def page_seo_issues(*, page) -> list[str]:
    """The labels of an annotated page's problems, then its fallbacks (``SEO_FLAGS`` order)."""
    return [str(label) for name, label in SEO_FLAGS.items() if getattr(page, f"issue_{name}")]


def seo_report_row_decorate(*, page) -> None:
    """Exact values for a displayed row: its flags, URL and served description length."""
    page.issues = page_seo_issues(page=page)
    page.frontend_url = page_frontend_url(page=page)
    if not page.written_description_length:
        excerpt = truncate_at_word(
            text=" ".join(page.intro_text.split()), length=DESCRIPTION_LENGTH
        )
        page.description_length = len(excerpt)


class IssueFilter(ChoiceFilter):
    """``?issue=description_missing``: pages with one flag (any problem by default)."""

    def filter(self, qs, value):
        return seo_report_filter(pages=qs, issue=value or "")


class SeoReportFilterSet(WagtailFilterSet):
    issue = IssueFilter(
        label=_("Issue"),
        choices=list(SEO_FLAGS.items()),
        empty_label=_("Any problem"),
        null_label=None,
    )
    content_type = ContentTypeFilter(
        label=_("Type"),
        queryset=lambda request: get_page_content_types(include_base_page_type=False),
    )

    class Meta:
        model = Page
        fields = ["issue", "content_type"]


class IssuesColumn(Column):
    """The rules a page breaks, one per line."""

    cell_template_name = "blog/seo_report/issues_cell.html"

    def get_value(self, instance):
        return page_seo_issues(page=instance)


class SeoReportView(PageReportView):
    """Reports → SEO: the live pages to fix, with filters and spreadsheet export."""

    page_title = _("SEO report")
    results_template_name = "wagtailadmin/reports/base_report_results.html"  # the columns
    header_icon = "search"
    index_url_name = "blog_seo_report"
    index_results_url_name = "blog_seo_report_results"
    filterset_class = SeoReportFilterSet
    any_permission_required = ["add", "change", "publish"]
    export_filename = "seo-report"
    default_ordering = "title"
    columns = [
        TitleColumn(
            "title",
            label=_("Page"),
            get_url=lambda page: (
                reverse("wagtailadmin_pages:edit", args=(page.pk,)) + "#tab-promote"
            ),
            sort_key="title",
        ),
        IssuesColumn("issues", label=_("Issues")),
        Column("title_length", label=_("Title tag length"), sort_key="title_length"),
        Column(
            "description_length",
            label=_("Meta description length"),
            sort_key="description_length",
        ),
        Column("content_type", label=_("Type"), accessor=lambda page: page.page_type_display_name),
        DateColumn("last_published_at", label=_("Last published"), sort_key="last_published_at"),
    ]
    list_export = [
        "title",
        "seo_title",
        "title_length",
        "search_description",
        "description_length",
        "issues",
        "frontend_url",
        "content_type",
        "last_published_at",
    ]
    export_headings = {
        "title": _("Page title"),
        "seo_title": _("Title tag"),
        "title_length": _("Title tag length"),
        "search_description": _("Meta description"),
        "description_length": _("Meta description length"),
        "issues": _("Issues"),
        "frontend_url": _("URL"),
        "content_type": _("Type"),
        "last_published_at": _("Last published"),
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.custom_field_preprocess = self.custom_field_preprocess.copy()
        self.custom_field_preprocess["content_type"] = {
            self.FORMAT_CSV: get_content_type_label,
            self.FORMAT_XLSX: get_content_type_label,
        }

    def get_queryset(self):
        pages = page_permission_policy.instances_user_has_any_permission_for(
            self.request.user, ["change", "publish"]
        ).select_related("content_type")
        self.queryset = seo_report_pages(pages=pages)
        return super().get_queryset()

    def filter_queryset(self, queryset):
        if self.filters and self.filters.is_valid():
            return super().filter_queryset(queryset)  # IssueFilter runs even when empty
        return seo_report_filter(pages=queryset)  # a bad ?issue= still lists only issues

    def decorate_paginated_queryset(self, object_list):
        for page in object_list:
            seo_report_row_decorate(page=page)
        return object_list
