"""The WSGI application. `casebook serve` (waitress) serves `application` and reads forwarded
headers itself; gunicorn serves `served` (casebook/web/gunicorn_config.py says so), which
reads them from trusted proxies only."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casebook.settings")
application = get_wsgi_application()


def _served():
    from casebook.web.proxies import served_application

    return served_application(application)


served = _served()
