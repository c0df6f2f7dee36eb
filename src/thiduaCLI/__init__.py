"""thidua: the emulation officer's tool for a ward's yearly emulation movement."""

__version__ = "0.1.0"
