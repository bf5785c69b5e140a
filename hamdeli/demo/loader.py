"""Loads the Isfahan 2020 demo, step by step; every step is idempotent, so running it twice adds nothing.

The story (shared/mission/story.md) gives the events; where the demo needs details the story does
not give (dates, names, quantities), it invents them and says so: they are illustrative, not fact.
"""

from dataclasses import dataclass, field

from django.utils.module_loading import import_string

from hamdeli.core.tenancy import scopes_disabled

DEMO_PASSWORD = "hamdeli-demo-2020"  # noqa: S105 - printed for the local demo on purpose

# Each step is a callable taking the DemoContext; later steps may use what earlier ones made.
STEPS = [
    "hamdeli.demo.partners.load",
    "hamdeli.demo.campaigns.load",
    "hamdeli.demo.correspondence.load",
    "hamdeli.demo.aid.load",
    "hamdeli.demo.practices.load",
]

ILLUSTRATIVE_NOTE = {
    "fa": "داده‌های نمایشی: رویدادها از گزارش خبری بهار ۱۳۹۹ است؛ تاریخ‌ها، نام‌ها و شمارها جز آنچه در "
    "خبر آمده، برای نمایش ساخته شده‌اند.",
    "en": "Demo data: the events come from the spring 2020 news report; dates, names and numbers that the "
    "report does not give are illustrative, not fact.",
}


@dataclass
class DemoContext:
    verbose: bool = False
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)  # username -> User
    cities: dict = field(default_factory=dict)  # key -> City
    partnerships: dict = field(default_factory=dict)  # key -> Partnership
    logins: list = field(default_factory=list)  # (org name, username, role)

    def say(self, message: str) -> None:
        if self.verbose:
            print(message)


def load_demo(*, verbose: bool = False) -> dict:
    context = DemoContext(verbose=verbose)
    # The demo builds several offices that work with each other (shipments, partners, the exchange).
    with scopes_disabled():
        for path in STEPS:
            import_string(path)(context)
    return {"password": DEMO_PASSWORD, "users": context.logins}
