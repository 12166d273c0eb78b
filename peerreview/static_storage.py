"""The static files' storage with debug off: WhiteNoise's compressed, hashed files, each file's address worked out
once a process.

The manifest of hashed names is read when the process starts and does not change while it runs, yet Django works
an address out again at every `{% static %}`: the layout's five took a quarter of a millisecond a page. The
addresses are kept per storage object, which Django replaces when a static setting changes; one missing from the
manifest is still refused every time, as Django refuses it. Collecting the files again in the same process (as
Django's storage then reads its new names) forgets them.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

KEPT = 4096  # addresses a process keeps: far more than the site has files


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._addresses: dict[tuple[str, bool], str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        key = (name, settings.DEBUG)  # with debug on, Django gives the name unhashed
        address = self._addresses.get(key)
        if address is None:
            address = super().url(name)
            if len(self._addresses) < KEPT:
                self._addresses[key] = address
        return address

    def post_process(self, *args, **kwargs):
        self._addresses.clear()
        yield from super().post_process(*args, **kwargs)
        self._addresses.clear()
