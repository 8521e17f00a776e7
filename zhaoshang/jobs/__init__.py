"""Long work off the request: bulletin files, reminder runs, large imports.

A :class:`~zhaoshang.jobs.models.Job` is what the user sees (what was asked,
by whom, how far it got, the files it made); django-tasks' database backend
carries the work to the worker that ``zhaoshang serve`` starts beside the web
server (or ``zhaoshang worker`` on its own).
"""
