"""gunicorn settings read from the working directory: resident ID numbers are masked in the access
and error logs (request lines carry URLs such as /cn/purchases/…)."""

logger_class = "twoway.identity.logging.MaskingGunicornLogger"
