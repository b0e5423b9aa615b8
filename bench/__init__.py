"""Benchmark harness for `mutu` (`make bench`): generate workloads, run them in fresh processes,
measure each stage against DuckDB's parse floor, and write bench/out/results.{json,md}."""
