"""The layering rules that import-linter cannot see (docs/architecture.md, "Which tool enforces which rule").

import-linter (`lint-imports`, pyproject's contracts) holds the direction of imports between the apps. It
cannot see an app reading another app's table: importing a sibling's model to name it in a type or a
foreign key is fine, but `<Model>.objects` of another app's model belongs in that app's selectors (reads)
or services (writes). This test parses every module of hamdeli/ and fails on such a use."""

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "hamdeli"
MANAGERS = {"objects", "_default_manager", "_base_manager"}

# The demo sits above every app and builds its scenario from them all (it reads back its own fixtures).
ALLOWED_PACKAGES = {"hamdeli/demo"}

# Uses not yet moved to the owning app's selectors or services (file, model): this list may only shrink. An
# entry no longer found fails the test too, so that it is taken off.
NOT_YET_MOVED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Use:
    path: str
    line: int
    expression: str  # Network.objects
    app: str  # the model's app

    @property
    def model(self) -> str:
        return self.expression.split(".")[-2]

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.expression} (a model of {self.app})"


def _owner(module: str) -> str | None:
    """The app of `hamdeli.<app>.models…`, else None."""
    parts = module.split(".")
    if len(parts) >= 3 and parts[0] == "hamdeli" and parts[2] == "models":
        return parts[1]
    return None


def foreign_manager_uses(path: Path) -> list[Use]:
    """`file:line Model.objects` for each manager of another app's model used in the file."""
    relative = path.relative_to(ROOT.parent)
    app = relative.parts[1] if len(relative.parts) > 2 else None  # hamdeli/cli.py belongs to no app
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    models: dict[str, str] = {}  # a name bound to a model class -> its app
    modules: dict[str, str] = {}  # a name bound to a models module -> its app
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            owner = _owner(node.module)
            for alias in node.names:
                if owner:
                    models[alias.asname or alias.name] = owner
                elif alias.name == "models" and node.module.startswith("hamdeli."):
                    modules[alias.asname or alias.name] = node.module.split(".")[1]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname and _owner(alias.name):
                    modules[alias.asname] = _owner(alias.name)
    # `Model.objects.none()` reads nothing (a form field's placeholder until the form knows its org).
    empty = {id(node.func.value) for node in ast.walk(tree) if isinstance(node, ast.Call)
             and isinstance(node.func, ast.Attribute) and node.func.attr == "none"}
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in MANAGERS) or id(node) in empty:
            continue
        target, owner = node.value, None
        if isinstance(target, ast.Name):
            owner = models.get(target.id)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            owner = modules.get(target.value.id)
        if owner and owner != app:
            found.append(Use(str(relative), node.lineno, ast.unparse(node), owner))
    return found


def test_no_app_reads_another_apps_tables():
    uses = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT.parent).as_posix()
        if "migrations" in path.parts or any(relative.startswith(p + "/") for p in ALLOWED_PACKAGES):
            continue
        uses += foreign_manager_uses(path)
    new = [str(use) for use in uses if (use.path, use.model) not in NOT_YET_MOVED]
    assert new == [], "use the owning app's selectors or services instead:\n" + "\n".join(new)
    gone = NOT_YET_MOVED - {(use.path, use.model) for use in uses}
    assert not gone, f"moved at last: take these off NOT_YET_MOVED: {sorted(gone)}"


def test_the_check_sees_a_foreign_manager(tmp_path, monkeypatch):
    app = tmp_path / "hamdeli" / "practices"
    app.mkdir(parents=True)
    module = app / "sample.py"
    module.write_text("from hamdeli.partners.models import Network\n"
                      "from hamdeli.practices.models import Practice\n"
                      "from hamdeli.aid import models as aid_models\n"
                      "a = Network.objects.first()\nb = Practice.objects.first()\n"
                      "c = aid_models.Pledge.objects.all()\nd = Network.objects.none()\n")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path / "hamdeli")
    assert [str(use) for use in foreign_manager_uses(module)] == [
        "hamdeli/practices/sample.py:4 Network.objects (a model of partners)",
        "hamdeli/practices/sample.py:6 aid_models.Pledge.objects (a model of aid)",
    ]


def test_an_imported_offices_ledger_is_verified():
    """core.office_archive imports no app above core: aid registers its ledger's check instead."""
    from hamdeli.aid.verify import verify
    from hamdeli.core import office_archive

    assert verify in office_archive.CHECKS
