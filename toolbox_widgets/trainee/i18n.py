"""The marker for trainee-facing text in code cells and in the package: ``_("…")``.

    from toolbox_widgets.trainee.i18n import _
    fig.update_layout(title=_("International migrants in the world"))

`mld build` extracts every string marked this way into the module's catalog template
(locales/<module>.pot), next to the notebook's Markdown. Mark whole sentences, never
pieces of one, and put numbers in with str.format after the lookup:
``_("{count} exercises are unanswered.").format(count=n)``.

Choosing the trainee's language at run time comes in a later phase; until then `_`
returns the English text.
"""

from __future__ import annotations

import gettext

_catalog: gettext.NullTranslations = gettext.NullTranslations()


def _(message: str) -> str:
    """The message in the trainee's language (English until a catalog is in use)."""
    return _catalog.gettext(message)
