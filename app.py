"""Start the Steunwijs web app: `python app.py` (the same as `steunwijs serve`).

Settings come from the environment (STEUNWIJS_*, GRADIO_SERVER_PORT) and .env; see the README.
"""

from steunwijs.settings import get_settings
from webapp.ui import serve

if __name__ == "__main__":
    serve(get_settings())
