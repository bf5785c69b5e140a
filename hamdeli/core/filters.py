"""What the filter forms of the list pages share (core/filter_fields.html draws them)."""


class FilterForm:
    """A mixin for a list page's filter form: the fields named in `more_filters` fold under "More
    filters", open when one of them is in use."""

    more_filters: tuple[str, ...] = ()

    @property
    def more_in_use(self) -> bool:
        return any(self.data.get(name) for name in self.more_filters)
