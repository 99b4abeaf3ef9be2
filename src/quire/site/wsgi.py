"""WSGI entry point, for `quire serve` and for any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quire.site.settings")

application = get_wsgi_application()
