from django import forms


class StyledFormMixin:
    """Give every widget Bootstrap's class, so templates render fields without inline styling."""

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
