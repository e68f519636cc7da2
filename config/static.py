"""Static files as production serves them: WhiteNoise's compressed, content-hashed copies, and a build that
fails when a file the pages need is missing.

Django's collectstatic only warns when a source folder is missing (the portal's stylesheet is built by npm,
GOV.UK Frontend comes from node_modules), and every page that names the file then fails at render time. So
after collecting, this storage checks that every file the project's own templates name with `{% static %}`,
and every module its own scripts import, was collected, and fails the build naming what is missing.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from whitenoise.storage import CompressedManifestStaticFilesStorage

_STATIC_TAG = re.compile(r"""\{%\s*static\s+["']([^"']+)["']""")
# `import … from "./x.js"` and `import "./x.js"` with a relative path, in the project's own modules.
_RELATIVE_IMPORT = re.compile(r"""\bimport\b[^"';]*?["'](\.{1,2}/[^"']+)["']""")
_SKIPPED_FOLDERS = {".venv", "node_modules", "staticfiles", ".git", ".local"}


def _project_files(pattern: str):
    root = Path(settings.BASE_DIR)
    for path in root.rglob(pattern):
        if not _SKIPPED_FOLDERS.intersection(path.relative_to(root).parts):
            yield path


def files_the_pages_need() -> set[str]:
    """Static names the project's templates refer to, plus what its collected scripts import."""
    needed = {
        name for template in _project_files("templates/**/*.html") for name in _STATIC_TAG.findall(template.read_text())
    }
    for script in _project_files("static/**/*.js"):
        name = script.relative_to(next(p for p in script.parents if p.name == "static")).as_posix()
        for target in _RELATIVE_IMPORT.findall(script.read_text()):
            needed.add(posixpath.normpath(posixpath.join(posixpath.dirname(name), target)))
    return needed


class CheckedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    def post_process(self, paths, dry_run=False, **options):
        yield from super().post_process(paths, dry_run=dry_run, **options)
        if dry_run:
            return
        missing = sorted(files_the_pages_need() - set(paths))
        if missing:
            yield (
                missing[0],
                None,
                ImproperlyConfigured(
                    "Static files the pages need were not collected: "
                    + ", ".join(missing)
                    + ". Build the portal's assets first (npm ci && npm run build), then collectstatic again."
                ),
            )
