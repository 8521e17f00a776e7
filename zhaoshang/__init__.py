"""招商引资工作调度平台 (zhaoshang)."""
