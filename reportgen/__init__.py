"""reportgen: official Vietnamese documents from one-stop-shop figures."""

__version__ = "0.1.0"
