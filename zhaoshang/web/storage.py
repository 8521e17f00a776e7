"""Static files: compressed copies for whitenoise, made again only for files that changed."""

import os

from whitenoise.storage import CompressedStaticFilesStorage


class StaticStorage(CompressedStaticFilesStorage):
    """Every `serve` collects static files; only new or changed ones are compressed again.

    Compressing all of them (ECharts with brotli among them) took about 15 s of
    CPU at every start; an unchanged file keeps the .gz beside it from last time.
    """

    def post_process(self, paths, dry_run=False, **options):
        changed = {path: value for path, value in paths.items() if self._stale(path)}
        yield from super().post_process(changed, dry_run=dry_run, **options)

    def _stale(self, path: str) -> bool:
        source = self.path(path)
        compressed = source + ".gz"
        try:
            return os.path.getmtime(compressed) < os.path.getmtime(source)
        except OSError:
            return True
