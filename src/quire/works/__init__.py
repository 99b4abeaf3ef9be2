"""Works, their chapters and series: what readers come to read."""
