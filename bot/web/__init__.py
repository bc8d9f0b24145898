"""The bot's web pages, served by its own aiohttp server (bot.http.make_web_app calls `bot.web.app.setup_web`).

Importing this package costs nothing: chat handlers import `bot.web.settings`, `bot.web.links` and
`bot.web.signin`, which need only the standard library; aiohttp-jinja2 is loaded by `bot.web.app`.

Layout:
- `links`: signed, expiring tokens (sign / verify); `settings`: `[web]` and the shared secret, link counters;
- `base`: WEB_KEY (what pages need of the bot), `Refused`, `page_locale`, `render`;
- `security`: headers on every response, CSRF tokens (`csrf_token`, `checked_form`);
- `errors`: translated error pages; `static`: CSS with cache headers; `signin` (links) and `sessions`
  (pages, `current_rep`): sign-in for staff;
- `dashboard*`: the managers' dashboard (`/dash`).
Templates live in bot/web/templates (Jinja2, autoescaped; `base.html` is the layout every page extends).

Adding a page (e.g. a customer portal): write a handler that reads `request.app[WEB_KEY]`, verifies its
link with `links.verify(settings.secret, token, "<purpose>", clock())` (and the subject's counter with
`settings.link_version`), raises `Refused`/`not_found()` for anything not shown, renders a template
extending base.html, and checks POST forms with `checked_form(request, secret, <link token>)`; then add
its routes in a function called from `bot.web.app.setup_web` (or after it, on the same application).
"""
