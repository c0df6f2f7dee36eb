"""The database: tables, schema upgrades, month-by-month rows, queries."""
