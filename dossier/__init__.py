"""dossier: turn reviewed evidence into a sanctions-violation brief on UNSC resolution 2397 (2017).

Pipeline, one module per stage: load -> models -> archive -> checks -> assemble -> render, with cli on top.
"""

__version__ = "0.1.0"
