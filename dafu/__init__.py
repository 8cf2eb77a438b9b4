"""dafu (答复): search, answers and duplicate finding over Chinese government reply letters."""

__version__ = "0.1.0"
