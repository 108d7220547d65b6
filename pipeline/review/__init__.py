"""The review report (a static HTML site in OUT_DIR/report/): reading a finished run's tables
(``report``), chart geometry (``charts``), templates and settings (``settings``)."""
from .charts import bar_chart, histogram
from .report import read_batch, write_report

__all__ = ["bar_chart", "histogram", "read_batch", "write_report"]
