"""Tags and AO3's wrangling relations between them."""
