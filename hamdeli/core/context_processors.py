from django.utils.translation import get_language, get_language_bidi


def hamdeli(request):
    return {
        "org": getattr(request, "org", None),
        "membership": getattr(request, "membership", None),
        "LANG": get_language(),
        "DIR": "rtl" if get_language_bidi() else "ltr",
    }
