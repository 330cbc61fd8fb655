"""A faithful local HeyGen and JoggAI for CI: scripted render timelines over the vendors' own specs."""

from .app import create_app
from .catalog import VERSION as __version__
from .errors import ConfigError

__all__ = ["ConfigError", "__version__", "create_app"]
