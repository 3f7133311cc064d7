"""The frame's state: language and global filters, kept in the URL (Streamlit-aware).

A widget's key disappears from session_state on a page that does not draw it, so the values live
under our own keys (`_state`), widget keys are re-seeded from them on every run, and everything
is mirrored into `st.query_params`: a reload or a pasted link reproduces the view.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from db.filters import Filters
from ui.i18n import CHANNEL_LABELS, CUSTOMER_TYPE_LABELS, DEFAULT_LANG, LANGS, label, t
from ui.periods import DEFAULT_PRESET, PRESETS, preset_window

_STATE = "_state"
# URL parameter for each list filter.
_LIST_PARAMS = {"project": "project_ids", "group": "group_ids", "source": "source_channels",
                "ctype": "customer_types"}


@dataclass(frozen=True)
class Choices:
    """What the filters can choose from, read from the database."""

    as_of: date
    projects: dict[str, str]          # id → name
    groups: dict[str, str]            # id → name
    sources: tuple[str, ...]
    customer_types: tuple[str, ...]


def _state() -> dict:
    if _STATE not in st.session_state:
        st.session_state[_STATE] = _state_from_url()
    return st.session_state[_STATE]


def _state_from_url() -> dict:
    params = st.query_params
    state = {"lang": params.get("lang", DEFAULT_LANG), "preset": params.get("preset", DEFAULT_PRESET),
             "start": params.get("from"), "end": params.get("to"),
             "privacy": params.get("privacy") == "1", "presentation": params.get("present") == "1"}
    if state["lang"] not in LANGS:
        state["lang"] = DEFAULT_LANG
    if state["preset"] not in PRESETS:
        state["preset"] = DEFAULT_PRESET
    for param, key in _LIST_PARAMS.items():
        raw = params.get(param, "")
        state[key] = tuple(value for value in raw.split(",") if value)
    return state


def current_lang() -> str:
    return _state()["lang"]


def language_switch() -> str:
    """The 中文/English switch; returns the language in force for this run."""
    state = _state()
    st.session_state["w_lang"] = state["lang"]
    st.radio(t("language", state["lang"]), LANGS, key="w_lang", horizontal=True,
             format_func=lambda code: "中文" if code == "zh" else "English",
             on_change=lambda: state.update(lang=st.session_state["w_lang"]))
    return state["lang"]


def privacy_switch(lang: str, forced_by: str | None = None) -> bool:
    """The 隐私模式 toggle (pseudonyms, masked phones, hidden notes), kept in the URL.

    `forced_by` (a reason text) shows it on and locked: the role may not see personal data, or a
    manager switched it on for every viewer.
    """
    if forced_by:
        st.toggle(t("privacy_mode", lang), value=True, disabled=True, key="w_privacy_forced",
                  help=t("ac_privacy_forced", lang, by=forced_by))
        return True
    state = _state()
    st.session_state["w_privacy"] = state["privacy"]
    st.toggle(t("privacy_mode", lang), key="w_privacy", help=t("privacy_help", lang),
              on_change=lambda: state.update(privacy=st.session_state["w_privacy"]))
    if state["privacy"]:
        st.query_params["privacy"] = "1"
    elif "privacy" in st.query_params:
        del st.query_params["privacy"]
    return state["privacy"]


def presentation_mode() -> bool:
    return _state()["presentation"]


def set_presentation(on: bool) -> None:
    """Switch 演示模式 on or off; kept in the URL (`present=1`) so a shared link opens it."""
    _state()["presentation"] = on
    if on:
        st.query_params["present"] = "1"
    elif "present" in st.query_params:
        del st.query_params["present"]


def presentation_switch(lang: str) -> bool:
    """The sidebar toggle that hides the sidebar and header and enlarges all text."""
    state = _state()
    st.session_state["w_presentation"] = state["presentation"]
    st.toggle(t("presentation_mode", lang), key="w_presentation", help=t("presentation_help", lang),
              on_change=lambda: set_presentation(st.session_state["w_presentation"]))
    return state["presentation"]


def _sync(state_key: str, widget_key: str):
    return lambda: _state().update({state_key: st.session_state[widget_key]})


def _multiselect(label: str, options: dict[str, str], state_key: str) -> None:
    state = _state()
    valid = tuple(value for value in state[state_key] if value in options)
    state[state_key] = valid
    widget_key = f"w_{state_key}"
    st.session_state[widget_key] = list(valid)
    st.multiselect(label, list(options), key=widget_key, format_func=lambda key: options[key],
                   placeholder=t("all", current_lang()),
                   on_change=lambda: state.update({state_key: tuple(st.session_state[widget_key])}))


def _window(choices: Choices, lang: str) -> tuple[date, date]:
    state = _state()
    st.session_state["w_preset"] = state["preset"]
    st.selectbox(t("period", lang), PRESETS, key="w_preset",
                 format_func=lambda preset: t(f"preset_{preset}", lang),
                 on_change=_sync("preset", "w_preset"))
    if state["preset"] != "custom":
        return preset_window(state["preset"], choices.as_of)
    default = preset_window(DEFAULT_PRESET, choices.as_of)
    start = _parse_date(state["start"]) or default[0]
    end = _parse_date(state["end"]) or default[1]
    st.session_state["w_range"] = (start, end)
    picked = st.date_input(t("date_range", lang), key="w_range", max_value=choices.as_of,
                           on_change=lambda: _store_range(st.session_state["w_range"]))
    if isinstance(picked, tuple) and len(picked) == 2:
        return picked[0], picked[1]
    return start, end


def _store_range(picked) -> None:
    if isinstance(picked, tuple) and len(picked) == 2:
        _state().update(start=picked[0].isoformat(), end=picked[1].isoformat())


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def global_filters(choices: Choices, lang: str) -> Filters:
    """Draw the sidebar filters and return what they select; mirrors them into the URL."""
    st.subheader(t("filters", lang))
    start, end = _window(choices, lang)
    _multiselect(t("project", lang), choices.projects, "project_ids")
    _multiselect(t("groups", lang), choices.groups, "group_ids")
    _multiselect(t("source_channel", lang), {s: label(CHANNEL_LABELS, s, lang) for s in choices.sources}, "source_channels")
    _multiselect(t("customer_type", lang), {c: label(CUSTOMER_TYPE_LABELS, c, lang)
                                                     for c in choices.customer_types}, "customer_types")
    if st.button(t("reset_filters", lang), width="stretch"):
        _reset()
        st.rerun()
    state = _state()
    filters = Filters(start, end, state["project_ids"], state["group_ids"],
                      state["source_channels"], state["customer_types"])
    _mirror_to_url(filters)
    return filters


def _reset() -> None:
    lang = current_lang()
    privacy = _state()["privacy"]   # reset clears filters, never switches privacy off by surprise
    st.session_state[_STATE] = {"lang": lang, "preset": DEFAULT_PRESET, "start": None, "end": None,
                                "privacy": privacy, "presentation": False,
                                **{key: () for key in _LIST_PARAMS.values()}}


def _mirror_to_url(filters: Filters) -> None:
    state = _state()
    wanted = {"lang": state["lang"], "preset": state["preset"]}
    if state["preset"] == "custom":
        wanted |= {"from": filters.start.isoformat(), "to": filters.end.isoformat()}
    for param, key in _LIST_PARAMS.items():
        if state[key]:
            wanted[param] = ",".join(state[key])
    for param in ("lang", "preset", "from", "to", *_LIST_PARAMS):
        if param in wanted:
            if st.query_params.get(param) != wanted[param]:
                st.query_params[param] = wanted[param]
        elif param in st.query_params:
            del st.query_params[param]
