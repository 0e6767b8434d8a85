"""Run a command inside the application (config, database) without a request."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


def with_app(func: F) -> F:
    """Decorator: build the app, push its context, then call the command.

    The app is imported here, not at module level, so commands that need no
    database (`cfw score`, `cfw rules`) stay fast.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from flask import current_app, has_app_context

        if has_app_context():  # tests invoke commands inside their own app
            return func(*args, **kwargs)
        from survey_app.app import create_app

        app = create_app()
        with app.app_context():
            assert current_app
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]
