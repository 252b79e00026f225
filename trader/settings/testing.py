"""Settings for the test suite: the real settings with the few overrides tests need.

The channel layer is in-memory so consumer tests need no Redis; tests that exercise the Redis layer
build one explicitly. Passwords hash fast because hashing strength is not under test.
"""

from __future__ import annotations

from trader.settings import *  # noqa: F403 -- test settings are the real ones plus overrides

CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True
