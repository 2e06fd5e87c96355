"""Make the repository importable as ansible_collections.ecommerce_demo.platform.

`make venv` links the repository root into .cache/collections; amazon.aws and the other collections
come from the virtualenv's site-packages. ansible_collections is a namespace package, so putting the
link's parent on sys.path joins both.
"""

import sys
from pathlib import Path

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_PATH = REPOSITORY_ROOT / ".cache" / "collections"

if not (COLLECTIONS_PATH / "ansible_collections" / "ecommerce_demo" / "platform").exists():
    raise RuntimeError(f"{COLLECTIONS_PATH} lacks the collection link; run `make venv` first")
if str(COLLECTIONS_PATH) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS_PATH))
