"""Template filters of the form error summary (`{% load form_errors %}`)."""

from django import forms, template

register = template.Library()


@register.filter
def error_count(form: forms.BaseForm) -> int:
    """The number of error messages of a bound form, its own and its fields' (0 if valid)."""
    return sum(len(errors) for errors in form.errors.values())


@register.filter
def field_anchor(field: forms.BoundField) -> str:
    """The id a link to `field` should target: its input, or the first of its choices.

    Radio buttons and checkbox lists have no single input (`id_for_label` is empty since
    Django 4.1): the link goes to the first choice, "id_levels_0".
    """
    return field.id_for_label or f"{field.auto_id}_0"
