from django import forms
from django.core.validators import ProhibitNullCharactersValidator

from ecozone.core.text import text_problem


def validate_text(value) -> None:
    """Refuse text holding a control character (core.text), with a message naming it."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise forms.ValidationError(problem, code="control_character")


class StyledFormMixin:
    """Give every widget Bootstrap's class, so templates render fields without inline styling;
    and refuse, beside the field, free text that cannot be stored (core.text.text_problem)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = (
                    "form-select form-select-sm"
                    if getattr(self, "compact", False)
                    else "form-select"
                )
            else:
                css = (
                    "form-control form-control-sm"
                    if getattr(self, "compact", False)
                    else "form-control"
                )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
            # Passwords are never shown, stored or exported as text: leave them as typed.
            if isinstance(field, forms.CharField) and not isinstance(widget, forms.PasswordInput):
                # Django's own NUL check is one case of ours; keep one message per problem.
                field.validators = [
                    v
                    for v in field.validators
                    if not isinstance(v, ProhibitNullCharactersValidator)
                ]
                field.validators.append(validate_text)
