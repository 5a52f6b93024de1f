"""Form rendering shared by every app: DSFR field markup, laid out by crispy."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from dsfr.forms import DsfrBoundField, DsfrDjangoTemplates


class DsfrFormRenderer(DsfrDjangoTemplates):
    """Render every form field (ours and allauth's) with django-dsfr's field snippets."""

    bound_field_class = DsfrBoundField


def submit_helper(label: str, *, form_tag: bool = True) -> FormHelper:
    """A crispy helper that ends the form with one primary button labelled `label`."""
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.add_input(Submit("submit", label))
    return helper


def checkboxes(label: str, choices, *, required: bool = True) -> forms.MultipleChoiceField:
    """A list of DSFR checkboxes, one per choice (half-days, levels, themes…)."""
    return forms.MultipleChoiceField(
        label=label, choices=choices, widget=forms.CheckboxSelectMultiple, required=required
    )
