"""Delivery projects in chat (issue #15): access to projects, milestones and tasks, creating a project from
a template (on a won deal or by command), the timeline events, milestone acceptance."""
