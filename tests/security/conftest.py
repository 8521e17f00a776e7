"""Security tests reuse the dispatch cycle (rounds, 第1期 published) on the personas."""

from tests.dispatch_web.conftest import cycle  # noqa: F401  (fixture)
