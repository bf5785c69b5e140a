"""`hamdeli calendar upcoming`: the occasions to write for soon, with the suggested letter; `hamdeli calendar
remind`: send the day's reminder emails now (the worker does it each day by itself)."""

from hamdeli.core.tenancy import across_offices


def _upcoming(args) -> int:
    from django.utils import translation

    from hamdeli.core import selectors as core
    from hamdeli.core.dates import format_date
    from hamdeli.correspondence import calendar

    org = core.office(args.org)
    if org is None:
        print(f"No organization with the short name {args.org!r}.")
        return 2
    with translation.override(args.lang):
        reminders = calendar.reminders(org=org, lead_days=args.days)
        for r in reminders:
            o = r.occurrence
            status = "estimated" if o.estimated else "official"
            template = f" — template: {r.template.name}" if r.template else ""
            local = f" [{o.local_title}]" if o.local_title else ""
            city = f"{o.cities}: " if o.partnerships else ""
            print(f"{format_date(o.on, args.lang, 'short')}  {city}{o.title}{local}  ({status}; "
                  f"suggested letter: {o.occasion_label}{template})")
        if not reminders:
            print("No occasion in this period.")
    return 0


@across_offices("the reminder run goes through every office, each in its own scope")
def _remind(args) -> int:
    import datetime as dt

    from hamdeli.core.dates import today
    from hamdeli.correspondence import reminders

    try:
        day = dt.date.fromisoformat(args.day) if args.day else today()
    except ValueError:
        print(f"not a date (YYYY-MM-DD): {args.day!r}")
        return 2
    sent, failed = reminders.send_reminders(day=day)
    print(f"{sent} reminder email(s) sent for {day.isoformat()}; {failed} failed")
    return 1 if failed else 0


def register(sub) -> None:
    calendar_parser = sub.add_parser("calendar", help="the protocol calendar")
    commands = calendar_parser.add_subparsers(dest="calendar_command", required=True)
    p = commands.add_parser("upcoming", help="occasions within the reminder lead time, with the letter to write")
    p.add_argument("--org", default="isfahan", help="the organization's short name (default: isfahan)")
    p.add_argument("--days", type=int, default=None, help="look this many days ahead (default: the lead time)")
    p.add_argument("--lang", default="en", choices=["fa", "en"])
    p.set_defaults(handler=_upcoming)
    p = commands.add_parser("remind", help="send the day's reminder emails now (members already sent one are skipped)")
    p.add_argument("--day", default="", help="the day, YYYY-MM-DD (default: today)")
    p.set_defaults(handler=_remind)
