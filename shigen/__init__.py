"""shigen (社会資源): keep a municipality's catalogue of local resources current and hand it out."""

__version__ = "0.1.0"
