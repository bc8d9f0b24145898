"""The customer portal and the customer's voice on delivery projects (issue #15).

- `voice`: file a change request, rate a milestone (the use case the portal and mail replies call);
- `decisions`: deciding a change request in chat (its effect on dates and price);
- `links`: the signed portal link of a project; `view`: what a project page shows;
- `pages`: `GET /p/<token>` and its forms; `team`: `GET /team/projects/<id>` for signed-in reps;
- `mail_replies`: `变更：…` / `评分 4 …` in a customer's mail on the deal's thread.
Chat commands: bot/handlers/portal.py (门户) and bot/handlers/changes.py (变更).
"""
