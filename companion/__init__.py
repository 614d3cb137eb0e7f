"""companion: a terminal conference companion.

This package is the core (models, storage, importers, exporters, rules, CLI). It never imports
Textual or Rich; the app lives in the separate ``screens`` package.
"""

__version__ = "0.1.0"
