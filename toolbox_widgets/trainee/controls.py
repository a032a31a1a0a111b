"""Controls a practitioner can use with the keyboard alone.

ipywidgets' radio buttons and checkboxes are not real ARIA groups, and the keys typed
into them reach JupyterLab's command mode: an arrow key moves to the next cell, "b"
inserts a cell (ipywidgets issue #3912). So:

* ``ChoiceGroup`` is a small anywidget: a radio group or a checkbox group with ARIA
  roles, one tab stop (roving tabindex), arrows to move, Space or Enter to choose, and
  options that wrap instead of being cut. The choice reaches Python as a traitlet
  change (``selected``), which the exercise observes and saves as before.
* ``KeyGuard`` sits inside each exercise and stops the keys typed into any of its
  controls (menus, text boxes, buttons) before JupyterLab sees them. Shortcuts with
  Ctrl, Alt or Meta (Ctrl+S to save) still reach JupyterLab, and Escape gives the focus
  back to the notebook cell, where the arrow keys move between cells again.
  It also brings the course's CSS (aligned menus, wrapping labels, the "Saved" tag).
"""

from __future__ import annotations

import html

import anywidget
import traitlets

# Keys are stopped on their way up (JupyterLab 4 listens in the bubbling phase).
_STOP_KEYS = """
function stopKeys(node) {
  node.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      // Escape leaves the exercise: the notebook's cell gets the focus back, so the
      // arrow keys move between cells again.
      const cell = node.closest(".jp-Cell");
      if (cell) cell.focus();
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    event.stopPropagation();
  });
}
"""

CHOICE_JS = _STOP_KEYS + """
function render({ model, el }) {
  const group = document.createElement("div");
  group.className = "mld-choice";
  el.appendChild(group);
  stopKeys(el);
  let current = 0;  // the option that holds the group's one tab stop
  let items = [];

  const chosen = () => new Set(model.get("selected"));
  const multiple = () => model.get("multiple");

  function choose(index) {
    if (model.get("disabled")) return;  // a locked choice stays as it is
    if (multiple()) {
      const now = chosen();
      now.has(index) ? now.delete(index) : now.add(index);
      model.set("selected", [...now].sort((a, b) => a - b));
    } else {
      model.set("selected", [index]);
    }
    model.save_changes();
  }

  function focusOn(index) {
    current = (index + items.length) % items.length;
    items.forEach((item, i) => { item.tabIndex = i === current ? 0 : -1; });
    items[current].focus();
  }

  function update() {
    const now = chosen();
    group.setAttribute("aria-disabled", model.get("disabled") ? "true" : "false");
    if (!multiple() && now.size && document.activeElement !== items[current]) {
      current = [...now][0];  // a radio group's tab stop is its checked option
    }
    items.forEach((item, i) => {
      const on = now.has(i);
      item.setAttribute("aria-checked", on ? "true" : "false");
      item.tabIndex = i === current ? 0 : -1;
      item.querySelector(".mld-choice-mark").textContent =
        multiple() ? (on ? "☑" : "☐") : (on ? "◉" : "○");
    });
  }

  function draw() {
    group.setAttribute("role", multiple() ? "group" : "radiogroup");
    group.setAttribute("aria-label", model.get("label"));
    group.replaceChildren();
    items = model.get("options").map((text, index) => {
      const item = document.createElement("div");
      item.className = "mld-choice-option";
      item.setAttribute("role", multiple() ? "checkbox" : "radio");
      const mark = document.createElement("span");
      mark.className = "mld-choice-mark";
      mark.setAttribute("aria-hidden", "true");
      const words = document.createElement("span");
      words.className = "mld-choice-text";
      words.textContent = text;
      item.append(mark, words);
      item.addEventListener("click", () => { focusOn(index); choose(index); });
      item.addEventListener("keydown", (event) => {
        const moves = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };
        if (event.key in moves) focusOn(index + moves[event.key]);
        else if (event.key === "Home") focusOn(0);
        else if (event.key === "End") focusOn(items.length - 1);
        else if (event.key === " " || event.key === "Enter") choose(index);
        else return;
        event.preventDefault();  // no page scroll, no click on a button below
      });
      group.appendChild(item);
      return item;
    });
    current = Math.min(current, Math.max(items.length - 1, 0));
    update();
  }

  // A stepper's lock: a button in this same model, so the lock travels with the choice
  // (a separate button's click could reach the kernel before the last choice did).
  let lock = null;  // drawn only for a group that has a lock label
  function showLock() {
    if (!model.get("lock_label")) {
      if (lock) { lock.remove(); lock = null; }
      return;
    }
    if (!lock) {
      lock = document.createElement("button");
      lock.className = "mld-lock jupyter-button";
      lock.addEventListener("click", () => {
        if (model.get("disabled")) return;  // locked; with nothing chosen, Python says so
        model.set("lock_pressed", model.get("lock_pressed") + 1);
        model.save_changes();
      });
      el.appendChild(lock);
    }
    lock.textContent = model.get("lock_label");
    lock.disabled = model.get("disabled");
  }
  model.on("change:lock_label", showLock);
  model.on("change:disabled", showLock);
  showLock();

  model.on("change:selected", update);
  model.on("change:options", draw);
  model.on("change:multiple", draw);
  model.on("change:label", draw);
  model.on("change:disabled", update);
  draw();
}
export default { render };
"""

GUARD_JS = _STOP_KEYS + """
function render({ el }) {
  el.className = "mld-key-guard";
  // The guard is drawn before its exercise is in the page: wait for the exercise.
  let tries = 0;
  const attach = () => {
    const exercise = el.closest(".mld-exercise");
    if (exercise) {
      if (!exercise.dataset.mldKeys) { exercise.dataset.mldKeys = "stopped"; stopKeys(exercise); }
    } else if (tries++ < 600) {
      requestAnimationFrame(attach);
    }
  };
  attach();
}
export default { render };
"""

COURSE_CSS = """
.mld-choice { display: flex; flex-direction: column; gap: 0.15em; margin: 0.2em 0; }
.mld-choice-option { display: flex; align-items: flex-start; gap: 0.5em; padding: 0.2em 0.4em;
  border-radius: 4px; cursor: pointer; white-space: normal; line-height: 1.4;
  color: var(--jp-ui-font-color0, #111); max-width: 60em; }
.mld-choice-option:hover { background: var(--jp-layout-color2, #eee); }
.mld-choice-option:focus { outline: 2px solid var(--jp-brand-color1, #1565c0);
  outline-offset: 1px; }
.mld-choice-option[aria-checked="true"] { font-weight: 600; }
.mld-choice[aria-disabled="true"] .mld-choice-option { cursor: default; }
.mld-choice[aria-disabled="true"] .mld-choice-option:hover { background: none; }
.mld-lock { width: auto; margin: 0.3em 0; padding: 0 1em; }
.mld-choice-mark { flex: none; width: 1.2em; font-size: 1.1em; line-height: 1.25; }
.mld-key-guard { display: none; }
/* Matching and ordering: one row per item, its label beside its menu, all menus in line. */
.mld-rows { display: grid !important; grid-template-columns: minmax(10em, 26em) minmax(12em, 1fr);
  gap: 0.35em 1em; align-items: center; max-width: 60em; }
.mld-rows > .widget-dropdown { display: contents; }
.mld-rows .widget-label { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; width: auto !important; max-width: none !important;
  height: auto !important; line-height: 1.35 !important; text-align: left !important; }
.mld-rows select { width: 100%; }
.mld-exercise .widget-label, .mld-exercise .widget-html-content { white-space: normal; }
.mld-tag { display: inline-block; padding: 0 0.35em; border: 1px solid currentColor;
  border-radius: 3px; font-size: 0.9em; font-weight: 600; }
"""


class ChoiceGroup(anywidget.AnyWidget):
    """A radio group (one choice) or a checkbox group (any number of choices)."""

    _esm = CHOICE_JS
    _css = COURSE_CSS
    label = traitlets.Unicode("").tag(sync=True)  # the group's name for screen readers
    options = traitlets.List(traitlets.Unicode()).tag(sync=True)
    multiple = traitlets.Bool(False).tag(sync=True)
    selected = traitlets.List(traitlets.Int()).tag(sync=True)  # indices of chosen options
    # A locked choice: still readable and focusable, no longer changed by a click or a key.
    disabled = traitlets.Bool(False).tag(sync=True)
    # With a label, a "lock" button under the options: each press counts up lock_pressed
    # (in this model, so it reaches Python after the choice it locks).
    lock_label = traitlets.Unicode("").tag(sync=True)
    lock_pressed = traitlets.Int(0).tag(sync=True)


class KeyGuard(anywidget.AnyWidget):
    """Keeps the keys typed into an exercise's controls away from JupyterLab."""

    _esm = GUARD_JS
    _css = COURSE_CSS


def literal_dollars(text: str) -> str:
    """HTML for text whose `$` must show as typed, never as maths.

    JupyterLab typesets `$...$` in widget labels and HTML with MathJax, which never
    pairs delimiters across elements: each `$` in its own element stays a dollar sign.
    """
    return html.escape(text).replace("$", '<span class="tex2jax_ignore">$</span>')
