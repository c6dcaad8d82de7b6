"""Domain rules on plain data: no Flask, no database, so they test and benchmark alone."""
