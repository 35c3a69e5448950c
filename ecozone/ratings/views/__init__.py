"""The re-examination pages, one module per topic (urls.py names each)."""
