"""What `leadrouter policy check` printed for a workspace that passed, kept to print again while
nothing the check depends on has changed.

A check compiles the policy and reads every account (about half a second on the acme example);
run again on the same files it gives the same lines. The key is a hash of the bytes of every file
the check reads (`workspace_files`), of leadrouter's own files (name, size, modification time:
an edited validator is a new key) and of the installed distributions' names and versions (the
country, phone and domain data the check uses come from them). A key that differs in anything
is a miss and the check runs in full; only a check that passed is kept, so problems are always
found afresh. One file in `.leadrouter-cache/` inside the workspace, which carries its own
.gitignore; a folder that cannot be written is simply not cached. It must never print anything
a full check would not.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import leadrouter

CACHE_DIR = ".leadrouter-cache"
_FILE = "policy-check.json"
_FORMAT = b"policy-check 1"


def check_key(files: Sequence[Path]) -> str:
    """The key of a check that reads `files`, with the code and libraries it runs on."""
    digest = hashlib.sha256(_FORMAT)
    for file in files:
        digest.update(f"\0{file.name}\0".encode())
        try:
            digest.update(hashlib.sha256(file.read_bytes()).digest())
        except OSError as error:  # absent (crm.yaml is optional) or unreadable: part of the key
            digest.update(f"unreadable: {error.strerror}".encode())
    digest.update(_code_and_libraries().encode())
    return digest.hexdigest()


def remembered(root: Path, key: str) -> list[str] | None:
    """The lines a passed check printed under `key`, or None."""
    if (root / CACHE_DIR).is_symlink():  # nor let one stand in for a check that never ran
        return None
    try:
        kept = json.loads((root / CACHE_DIR / _FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key:
        return None
    lines = kept.get("lines")
    return lines if isinstance(lines, list) and all(isinstance(x, str) for x in lines) else None


def remember(root: Path, key: str, lines: Sequence[str]) -> None:
    """Keep the lines of a passed check; a workspace that cannot be written keeps nothing."""
    folder = root / CACHE_DIR
    if folder.is_symlink():  # a link committed in a workspace must not aim our writes elsewhere
        return
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("# Made by leadrouter policy check.\n*\n")
        part = folder / f"{_FILE}.{os.getpid()}"
        part.write_text(json.dumps({"key": key, "lines": list(lines)}), encoding="utf-8")
        part.replace(folder / _FILE)  # whole or not at all, even with two checks at once
    except OSError:
        return


def _code_and_libraries() -> str:
    package = Path(leadrouter.__file__).parent
    parts = [sys.version, leadrouter.__version__]
    for folder, dirs, names in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            stat = os.stat(os.path.join(folder, name))
            parts.append(f"{folder[len(str(package)) :]}/{name} {stat.st_size} {stat.st_mtime_ns}")
    for entry in sys.path:
        if os.path.basename(entry) in ("site-packages", "dist-packages") and os.path.isdir(entry):
            parts.extend(sorted(n for n in os.listdir(entry) if n.endswith(".dist-info")))
    return "\n".join(parts)
