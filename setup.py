"""The build compiles the French catalogue (addon/translations/*/LC_MESSAGES/messages.po, with
Babel) into the package: a wheel serves French without `make`, and an editable install gets the
.mo beside its .po. Everything else about the package is in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
CATALOGUES = "addon/translations/*/LC_MESSAGES/messages.po"


def compile_catalogues(source: Path = ROOT, target: Path = ROOT) -> list[Path]:
    """Each messages.po under `source` as messages.mo at the same place under `target`,
    as `pybabel compile` does (fuzzy entries left out); returns the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob(CATALOGUES)):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as text:
            catalogue = read_po(text, locale=po.parts[-3])
        with mo.open("wb") as binary:
            write_mo(binary, catalogue)
        written.append(mo)
    return written


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        super().run()
        editable = getattr(self, "editable_mode", False)
        compile_catalogues(ROOT, ROOT if editable else Path(self.build_lib))


if __name__ == "__main__":
    setup(cmdclass={"build_py": BuildWithCatalogues})
