"""Start the dashboard: `python -m ui.serve [streamlit options]` is `streamlit run app.py …`
with Streamlit's old multipage mode switched off before the first visit.

Streamlit takes an app with a `pages/` folder beside its main script for an old-style multipage
app until a script run calls st.navigation (PagesManager.uses_pages_directory, set from the
folder's existence when the first session starts; st.navigation clears it for the process). The
first visit after a start is therefore resolved against the folder's file names: a link to
/import (pages/import_data.py) opened a "Page not found" dialog over the sign-in form, and a
link to /dictionary ran the page file without app.py (ui.context recovers from that). app.py's
navigation is explicit, so the flag is cleared here, before the server runs any script.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parents[1] / "app.py"


def main(options: list[str]) -> None:
    PagesManager.uses_pages_directory = False
    cli.main(["run", str(APP), *options], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
