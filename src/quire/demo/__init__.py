"""Sample works written for this project, loaded by `quire serve --demo`."""
