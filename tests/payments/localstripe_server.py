"""Run localstripe on 127.0.0.1 with its state file in a folder of our choosing.

``python -m tests.payments.localstripe_server PORT STATE_DIR``. The CLI listens on
every interface and always writes /tmp/localstripe.pickle, so parallel runs would
share state; this starts the same aiohttp app with both fixed.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

from aiohttp import web
from localstripe import resources
from localstripe.server import app


def main(port: int, state_dir: Path) -> None:
    state_file = state_dir / "localstripe.pickle"

    def dump_to_disk(store):
        with state_file.open("wb") as handle:
            pickle.dump(dict(store), handle, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.dump_to_disk = dump_to_disk
    resources.Store.try_load_from_disk = lambda store: None
    web.run_app(app, host="127.0.0.1", port=port, print=None)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]))
