"""Static files outside DEBUG: WhiteNoise's compressed, hashed (manifest) storage, which
never fails a page for a file that `collectstatic` has not collected yet.

Django's manifest storage raises "Missing staticfiles manifest entry" for a name it has
not hashed, so before `collectstatic` (gunicorn started by hand, a fresh var/) every
page — the 500 and 503 pages too — failed to render. Here such a name keeps its plain
URL, which WhiteNoise serves from the app's static folders (settings: its finders are
used while no manifest exists). `kechuang serve` collects first, so pages get hashed,
long-cached URLs there."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected (no manifest, or a file added since)
            return name
