"""Routers of the web app, one module per area (pages and API together)."""

from __future__ import annotations

from roshan.web.routes import audit, auth, dashboard, exports, imports, jobs, review, users, victims

ROUTERS = [
    auth.router,
    dashboard.router,
    victims.router,
    review.router,
    imports.router,
    jobs.router,
    exports.router,
    audit.router,
    users.router,
]
