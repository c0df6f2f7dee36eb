"""Documents in and out: spreadsheets read and written, new files written whole."""
