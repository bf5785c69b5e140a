"""What the filter forms of the list pages share (core/filter_fields.html draws them)."""

from typing import TYPE_CHECKING, Self

from django import forms
from django.utils.translation import gettext_lazy as _

# The type checker reads the mixin as the form it is always mixed into.
if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class FilterForm(_Form):
    """A mixin for a list page's filter form: the fields named in `more_filters` fold under "More
    filters", open when one of them is in use."""

    more_filters: tuple[str, ...] = ()

    @property
    def more_in_use(self) -> bool:
        return any(self.data.get(name) for name in self.more_filters)

    def offer_archived(self, allowed: bool) -> Self:
        """Give those who may restore records (owners) an "Archived only" filter: the list then shows the
        archived records instead of the others. Call before the form is read."""
        if allowed:
            self.fields["archived"] = forms.BooleanField(label=_("Archived only"), required=False)
            self.more_filters = (*self.more_filters, "archived")
        return self

    @property
    def archived_only(self) -> bool:
        if "archived" not in self.fields or not self.is_bound:
            return False
        self.is_valid()  # reads the form; a field that does not read is left out of cleaned_data
        return bool(self.cleaned_data.get("archived"))
