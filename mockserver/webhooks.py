"""The public home of `verify_signature`, for testing your own webhook receiver.

`from mockserver.webhooks import verify_signature` keeps working; the code is the engine's.
"""

from .engine.webhooks import sign, verify_signature

__all__ = ["sign", "verify_signature"]
