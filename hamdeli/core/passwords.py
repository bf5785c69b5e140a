"""The password rules (AUTH_PASSWORD_VALIDATORS): Django's four validators, saying what they refuse in
Hamdeli's own words, translated in core's catalogue, with numbers in the page's digits."""

from django.contrib.auth import password_validation as django_rules
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamdeli.core.digits import format_number


class MinimumLength(django_rules.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext("This password is too short: use at least %(count)s character.",
                        "This password is too short: use at least %(count)s characters.",
                        self.min_length) % {"count": format_number(self.min_length)}

    def get_help_text(self) -> str:
        return ngettext("At least %(count)s character.", "At least %(count)s characters.",
                        self.min_length) % {"count": format_number(self.min_length)}


class NotLikeTheAccount(django_rules.UserAttributeSimilarityValidator):
    def get_error_message(self) -> str:
        return _("This password is too much like your %(verbose_name)s.")

    def get_help_text(self) -> str:
        return _("Not like your user name, name or email address.")


class NotCommon(django_rules.CommonPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is one of the most common ones; choose one that is harder to guess.")

    def get_help_text(self) -> str:
        return _("Not a commonly used password.")


class NotOnlyDigits(django_rules.NumericPasswordValidator):
    def get_error_message(self) -> str:
        return _("This password is only digits; add letters or other signs.")

    def get_help_text(self) -> str:
        return _("Not only digits.")
