"""What people type and read: numbers, dates, names, languages, safe text."""
