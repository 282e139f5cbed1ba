"""dossier: a terminal dossier of a legal and political case, every fact cited to its source."""

__version__ = "0.1.0"
