"""The ``thidua`` command line on top of the library: options, rendering, formats."""
