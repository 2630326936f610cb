import gc
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

# What a web process loads at start-up lives as long as the process. Frozen out of the cycle
# collector's reach, its full passes walk only what requests made: without this, one request
# in six of the API's list of 500 contracts took 100–200 ms longer, a full pass walking every
# module's objects inside it.
gc.collect()
gc.freeze()
