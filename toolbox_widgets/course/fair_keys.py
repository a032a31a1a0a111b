"""The fair-key audit: warnings when the keys of a module's choice items give themselves away.

A trainee who has not understood can still guess well when the key is usually the longest
option, or usually sits in the same place. This reads the keys recorded from the
instructor's notebooks (written_once.course_keys) and warns; it never stops the build.
"""

from __future__ import annotations

CHOICE_KINDS = ("single_choice", "multiple_choice")
ENOUGH_ITEMS = 4  # fewer choice items than this in a module say nothing about a pattern


def _key_positions(definition: dict, key) -> list[int] | None:
    """The authored positions (0, 1, …) of the key's options; None if the key is unreadable."""
    ids = list(definition["options"])
    keys = [key] if isinstance(key, str) else key
    if not all(one in ids for one in keys):
        return None
    return [ids.index(one) for one in keys]


def choice_items(keys_by_notebook: dict[str, dict]) -> list[dict]:
    """One record per graded choice item: where it is, its option lengths and key positions."""
    items = []
    for notebook, cells in sorted(keys_by_notebook.items()):
        for cell in cells.values():
            definition = cell["definition"]
            if definition["kind"] not in CHOICE_KINDS:
                continue
            positions = _key_positions(definition, cell["key"])
            if positions is None:
                continue
            items.append({"where": f"{notebook} {definition['id']}", "kind": definition["kind"],
                          "lengths": [len(o) for o in definition["options"].values()],
                          "keys": positions})
    return items


def warnings(module: str, items: list[dict]) -> list[str]:
    """Plain sentences for the author: each names the module, the pattern and the fix."""
    found = []
    longest = [item["where"] for item in items
               if {i for i, n in enumerate(item["lengths"]) if n == max(item["lengths"])}
               <= set(item["keys"])]
    if len(items) >= ENOUGH_ITEMS and len(longest) > len(items) / 2:
        found.append(
            f"{module}: in {len(longest)} of its {len(items)} choice items the longest option "
            f"is a key ({', '.join(longest)}), so length gives the answer away. Lengthen a "
            "wrong option or shorten the key.")
    singles = [item["keys"][0] for item in items if item["kind"] == "single_choice"]
    if len(singles) >= ENOUGH_ITEMS:
        counts = {p + 1: singles.count(p) for p in sorted(set(singles))}
        if len(counts) < 3 or max(counts.values()) > len(singles) / 2:
            spread = ", ".join(f"position {p}: {n}" for p, n in counts.items())
            found.append(
                f"{module}: its {len(singles)} single-choice keys cluster on few positions "
                f"({spread}). Move some keys to other positions.")
    return found
