"""The customer portal and the customer's voice on delivery projects (issue #15).

- `voice`: file a change request, rate a milestone (the use case every route calls);
- `links`: the signed portal link of a project; `view`: what a project page shows;
- `pages`: `GET /p/<token>` and its forms; `team`: `GET /team/projects/<id>` for signed-in reps;
- `mail_replies`: `变更：…` / `评分 4 …` in a customer's mail on the project's thread.
"""
