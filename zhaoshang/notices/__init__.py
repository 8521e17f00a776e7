"""Notice intake: read a meeting notice or news item into proposed milestones, units, problems and tasks."""
