import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tillit.settings")
application = get_wsgi_application()

# Loaded now rather than by the first request that needs them: the URLconf with every view,
# and matplotlib for the management overview's charts (about 2 s to import, which in the load
# test made each worker's first overview take 4 s).
import matplotlib.backends.backend_svg  # noqa: E402
import matplotlib.figure  # noqa: E402, F401

import tillit.urls  # noqa: E402, F401
from tillit.lib.collector import serve_requests  # noqa: E402

# What a web process loads at start-up lives as long as the process: frozen out of the cycle
# collector's reach, and the collector set up for requests (tillit.lib.collector). Without it,
# one API list of 500 contracts in six took 100–200 ms longer.
serve_requests()
