"""pytest configuration for the system tests: they need a built nest."""
import os

import pytest

from nest import INITRAMFS, KERNEL, TEST_PROGRAMS


def pytest_collection_modifyitems(config, items):
    missing = [p for p in (KERNEL, INITRAMFS, TEST_PROGRAMS) if not os.path.exists(p)]
    if missing:
        for item in items:
            item.add_marker(pytest.mark.skip(reason="run `make` first: missing " + ", ".join(missing)))
