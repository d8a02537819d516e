"""Settings for benchmark servers: the product's settings plus the reference view's URL.

Used only by `bench/pages.py` (DJANGO_SETTINGS_MODULE=bench.settings); never in production.
"""

from casustafel.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
