"""A stylesheet that parses each CSS source once per theme.

Textual (pinned) re-tokenizes every CSS source of the app whenever a screen is
shown for the first time, and again when a widget class with its own CSS is
first mounted: two or three whole parses, 0.07-0.3 s each on a loaded 2-core
machine, were most of a screen's first visit. A source's rules depend only on
its text and the CSS variables, so this keeps the parsed rules while the
variables stay the same and parses only the sources that are new; a theme
change (new variables) parses everything again, as Textual does.
"""

from __future__ import annotations

from textual.css.stylesheet import Stylesheet


class ParseOnceStylesheet(Stylesheet):
    def __init__(self, *, variables: dict[str, str] | None = None) -> None:
        super().__init__(variables=variables)
        self._parsed_with: dict[str, str] | None = None  # the variables the rules were parsed with

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return  # the same theme: keep the parsed rules (Textual clears its parse cache here)
        super().set_variables(variables)

    def parse(self) -> None:
        super().parse()  # sources already parsed come from the parse cache
        self._parsed_with = dict(self._variables)

    def reparse(self) -> None:
        # Textual parses into a fresh stylesheet (no cache); on a mistake parse() raises before it
        # replaces the rules, so this one stays whole just the same.
        if self._require_parse or self._parsed_with != self._variables:
            self.parse()  # after set_variables the cache is empty; otherwise only new sources are tokenized
