"""Settings for the test suite: the production module with the testing switch on."""

import os

os.environ.setdefault("ECOZONE_TESTING", "1")

from config.settings import *  # noqa: F403

# Hashing passwords with PBKDF2 would dominate the suite's run time.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
