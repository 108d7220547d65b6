"""Held-out documents of the development family (the seed county's forms): new counties, agencies,
indicators and numbers in the shapes of the development corpus, with their expected records."""
