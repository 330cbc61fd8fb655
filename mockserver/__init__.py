"""A faithful local HeyGen and JoggAI for CI: scripted render timelines over the vendors' own specs.

The package root imports lazily, so `import mockserver.spec` reads specs without loading
the web server: `create_app` and `strategies` are looked up on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = ["ConfigError", "__version__", "create_app", "strategies"]

_LAZY = {
    "__version__": ("mockserver.spec.version", "VERSION"),
    "create_app": ("mockserver.server.app", "create_app"),
    "ConfigError": ("mockserver.spec.errors", "ConfigError"),
    "strategies": ("mockserver.kit.strategies", None),
}


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'mockserver' has no attribute '{name}'")
    module, attr = _LAZY[name]
    found = import_module(module)
    return getattr(found, attr) if attr else found
