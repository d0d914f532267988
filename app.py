"""Start the Steunwijs web app: `python app.py` (the same as `steunwijs serve`).

Settings come from the environment (STEUNWIJS_*, GRADIO_SERVER_PORT) and .env; see the README.
A refusal to start (no editors while reachable from elsewhere, a broken passwords file) ends with
its Dutch message and exit code 1, as `steunwijs serve` does.
"""

import sys

from steunwijs.errors import SteunwijsError
from steunwijs.settings import get_settings
from webapp.ui import serve

if __name__ == "__main__":
    try:
        serve(get_settings())
    except SteunwijsError as error:
        print(f"Fout: {error.nl}", file=sys.stderr)
        sys.exit(error.exit_code)
