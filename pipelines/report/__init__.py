"""The management review pack: HTML reports per period and scope, and the period's Excel workbook, from the
published warehouse (`pipelines.report.render.render_pack`).

Nothing is imported here: `mutu run` imports `pipelines.report.workers` at start-up, and the report code
(Jinja, the charts, the workbook writer) loads only where a pack is drawn."""
