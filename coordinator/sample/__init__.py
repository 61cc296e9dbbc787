"""The fictional sample network that ``sample.db`` holds (see generator.py)."""
