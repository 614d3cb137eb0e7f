"""Command palette providers: one per concern."""

from __future__ import annotations

from functools import partial

from textual.command import Hit, Hits, Provider

from screens.safe import plain


class ConferenceCommands(Provider):
    """Switch between imported conferences."""

    async def search(self, query: str) -> Hits:
        app = self.app
        matcher = self.matcher(query)
        for conference in app.store.conferences():  # type: ignore[attr-defined]
            label = f"Conference: {conference.name}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(plain(label)),
                    partial(app.choose_conference, conference.id),  # type: ignore[attr-defined]
                    help=plain(f"{conference.first_day} to {conference.last_day}, {conference.timezone}"),
                )
