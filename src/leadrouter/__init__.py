"""leadrouter: a lead routing engine for B2B revenue teams."""

__version__ = "0.1.0"
