"""Notebooks that open unmodified wherever the trainee's JupyterLab runs, the hub included.

JupyterLab replaces a notebook's ``language_info`` with the kernel's as soon as the kernel
starts; when the two differ, a notebook the trainee has not touched shows as modified (●).
``course.py open`` rewrites the trainee's copies once (``trainee_setup.match_kernel``), but
on a hub notebooks arrive later (nbgrader's Assignments panel, nbgitpuller). So the hub's
trainee servers use this contents manager, which hands every Python notebook to JupyterLab
with this kernel's ``language_info`` already in it. Nothing is written to disk on opening;
JupyterLab saves the same value anyway.

    {"ServerApp": {"contents_manager_class":
        "toolbox_widgets.course.trainee_contents.TraineeContentsManager"}}
"""

from __future__ import annotations

from functools import lru_cache

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager


@lru_cache(maxsize=1)
def _language_info() -> dict:
    from .trainee_setup import kernel_language_info
    return kernel_language_info()


def with_kernel_language_info(notebook) -> None:
    """Give a Python notebook this kernel's language_info (other languages are left alone)."""
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return
    spec = metadata.get("kernelspec") or {}
    language = spec.get("language") or (metadata.get("language_info") or {}).get("name")
    if language in (None, "python"):
        metadata["language_info"] = dict(_language_info())


class TraineeContentsManager(AsyncLargeFileManager):
    """JupyterLab's default contents manager, with notebooks matched to the kernel on read."""

    async def get(self, path, content=True, type=None, format=None, **kwargs):
        model = await super().get(path, content=content, type=type, format=format, **kwargs)
        if model.get("type") == "notebook" and model.get("content"):
            with_kernel_language_info(model["content"])
        return model
