"""Inline panels (a post's authors, its related posts) ignore a row the editor added and
left empty, as Django's formsets ignore an untouched extra form.

Django skips an extra form that has not changed. Wagtail's *Add* button numbers the new
row at once (its hidden ``ORDER`` field, ``core.js``), which Django counts as a change:
the empty row is then validated, its chooser is required, and every preview update and
autosave of the page is refused (``is_valid: false``; autosave answers 400) until the
editor fills or deletes it. A row's place in the list is not content, so a row not yet
saved that differs only there is untouched, and ignored. A row with content is still
validated: its error shows when the editor saves.

Two more cases Django's rule (by index) misses:
- after an autosave, Wagtail counts every row as an initial one (``INITIAL_FORMS``), so a
  row still empty is judged by whether it has a saved object, not by its index;
- while Wagtail defers required fields (preview, autosave, *Save draft*) it lifts the
  formset's ``min_num``, so an empty row is ignored whatever its index; publishing keeps
  the minimum (a post needs an author: the first row is required).
https://docs.djangoproject.com/en/5.2/topics/forms/formsets/#empty-permitted
"""

from django.core.exceptions import ValidationError
from django.forms.formsets import ORDERING_FIELD_NAME
from modelcluster.forms import BaseChildFormSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import InlinePanel
from wagtail.admin.panels.base import get_form_for_model


class InlineRowForm(WagtailAdminModelForm):
    """One row of an inline panel; a new row whose only change is its position is empty."""

    def has_changed(self) -> bool:
        if self.instance.pk is not None:
            return super().has_changed()  # moving a saved row is a change to save
        return any(name != ORDERING_FIELD_NAME for name in self.changed_data) or any(
            form.has_changed() for formset in self.formsets.values() for form in formset.forms
        )

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self.empty_permitted and not self.has_changed():
            # Skipped, so Django cleaned nothing; the formset's ``ordered_forms`` and
            # Wagtail's InlinePanel (re-rendering) still read every kept row's position.
            try:
                position = self.fields[ORDERING_FIELD_NAME].clean(self[ORDERING_FIELD_NAME].data)
            except ValidationError:
                position = None
            self.cleaned_data[ORDERING_FIELD_NAME] = position

    def defer_required_fields(self):
        if not self.is_deferred_validation:
            self.empty_permitted_when_required = self.empty_permitted
            self.empty_permitted = True
        super().defer_required_fields()

    def restore_required_fields(self):
        if self.is_deferred_validation:
            self.empty_permitted = self.empty_permitted_when_required
        super().restore_required_fields()


class InlineRowFormSet(BaseChildFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if form.instance.pk is None and i >= (self.min_num or 0):
            form.empty_permitted = True
        return form


class InlinePanelIgnoringEmptyRows(InlinePanel):
    """Wagtail's ``InlinePanel`` with ``InlineRowForm`` rows in an ``InlineRowFormSet``."""

    def get_form_options(self):
        options = super().get_form_options()
        formset = options["formsets"][self.relation_name]
        deferred = self.child_edit_handler.get_form_options().get("defer_required_on_fields")
        formset["form"] = (
            get_form_for_model(
                self.db_field.related_model,
                form_class=InlineRowForm,
                defer_required_on_fields=deferred,
            )
            if deferred
            else InlineRowForm
        )
        formset["formset"] = InlineRowFormSet
        return options
