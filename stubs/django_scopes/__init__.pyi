# Types for django-scopes 2.1, which ships none (issue 16): only what hamdeli.core.tenancy uses.
from .exceptions import ScopeError as ScopeError
from .manager import ScopedManager as ScopedManager
from .state import get_scope as get_scope
from .state import scope as scope
from .state import scopes_disabled as scopes_disabled

version: str
