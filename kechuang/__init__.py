"""科创云 Kechuang: the science-and-technology innovation platform of a county bureau."""

__version__ = "0.2.0"
